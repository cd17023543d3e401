/**
 * A pure, incremental decoder of memcached replies: feed it bytes as they arrive, in chunks of
 * any size, and it emits typed replies, keeping partial lines and values for the next chunk. It
 * does no I/O and knows nothing of requests; the connection matches replies to requests.
 *
 * Wire facts (memcached protocol.txt): replies are lines ending "\r\n", except metadump's item
 * lines, which end with a bare "\n"; a meta `VA <size> <flags>` line is followed by exactly <size>
 * bytes of data and "\r\n".
 */
import { decodeUriKeyBytes } from './key-encoding.js';
import { clipForMessage } from '../util/clip-for-message.js';

export type MetaCode = 'HD' | 'VA' | 'EN' | 'NS' | 'EX' | 'NF' | 'MN';

/** A meta command's reply. Return flags that were not requested or not sent are undefined. */
export interface MetaReply {
  readonly kind: 'meta';
  readonly code: MetaCode;
  /** The data block of a VA reply. */
  readonly value: Buffer | undefined;
  readonly clientFlags: number | undefined;
  /** Remaining TTL in seconds; -1 when the item never expires. */
  readonly ttl: number | undefined;
  /** CAS unique, kept as text: it is 64-bit and only ever echoed back. */
  readonly cas: string | undefined;
  /** The value's length in bytes (the `s` return flag). */
  readonly size: number | undefined;
  readonly key: string | undefined;
  readonly isBase64Key: boolean;
  readonly opaque: string | undefined;
}

/** One item from `lru_crawler metadump`. */
export interface DumpEntry {
  readonly key: Buffer;
  /** Absolute expiry as a Unix time on the server's clock, or -1 for never. */
  readonly exptime: number;
  readonly cas: string;
  /** Bytes the item takes in its slab (key, value and header). */
  readonly size: number;
}

export type ServerErrorType = 'ERROR' | 'CLIENT_ERROR' | 'SERVER_ERROR' | 'BADCLASS';

export type Reply =
  | MetaReply
  | { readonly kind: 'dump'; readonly entry: DumpEntry }
  | { readonly kind: 'stat'; readonly name: string; readonly value: string }
  | { readonly kind: 'end' }
  | { readonly kind: 'ok' }
  | { readonly kind: 'version'; readonly version: string }
  | { readonly kind: 'busy'; readonly message: string }
  | { readonly kind: 'error'; readonly type: ServerErrorType; readonly message: string };

/** Bytes that cannot be a reply. The connection adds the node's name and fails its requests. */
export class ReplyDecodeError extends Error {}

export interface DecoderLimits {
  /** Longest reply line accepted; a longer one means the peer is not a memcached. */
  readonly maxLineBytes: number;
  /** Largest value accepted (memcached's item size limit is at most 1 GB; the default 1 MB). */
  readonly maxValueBytes: number;
}

export const DEFAULT_DECODER_LIMITS: DecoderLimits = {
  maxLineBytes: 8192,
  maxValueBytes: 128 * 1024 * 1024,
};

const EMPTY = Buffer.alloc(0);
const LF = 0x0a;
const CR = 0x0d;
// A value still missing more than this many bytes is gathered chunk by chunk and joined once,
// instead of re-joining the growing remainder with every chunk.
const GATHER_THRESHOLD = 64 * 1024;

export class ReplyDecoder {
  private buffer: Buffer = EMPTY;
  private offset = 0;
  private valueHeader: MetaReply | undefined;
  private valueSize = 0;
  private gathered: Buffer[] = [];
  private gatheredBytes = 0;

  constructor(private readonly limits: DecoderLimits = DEFAULT_DECODER_LIMITS) {}

  /** True when no partial reply is held: the stream may end here cleanly. */
  get isIdle(): boolean {
    return (
      this.valueHeader === undefined &&
      this.offset >= this.buffer.length &&
      this.gathered.length === 0
    );
  }

  /**
   * Decodes as many replies as `chunk` completes, calling `emit` for each in order.
   * @throws ReplyDecodeError on bytes that are not a memcached reply; the decoder is then unusable.
   */
  feed(chunk: Buffer, emit: (reply: Reply) => void): void {
    if (this.gathered.length > 0) {
      this.gathered.push(chunk);
      this.gatheredBytes += chunk.length;
      if (this.gatheredBytes < this.valueSize + 2) return;
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
    while (this.offset < buffer.length) {
      const header = this.valueHeader;
      if (header !== undefined) {
        const end = this.offset + this.valueSize;
        if (end + 2 > buffer.length) {
          const missing = end + 2 - buffer.length;
          if (missing > GATHER_THRESHOLD) {
            this.gathered = [buffer.subarray(this.offset)];
            this.gatheredBytes = buffer.length - this.offset;
            this.buffer = EMPTY;
            this.offset = 0;
          }
          return;
        }
        if (buffer[end] !== CR || buffer[end + 1] !== LF) {
          throw new ReplyDecodeError(`a ${this.valueSize}-byte value is not followed by "\\r\\n"`);
        }
        this.valueHeader = undefined;
        emit({ ...header, value: buffer.subarray(this.offset, end) });
        this.offset = end + 2;
        continue;
      }

      const newline = buffer.indexOf(LF, this.offset);
      if (newline < 0) {
        if (buffer.length - this.offset > this.limits.maxLineBytes) {
          throw new ReplyDecodeError(
            `a reply line longer than ${this.limits.maxLineBytes} bytes: ${excerpt(buffer, this.offset)}`,
          );
        }
        return;
      }
      const lineEnd = newline > this.offset && buffer[newline - 1] === CR ? newline - 1 : newline;
      const start = this.offset;
      this.offset = newline + 1;
      // Dump lines are most of the traffic of a resync: parse them from the bytes, without
      // making a string of the line.
      if (isDumpLine(buffer, start, lineEnd)) {
        emit({ kind: 'dump', entry: parseDumpLine(buffer, start, lineEnd) });
        continue;
      }
      const reply = this.parseLine(buffer.toString('latin1', start, lineEnd));
      if (reply !== undefined) emit(reply);
    }
  }

  // Returns undefined for a VA header, whose reply is emitted once its data has arrived.
  private parseLine(line: string): Reply | undefined {
    const code = line.length === 2 || line.charCodeAt(2) === 0x20 ? line.slice(0, 2) : '';
    switch (code) {
      case 'VA': {
        const reply = parseMeta('VA', line);
        const sizeText = line.slice(3).split(' ', 1)[0] ?? '';
        const size = /^[0-9]{1,10}$/.test(sizeText) ? Number(sizeText) : NaN;
        if (!(size <= this.limits.maxValueBytes)) {
          throw new ReplyDecodeError(
            `a VA reply with an impossible size: "${clipForMessage(line)}"`,
          );
        }
        this.valueHeader = reply;
        this.valueSize = size;
        return undefined;
      }
      case 'HD':
      case 'EN':
      case 'NS':
      case 'EX':
      case 'NF':
      case 'MN':
        return parseMeta(code, line);
    }
    if (line.startsWith('STAT ')) {
      const space = line.indexOf(' ', 5);
      return space < 0
        ? { kind: 'stat', name: line.slice(5), value: '' }
        : { kind: 'stat', name: line.slice(5, space), value: line.slice(space + 1) };
    }
    if (line === 'END') return { kind: 'end' };
    if (line === 'OK') return { kind: 'ok' };
    if (line.startsWith('VERSION ')) return { kind: 'version', version: line.slice(8) };
    if (line === 'BUSY' || line.startsWith('BUSY '))
      return { kind: 'busy', message: line.slice(5) };
    for (const type of ['ERROR', 'CLIENT_ERROR', 'SERVER_ERROR', 'BADCLASS'] as const) {
      if (line === type || line.startsWith(type + ' ')) {
        return { kind: 'error', type, message: line.slice(type.length + 1) };
      }
    }
    throw new ReplyDecodeError(`an unexpected reply line: "${clipForMessage(line)}"`);
  }
}

function parseMeta(code: MetaCode, line: string): MetaReply {
  let clientFlags: number | undefined;
  let ttl: number | undefined;
  let cas: string | undefined;
  let size: number | undefined;
  let key: string | undefined;
  let opaque: string | undefined;
  let isBase64Key = false;
  const tokens = line.split(' ');
  // VA's first token after the code is the size, not a flag.
  for (let i = code === 'VA' ? 2 : 1; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (token === '') continue;
    const rest = token.slice(1);
    switch (token.charCodeAt(0)) {
      case 0x66: // f
        clientFlags = parseInteger(rest, line, 0, 0xffffffff);
        break;
      case 0x74: // t
        ttl = parseInteger(rest, line, -1, Number.MAX_SAFE_INTEGER);
        break;
      case 0x63: // c
        if (!/^[0-9]{1,20}$/.test(rest))
          throw new ReplyDecodeError(`a bad CAS in "${clipForMessage(line)}"`);
        cas = rest;
        break;
      case 0x73: // s
        size = parseInteger(rest, line, 0, Number.MAX_SAFE_INTEGER);
        break;
      case 0x6b: // k
        key = rest;
        break;
      case 0x62: // b
        isBase64Key = true;
        break;
      case 0x4f: // O
        opaque = rest;
        break;
      // Other return flags (h, l, W, X, Z...) are not used by Astaire and are ignored.
    }
  }
  return {
    kind: 'meta',
    code,
    value: undefined,
    clientFlags,
    ttl,
    cas,
    size,
    key,
    isBase64Key,
    opaque,
  };
}

function isDumpLine(buffer: Buffer, start: number, end: number): boolean {
  // "key="
  return (
    end - start > 4 &&
    buffer[start] === 0x6b &&
    buffer[start + 1] === 0x65 &&
    buffer[start + 2] === 0x79 &&
    buffer[start + 3] === 0x3d
  );
}

const SPACE = 0x20;
const PERCENT = 0x25;
const EQUALS = 0x3d;
const MINUS = 0x2d;

/**
 * "key=<uri-encoded> exp=<n> la=<n> cas=<n> fetch=<yes|no> cls=<n> size=<n>". A resync reads every
 * line of every source's dump but needs only the key, so the key is decoded at once (and the line
 * checked to go on with " exp="), while the other fields are parsed only if they are read.
 */
function parseDumpLine(buffer: Buffer, start: number, end: number): DumpEntry {
  let i = start + 4;
  let hasEscape = false;
  for (; i < end && buffer[i] !== SPACE; i++) if (buffer[i] === PERCENT) hasEscape = true;
  const keyEnd = i;
  // A key without escapes is its own bytes: a view, no copy. Views keep the chunk they point into
  // alive, but only while their batch is in flight, which the pipeline window bounds.
  const key = hasEscape
    ? decodeUriKeyBytes(buffer, start + 4, keyEnd)
    : buffer.subarray(start + 4, keyEnd);
  // The fields are looked for inside this line only: past its end lies the next line.
  const hasFields =
    keyEnd + 4 < end &&
    buffer[keyEnd + 1] === 0x65 &&
    buffer[keyEnd + 2] === 0x78 &&
    buffer[keyEnd + 3] === 0x70 &&
    buffer[keyEnd + 4] === EQUALS;
  if (key === undefined || key.length === 0 || !hasFields) {
    throw new ReplyDecodeError(
      `a malformed metadump line: "${clipForMessage(buffer.toString('latin1', start, end))}"`,
    );
  }
  return new DumpLine(key, buffer, keyEnd, end);
}

/**
 * A dump entry whose fields after the key are parsed on first use. It keeps offsets into the
 * chunk rather than a view of it: no allocation per line for fields a resync never reads.
 */
class DumpLine implements DumpEntry {
  private parsed: { exptime: number; cas: string; size: number } | undefined;

  constructor(
    readonly key: Buffer,
    private readonly chunk: Buffer,
    private readonly fieldsStart: number,
    private readonly fieldsEnd: number,
  ) {}

  get exptime(): number {
    return this.parse().exptime;
  }

  get cas(): string {
    return this.parse().cas;
  }

  get size(): number {
    return this.parse().size;
  }

  private parse(): { exptime: number; cas: string; size: number } {
    this.parsed ??= parseDumpFields(this.chunk, this.fieldsStart, this.fieldsEnd);
    return this.parsed;
  }
}

/** " exp=<n> la=<n> cas=<n> fetch=<yes|no> cls=<n> size=<n>", in one pass over the bytes. */
function parseDumpFields(
  buffer: Buffer,
  start: number,
  end: number,
): { exptime: number; cas: string; size: number } {
  let exptime = NaN;
  let size = NaN;
  let cas = '';
  for (let i = start; i < end;) {
    const nameStart = ++i;
    while (i < end && buffer[i] !== EQUALS && buffer[i] !== SPACE) i++;
    const nameLength = i - nameStart;
    if (buffer[i] !== EQUALS) continue; // a field without a value: not one we read
    const valueStart = ++i;
    const isNegative = buffer[i] === MINUS;
    if (isNegative) i++;
    let value = 0;
    let isNumber = i < end && buffer[i] !== SPACE;
    for (; i < end && buffer[i] !== SPACE; i++) {
      const digit = (buffer[i] as number) - 0x30;
      if (digit < 0 || digit > 9) isNumber = false;
      else value = value * 10 + digit;
    }
    const first = buffer[nameStart];
    if (nameLength === 3 && first === 0x65) {
      exptime = isNumber && i - valueStart <= 12 ? (isNegative ? -value : value) : NaN; // exp
    } else if (nameLength === 4 && first === 0x73) {
      size = isNumber && !isNegative && i - valueStart <= 12 ? value : NaN; // size
    } else if (nameLength === 3 && first === 0x63 && buffer[nameStart + 1] === 0x61) {
      // cas: 64-bit, so kept as its digits rather than as a number that could lose precision
      cas =
        isNumber && !isNegative && i - valueStart <= 20
          ? buffer.toString('latin1', valueStart, i)
          : '';
    }
  }
  if (Number.isNaN(exptime) || cas === '' || Number.isNaN(size)) {
    throw new ReplyDecodeError(
      `a malformed metadump line: "...${clipForMessage(buffer.toString('latin1', start, end))}"`,
    );
  }
  return { exptime, cas, size };
}

function parseInteger(text: string, line: string, min: number, max: number): number {
  const value = /^-?[0-9]{1,16}$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) {
    throw new ReplyDecodeError(
      `a bad number "${clipForMessage(text)}" in "${clipForMessage(line)}"`,
    );
  }
  return value;
}

function excerpt(buffer: Buffer, offset: number): string {
  return `"${clipForMessage(buffer.toString('latin1', offset, offset + 80))}"`;
}
