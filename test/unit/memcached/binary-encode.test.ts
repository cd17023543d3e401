import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BINARY_NOOP,
  encodeGets,
  encodeSimple,
  encodeStores,
  encodeTapDump,
} from '../../../core/memcached/binary-encode.js';
import { Opcode } from '../../../core/memcached/binary-protocol.js';
import { RECORDER_NOOP, recorded } from '../../support/clearwater-transcripts.js';

// The recorder put each key's vbucket in the request header, as Clearwater's clients do. The fork
// runs with ignore_vbucket=true (as Clearwater starts it), so Astaire sends 0 there: compare the
// requests with that field cleared, and the recorder's closing NOOP taken off.
function withoutVbuckets(requests: Buffer): Buffer {
  const out = Buffer.from(requests);
  for (let at = 0; at < out.length; at += 24 + out.readUInt32BE(at + 8))
    out.writeUInt16BE(0, at + 6);
  return out;
}

function recordedRequest(name: string): Buffer {
  const request = recorded(name).request;
  const body = request.subarray(request.length - RECORDER_NOOP.length).equals(RECORDER_NOOP)
    ? request.subarray(0, request.length - RECORDER_NOOP.length)
    : request;
  return withoutVbuckets(body);
}

const KEY = Buffer.from('reg\\\\sip:+10000000001@example.com', 'latin1');

describe('binary encoders, against the recorded requests', () => {
  it('GET, GETK and a quiet GETQ', () => {
    assert.deepEqual(encodeSimple(Opcode.GET, KEY), recordedRequest('get-hit'));
    assert.deepEqual(encodeSimple(Opcode.GETK, KEY), recordedRequest('getk-hit'));
    const miss = Buffer.from('no-such-key');
    assert.deepEqual(encodeGets(Opcode.GETQ, [miss]), recordedRequest('getq-miss'));
  });

  it('ADD and SET with a CAS carry flags and expiry in their extras', () => {
    const add = encodeStores(Opcode.ADD, [
      { key: KEY, value: Buffer.from('x'), clientFlags: 1, exptime: 0 },
    ]);
    assert.deepEqual(add, recordedRequest('add-exists'));
    const fresh = encodeStores(Opcode.ADD, [
      { key: Buffer.from('fresh-key'), value: Buffer.from('fresh'), clientFlags: 7, exptime: 0 },
    ]);
    assert.deepEqual(fresh, recordedRequest('add-new'));
    const set = encodeStores(Opcode.SET, [
      { key: KEY, value: Buffer.from('new'), clientFlags: 5, exptime: 0, cas: 2n },
    ]);
    assert.deepEqual(set, recordedRequest('set-cas-match'));
  });

  it('a batch numbers its requests by opaque, in one buffer', () => {
    const batch = encodeStores(Opcode.ADDQ, [
      { key: Buffer.from('fresh-key-2'), value: Buffer.from('v'), clientFlags: 7, exptime: 0 },
      { key: Buffer.from('fresh-key-2'), value: Buffer.from('w'), clientFlags: 8, exptime: 0 },
    ]);
    const expected = recordedRequest('addq-new-and-exists');
    // The recorder numbered both 0; Astaire numbers each by its index in the batch.
    expected.writeUInt32BE(1, 24 + 8 + 11 + 1 + 12);
    assert.deepEqual(batch, expected);
  });

  it('TAP_CONNECT with DUMP, and with LIST_VBUCKETS and the list', () => {
    const listed = recordedRequest('tap-dump-listed');
    const name = listed.subarray(28, 28 + listed.readUInt16BE(2)).toString('latin1');
    const count = listed.readUInt16BE(28 + name.length);
    const vbuckets = Array.from({ length: count }, (_, i) =>
      listed.readUInt16BE(28 + name.length + 2 + 2 * i),
    );
    assert.deepEqual(encodeTapDump(name, vbuckets), listed);
    assert.deepEqual(encodeTapDump(''), recordedRequest('tap-dump-all'));
  });

  it('NOOP', () => {
    assert.deepEqual(BINARY_NOOP.subarray(0, 12), RECORDER_NOOP.subarray(0, 12));
  });

  it('refuses keys memcached cannot hold and numbers out of range', () => {
    assert.throws(() => encodeSimple(Opcode.GET, Buffer.alloc(0)), /0-byte key/);
    assert.throws(() => encodeSimple(Opcode.GET, Buffer.alloc(251, 0x61)), /251-byte key/);
    assert.throws(
      () =>
        encodeStores(Opcode.SET, [
          { key: KEY, value: Buffer.alloc(0), clientFlags: -1, exptime: 0 },
        ]),
      /client flags/,
    );
  });
});
