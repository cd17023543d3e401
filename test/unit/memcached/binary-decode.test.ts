import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BinaryDecoder,
  flagsOf,
  type BinaryPacket,
} from '../../../core/memcached/binary-decode.js';
import { Opcode, Status } from '../../../core/memcached/binary-protocol.js';
import { ReplyDecodeError } from '../../../core/memcached/decode.js';
import { clearwaterRecording, recorded } from '../../support/clearwater-transcripts.js';

function decodeChunks(chunks: readonly Buffer[]): BinaryPacket[] {
  const decoder = new BinaryDecoder();
  const packets: BinaryPacket[] = [];
  for (const chunk of chunks) decoder.feed(chunk, (packet) => packets.push(packet));
  assert.ok(decoder.isIdle, 'nothing left over');
  return packets;
}

// Buffers as hex and CAS values as digits, so decodes of different splits compare as data.
const normalise = (packets: readonly BinaryPacket[]) =>
  JSON.stringify(packets, (_, value: unknown) =>
    typeof value === 'bigint'
      ? value.toString()
      : value instanceof Uint8Array
        ? Buffer.from(value).toString('hex')
        : (value as { type?: string; data?: number[] })?.type === 'Buffer'
          ? Buffer.from((value as { data: number[] }).data).toString('hex')
          : value,
  );

const binaryExchanges = clearwaterRecording().exchanges.filter((e) => e.protocol === 'binary');

describe('BinaryDecoder on the recording of Clearwater memcached', () => {
  for (const exchange of binaryExchanges) {
    it(`decodes "${exchange.name}" alike when split at every offset`, () => {
      const whole = normalise(decodeChunks([exchange.reply]));
      for (let at = 1; at < exchange.reply.length; at++) {
        const split = [exchange.reply.subarray(0, at), exchange.reply.subarray(at)];
        assert.equal(normalise(decodeChunks(split)), whole, `split at ${at}`);
      }
    });
  }

  it('reads a hit: status, client flags from the extras, CAS from the header, the value', () => {
    const [hit, noop] = decodeChunks([recorded('get-hit').reply]);
    assert.ok(hit?.kind === 'response');
    assert.equal(hit.opcode, Opcode.GET);
    assert.equal(hit.status, Status.SUCCESS);
    assert.equal(flagsOf(hit), 0xcfe56be8);
    assert.equal(hit.cas, 2n);
    assert.equal(hit.value.length, 38);
    assert.equal(hit.key.length, 0);
    assert.ok(noop?.kind === 'response' && noop.opcode === Opcode.NOOP);
    assert.equal(noop.opaque, 0xfeedface);
  });

  it('GETK echoes the key', () => {
    const [hit] = decodeChunks([recorded('getk-hit').reply]);
    assert.ok(hit?.kind === 'response');
    assert.equal(hit.key.toString('latin1'), 'reg\\\\sip:+10000000001@example.com');
  });

  it('reads the refusals: not found, not stored, CAS mismatch, unknown command', () => {
    const statusOf = (name: string) => {
      const [first] = decodeChunks([recorded(name).reply]);
      assert.ok(first?.kind === 'response');
      return { status: first.status, message: first.value.toString('latin1') };
    };
    assert.deepEqual(statusOf('get-miss'), { status: Status.KEY_NOT_FOUND, message: 'Not found' });
    // The fork answers an ADD of a present key with KEY_EXISTS (2), as the recording shows.
    assert.deepEqual(statusOf('add-exists'), {
      status: Status.KEY_EXISTS,
      message: 'Data exists for key',
    });
    assert.equal(statusOf('set-cas-mismatch').status, Status.KEY_EXISTS);
    assert.equal(statusOf('unknown-opcode').status, Status.UNKNOWN_COMMAND);
  });

  it('a quiet batch of ADDQ answers only the refused one, naming it by opaque', () => {
    const packets = decodeChunks([recorded('addq-new-and-exists').reply]);
    assert.equal(packets.length, 2);
    const [refused] = packets;
    assert.ok(refused?.kind === 'response');
    assert.equal(refused.opcode, Opcode.ADDQ);
    assert.equal(refused.status, Status.KEY_EXISTS);
  });

  for (const name of ['tap-dump-listed', 'tap-dump-all', 'tap-dump-keys-only', 'tap-dump-ack']) {
    it(`"${name}": every item as a TAP_MUTATION with its flags, expiry and value`, () => {
      const packets = decodeChunks([recorded(name).reply]);
      const { loadedKeys } = clearwaterRecording();
      assert.equal(packets.length, loadedKeys.length + 2, 'the loaded keys and the two ADDed');
      const keys = new Set(
        packets.map((p) => (p.kind === 'tap-mutation' ? p.key.toString('hex') : '')),
      );
      for (const key of loadedKeys) assert.ok(keys.has(key.toString('hex')));
      const [first, second] = packets;
      assert.ok(first?.kind === 'tap-mutation' && second?.kind === 'tap-mutation');
      assert.equal(first.clientFlags, 0xcfe56800);
      assert.equal(first.expiration, 0);
      assert.equal(first.value.length, 0);
      assert.equal(first.cas, 1n);
      assert.equal(second.expiration, 0x6b17472c, 'an absolute Unix time');
    });
  }

  it('decodes a TAP dump fed one byte at a time', () => {
    const reply = recorded('tap-dump-all').reply;
    const whole = normalise(decodeChunks([reply]));
    const bytes = [...reply].map((byte) => Buffer.from([byte]));
    assert.equal(normalise(decodeChunks(bytes)), whole);
  });

  it('gathers a large value arriving in many chunks', () => {
    const value = Buffer.alloc(300_000, 7);
    const header = Buffer.alloc(24);
    header[0] = 0x81;
    header.writeUInt32BE(value.length, 8);
    const packet = Buffer.concat([header, value]);
    const chunks: Buffer[] = [];
    for (let at = 0; at < packet.length; at += 1000) chunks.push(packet.subarray(at, at + 1000));
    const [response] = decodeChunks(chunks);
    assert.ok(response?.kind === 'response');
    assert.ok(response.value.equals(value));
  });

  it('names TAP messages other than mutations', () => {
    const header = Buffer.alloc(24 + 8 + 3);
    header[0] = 0x80;
    header[1] = Opcode.TAP_DELETE;
    header.writeUInt16BE(3, 2);
    header[4] = 8;
    header.writeUInt32BE(11, 8);
    header.write('abc', 32, 'latin1');
    const [message] = decodeChunks([header]);
    assert.deepEqual(
      message?.kind === 'tap-message' && { name: message.name, key: message.key.toString() },
      { name: 'TAP_DELETE', key: 'abc' },
    );
  });

  it('refuses bytes that are not binary packets, naming what came', () => {
    const refuse = (bytes: Buffer, pattern: RegExp) =>
      assert.throws(
        () => new BinaryDecoder().feed(bytes, () => undefined),
        (error: unknown) => {
          assert.ok(error instanceof ReplyDecodeError);
          assert.match(error.message, pattern);
          return true;
        },
      );
    refuse(Buffer.from('ERROR\r\n' + ' '.repeat(20)), /not a binary-protocol packet.*ERROR/);
    const request = Buffer.alloc(24);
    request[0] = 0x80;
    request[1] = Opcode.GET;
    refuse(request, /opcode 0x00, which is not a TAP message/);
    const overrun = Buffer.alloc(24);
    overrun[0] = 0x81;
    overrun.writeUInt16BE(10, 2);
    overrun.writeUInt32BE(4, 8);
    refuse(overrun, /exceed its body/);
  });
});
