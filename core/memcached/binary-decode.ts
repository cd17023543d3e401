/**
 * A pure, incremental decoder of what Clearwater's memcached fork sends on a binary connection:
 * responses (magic 0x81) and, on a TAP connection, the server's own requests (magic 0x80: TAP
 * messages). Feed it bytes as they arrive, in chunks of any size; it emits typed packets, keeping
 * a partial packet for the next chunk. It does no I/O and knows nothing of requests.
 *
 * Keys and values are views into the chunk they arrived in (no copy); a consumer that keeps one
 * past its batch copies it.
 */
import {
  GET_EXTRAS_BYTES,
  HEADER_BYTES,
  MAGIC_REQUEST,
  MAGIC_RESPONSE,
  Opcode,
  TAP_MESSAGE_NAMES,
  TAP_MUTATION_EXTRAS_BYTES,
} from './binary-protocol.js';
import { ReplyDecodeError, type DecoderLimits, DEFAULT_DECODER_LIMITS } from './decode.js';

/** A response to one of our requests. */
export interface BinaryResponse {
  readonly kind: 'response';
  readonly opcode: number;
  readonly status: number;
  readonly opaque: number;
  readonly cas: bigint;
  readonly extras: Buffer;
  readonly key: Buffer;
  /** The value; for an error status, the server's message. */
  readonly value: Buffer;
}

/** One item of a TAP dump. */
export interface TapMutation {
  readonly kind: 'tap-mutation';
  readonly key: Buffer;
  readonly value: Buffer;
  readonly clientFlags: number;
  /** Absolute expiry as a Unix time on the server's clock, or 0 for never. */
  readonly expiration: number;
  /** TAP flags; the ACK flag (0x01) asks for an acknowledgement, which Astaire never requests. */
  readonly tapFlags: number;
  readonly cas: bigint;
}

/** A TAP message other than a mutation (a delete, flush, opaque or vbucket message). */
export interface TapMessage {
  readonly kind: 'tap-message';
  readonly opcode: number;
  readonly name: string;
  readonly key: Buffer;
}

export type BinaryPacket = BinaryResponse | TapMutation | TapMessage;

const EMPTY = Buffer.alloc(0);
// A body still missing more than this many bytes is gathered chunk by chunk and joined once.
const GATHER_THRESHOLD = 64 * 1024;
// Extras, key and engine-specific bytes: a body's parts besides the value, never large.
const MAX_EXTRAS_BYTES = 255;

export class BinaryDecoder {
  private buffer: Buffer = EMPTY;
  private offset = 0;
  private gathered: Buffer[] = [];
  private gatheredBytes = 0;
  private wanted = 0;

  constructor(private readonly limits: DecoderLimits = DEFAULT_DECODER_LIMITS) {}

  /** True when no partial packet is held: the stream may end here cleanly. */
  get isIdle(): boolean {
    return this.offset >= this.buffer.length && this.gathered.length === 0;
  }

  /**
   * Decodes as many packets as `chunk` completes, calling `emit` for each in order.
   * @throws ReplyDecodeError on bytes that are not a binary-protocol packet; the decoder is
   * then unusable.
   */
  feed(chunk: Buffer, emit: (packet: BinaryPacket) => void): void {
    if (this.gathered.length > 0) {
      this.gathered.push(chunk);
      this.gatheredBytes += chunk.length;
      if (this.gatheredBytes < this.wanted) return;
      this.buffer = Buffer.concat(this.gathered, this.gatheredBytes);
      this.offset = 0;
      this.gathered = [];
      this.gatheredBytes = 0;
    } else if (this.offset < this.buffer.length) {
      this.buffer = Buffer.concat([this.buffer.subarray(this.offset), chunk]);
      this.offset = 0;
    } else {
      this.buffer = chunk;
      this.offset = 0;
    }

    const buffer = this.buffer;
    while (buffer.length - this.offset >= HEADER_BYTES) {
      const at = this.offset;
      const bodyLength = buffer.readUInt32BE(at + 8);
      this.checkHeader(buffer, at, bodyLength);
      const end = at + HEADER_BYTES + bodyLength;
      if (end > buffer.length) {
        if (end - buffer.length > GATHER_THRESHOLD) {
          this.gathered = [buffer.subarray(at)];
          this.gatheredBytes = buffer.length - at;
          this.wanted = HEADER_BYTES + bodyLength;
          this.buffer = EMPTY;
          this.offset = 0;
        }
        return;
      }
      this.offset = end;
      emit(packetAt(buffer, at, end));
    }
  }

  private checkHeader(buffer: Buffer, at: number, bodyLength: number): void {
    const magic = buffer[at];
    if (magic !== MAGIC_RESPONSE && magic !== MAGIC_REQUEST) {
      throw new ReplyDecodeError(
        `bytes that are not a binary-protocol packet (magic 0x${hex(magic)}, ` +
          `"${printable(buffer.subarray(at, at + 24))}")`,
      );
    }
    const opcode = buffer[at + 1] as number;
    if (magic === MAGIC_REQUEST && TAP_MESSAGE_NAMES[opcode] === undefined) {
      throw new ReplyDecodeError(
        `a request from the server with opcode 0x${hex(opcode)}, which is not a TAP message`,
      );
    }
    const keyLength = buffer.readUInt16BE(at + 2);
    const extrasLength = buffer[at + 4] as number;
    if (keyLength + extrasLength > bodyLength) {
      throw new ReplyDecodeError(
        `a packet (opcode 0x${hex(opcode)}) whose key and extras (${keyLength + extrasLength} ` +
          `bytes) exceed its body (${bodyLength} bytes)`,
      );
    }
    if (bodyLength > this.limits.maxValueBytes + MAX_EXTRAS_BYTES + 0xffff) {
      throw new ReplyDecodeError(`a packet with an impossible body of ${bodyLength} bytes`);
    }
  }
}

function packetAt(buffer: Buffer, at: number, end: number): BinaryPacket {
  const opcode = buffer[at + 1] as number;
  const keyLength = buffer.readUInt16BE(at + 2);
  const extrasLength = buffer[at + 4] as number;
  const extrasStart = at + HEADER_BYTES;
  const keyStart = extrasStart + extrasLength;
  if (buffer[at] === MAGIC_RESPONSE) {
    return {
      kind: 'response',
      opcode,
      status: buffer.readUInt16BE(at + 6),
      opaque: buffer.readUInt32BE(at + 12),
      cas: buffer.readBigUInt64BE(at + 16),
      extras: buffer.subarray(extrasStart, keyStart),
      key: buffer.subarray(keyStart, keyStart + keyLength),
      value: buffer.subarray(keyStart + keyLength, end),
    };
  }
  // A TAP message: its extras begin with the length of engine-specific bytes that precede the
  // key in the body.
  const engineLength = extrasLength >= 2 ? buffer.readUInt16BE(extrasStart) : 0;
  const tapKeyStart = keyStart + engineLength;
  if (tapKeyStart + keyLength > end) {
    throw new ReplyDecodeError(
      `a ${TAP_MESSAGE_NAMES[opcode] ?? 'TAP'} message whose engine-specific bytes ` +
        `(${engineLength}) and key overrun its body`,
    );
  }
  const key = buffer.subarray(tapKeyStart, tapKeyStart + keyLength);
  if (opcode !== Opcode.TAP_MUTATION) {
    return { kind: 'tap-message', opcode, name: TAP_MESSAGE_NAMES[opcode] as string, key };
  }
  if (extrasLength !== TAP_MUTATION_EXTRAS_BYTES) {
    throw new ReplyDecodeError(
      `a TAP_MUTATION with ${extrasLength} bytes of extras (expected ${TAP_MUTATION_EXTRAS_BYTES})`,
    );
  }
  return {
    kind: 'tap-mutation',
    key,
    value: buffer.subarray(tapKeyStart + keyLength, end),
    clientFlags: buffer.readUInt32BE(extrasStart + 8),
    expiration: buffer.readUInt32BE(extrasStart + 12),
    tapFlags: buffer.readUInt16BE(extrasStart + 2),
    cas: buffer.readBigUInt64BE(at + 16),
  };
}

/** The client flags of a GET-family response (4 bytes of extras), or undefined without them. */
export function flagsOf(response: BinaryResponse): number | undefined {
  return response.extras.length === GET_EXTRAS_BYTES ? response.extras.readUInt32BE(0) : undefined;
}

function hex(byte: number | undefined): string {
  return (byte ?? 0).toString(16).padStart(2, '0');
}

function printable(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/[^\x20-\x7e]/g, '.');
}
