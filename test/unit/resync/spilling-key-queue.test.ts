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
});
