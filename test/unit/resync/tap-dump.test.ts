import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TapMutation } from '../../../core/memcached/binary-decode.js';
import { itemOfMutation } from '../../../core/resync/tap-dump.js';

const mutation = (expiration: number): TapMutation => ({
  kind: 'tap-mutation',
  key: Buffer.from('reg\\\\sip:alice@example.com'),
  value: Buffer.from('binding'),
  clientFlags: 0xcfe56be8,
  expiration,
  tapFlags: 0,
  cas: 7n,
});

describe('a TAP item as a source item', () => {
  const receivedAtMs = 1_796_684_053_400;
  const nowS = Math.floor(receivedAtMs / 1000);

  it('keeps the value and flags, and has no TTL when the item never expires', () => {
    assert.deepEqual(itemOfMutation(mutation(0), receivedAtMs, 0), {
      value: Buffer.from('binding'),
      clientFlags: 0xcfe56be8,
      ttl: -1,
      readAtMs: receivedAtMs,
    });
  });

  it("makes the absolute expiry the seconds left on the node's clock", () => {
    assert.equal(itemOfMutation(mutation(nowS + 100), receivedAtMs, 0)?.ttl, 100);
    // The node's clock an hour ahead of this machine's: its expiry is an hour later too.
    assert.equal(itemOfMutation(mutation(nowS + 3600 + 100), receivedAtMs, 3_600_000)?.ttl, 100);
    // Forty days left: more than memcached takes as relative (expiry.ts sends it as a date).
    assert.equal(itemOfMutation(mutation(nowS + 40 * 86_400), receivedAtMs, 0)?.ttl, 40 * 86_400);
  });

  it("leaves out an item whose expiry the node's clock has reached (its dump still sends them)", () => {
    assert.equal(itemOfMutation(mutation(nowS), receivedAtMs, 0), undefined);
    assert.equal(itemOfMutation(mutation(nowS - 5), receivedAtMs, 0), undefined);
    assert.equal(itemOfMutation(mutation(nowS + 10), receivedAtMs, 10_000), undefined);
  });
});
