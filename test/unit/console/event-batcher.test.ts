import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConsoleEvent, EventBatch } from '../../../core/console/contract.js';
import { EventBatcher } from '../../../core/console/event-batcher.js';

const notice = (seq: number): ConsoleEvent => ({
  type: 'notice',
  jobId: 'j',
  message: `m${seq}`,
  seq,
});

describe('EventBatcher', () => {
  it('sends a lone event at once, then folds a burst into one batch per interval, in order', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let now = 1000;
    const sent: EventBatch[] = [];
    const batcher = new EventBatcher(
      (batch) => sent.push(batch),
      100,
      () => now,
    );

    batcher.push(notice(1));
    t.mock.timers.tick(0);
    assert.deepEqual(
      sent.map((b) => b.events.map((e) => e.seq)),
      [[1]],
    );

    // A burst right after: nothing goes out before the interval since the last send is over.
    for (let seq = 2; seq <= 500; seq++) batcher.push(notice(seq));
    now += 50;
    t.mock.timers.tick(50);
    assert.equal(sent.length, 1);
    now += 50;
    t.mock.timers.tick(50);
    assert.equal(sent.length, 2);
    assert.deepEqual(
      sent[1]?.events.map((e) => e.seq),
      Array.from({ length: 499 }, (_, i) => i + 2),
    );
  });

  it('sends at most one batch per interval however long the burst lasts', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let now = 0;
    const sent: EventBatch[] = [];
    const batcher = new EventBatcher(
      (batch) => sent.push(batch),
      100,
      () => now,
    );
    let seq = 0;
    // Two seconds of an event every millisecond.
    for (let ms = 0; ms < 2000; ms++) {
      batcher.push(notice(++seq));
      now += 1;
      t.mock.timers.tick(1);
    }
    batcher.flush();
    assert.ok(sent.length <= 21, `${sent.length} batches in 2 s`);
    const seqs = sent.flatMap((b) => b.events.map((e) => e.seq));
    assert.deepEqual(
      seqs,
      Array.from({ length: 2000 }, (_, i) => i + 1),
    );
  });

  it('sends what is pending on close and nothing after', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const sent: EventBatch[] = [];
    const batcher = new EventBatcher(
      (batch) => sent.push(batch),
      100,
      () => 0,
    );
    batcher.push(notice(1));
    batcher.close();
    batcher.push(notice(2));
    t.mock.timers.tick(1000);
    assert.deepEqual(
      sent.map((b) => b.events.map((e) => e.seq)),
      [[1]],
    );
  });
});
