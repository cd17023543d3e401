import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SpillingKeyQueue, type QueuedKey } from '../../../core/resync/spilling-key-queue.js';

const keyOf = (i: number) => Buffer.from(`impi\\\\user-${i}-`.padEnd(10 + (i % 240), 'x'));
const name = (k: QueuedKey) => `${k.vbucket}:${k.key.toString('latin1')}`;

describe('SpillingKeyQueue', () => {
  it('gives back every key exactly once, across memory and disk, in any interleaving', () => {
    const queue = new SpillingKeyQueue(100);
    const expected = new Set<string>();
    const taken: string[] = [];
    for (let i = 0; i < 50_000; i++) {
      const key = keyOf(i);
      queue.push(key, i % 128);
      expected.add(`${i % 128}:${key.toString('latin1')}`);
      if (i % 7 === 0) taken.push(...queue.take(3).map(name));
    }
    assert.ok(queue.spilled > 40_000, 'most keys went to disk');
    while (queue.size > 0) taken.push(...queue.take(256).map(name));
    assert.equal(taken.length, expected.size);
    assert.deepEqual(new Set(taken), expected);
    queue.close();
  });

  it('keeps up to its memory limit off the disk, and copies keys so chunks are not pinned', () => {
    const queue = new SpillingKeyQueue(10);
    const chunk = Buffer.from('key-a key-b');
    queue.push(chunk.subarray(0, 5), 1);
    chunk.fill(0);
    assert.equal(queue.take(1)[0]?.key.toString(), 'key-a');
    assert.equal(queue.spilled, 0);
    queue.close();
  });

  it('removes its spill file on close', () => {
    const queue = new SpillingKeyQueue(1);
    for (let i = 0; i < 200_000; i++) queue.push(keyOf(i), 1);
    const file = (queue as unknown as { file?: { dir: string } }).file;
    assert.ok(file !== undefined && existsSync(file.dir));
    queue.close();
    assert.equal(existsSync(file.dir), false);
  });

  it("keeps a TAP dump's items whole across disk: values up to a megabyte, no TTL, read times", () => {
    // A value limit of 1 KB sends nearly every item to disk.
    const queue = new SpillingKeyQueue(1000, 1024);
    const sizes = [0, 1, 100, 5000, 1024 * 1024 - 300];
    const pushed = Array.from({ length: 40 }, (_, i) => ({
      key: keyOf(i),
      vbucket: i % 128,
      item: {
        value: Buffer.alloc(sizes[i % sizes.length] as number, i),
        clientFlags: 0xfffffff0 + (i % 16),
        ttl: i % 3 === 0 ? -1 : i * 1000,
        readAtMs: 1_796_684_053_123.5 + i,
      },
    }));
    for (const entry of pushed) queue.push(entry.key, entry.vbucket, entry.item);
    assert.ok(queue.spilled > 30, 'most items went to disk');
    const taken: QueuedKey[] = [];
    while (queue.size > 0) taken.push(...queue.take(7));
    const byName = new Map(taken.map((k) => [name(k), k]));
    for (const entry of pushed) {
      const back = byName.get(name(entry));
      assert.ok(back?.item !== undefined, `${name(entry)} came back with its item`);
      assert.deepEqual(
        { ...back.item, value: back.item.value.toString('hex') },
        { ...entry.item, value: entry.item.value.toString('hex') },
      );
    }
    queue.close();
  });
});
