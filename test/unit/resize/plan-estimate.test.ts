import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateTarget, scheduleSeconds, withTimes } from '../../../core/resize/plan-estimate.js';

const order = ['a:1', 'b:1', 'c:1', 'd:1'];

describe('the plan estimate arithmetic', () => {
  it('gives a target each source share of items and bytes by vbuckets streamed over held', () => {
    const estimate = estimateTarget(
      'd:1',
      40,
      new Map([
        ['b:1', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
        ['a:1', Array.from({ length: 30 }, (_, i) => 100 + i)],
      ]),
      new Map([
        ['a:1', 90],
        ['b:1', 80],
      ]),
      new Map([
        ['a:1', { items: 9000, bytes: 9_000_000 }],
        ['b:1', { items: 4000, bytes: 1_000_000 }],
      ]),
      order,
    );
    assert.deepEqual(estimate, {
      target: 'd:1',
      vbuckets: 40,
      // a: 30 of 90 vbuckets -> a third; b: 10 of 80 -> an eighth.
      keys: 3000 + 500,
      bytes: 3_000_000 + 125_000,
      sources: [
        { node: 'a:1', vbuckets: 30, keys: 3000, bytes: 3_000_000 },
        { node: 'b:1', vbuckets: 10, keys: 500, bytes: 125_000 },
      ],
      unsampledSources: [],
    });
  });

  it('leaves out a source that was not sampled, rather than guess its share', () => {
    const estimate = estimateTarget(
      'd:1',
      20,
      new Map([
        ['a:1', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
        ['c:1', [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]],
      ]),
      new Map([
        ['a:1', 80],
        ['c:1', 80],
      ]),
      new Map([['a:1', { items: 800, bytes: 8000 }]]),
      order,
    );
    assert.equal(estimate.vbuckets, 20, 'the worklist is still the whole worklist');
    assert.deepEqual(
      estimate.sources.map((s) => s.node),
      ['a:1'],
    );
    assert.equal(estimate.keys, 100);
    assert.deepEqual(estimate.unsampledSources, ['c:1'], 'the source left out is named');
  });

  it('times each target at the rate, and the resize as its slots would run it', () => {
    const targets = [
      { target: 'a:1', vbuckets: 1, keys: 10, bytes: 1000, sources: [], unsampledSources: [] },
      { target: 'b:1', vbuckets: 1, keys: 20, bytes: 3000, sources: [], unsampledSources: [] },
      { target: 'c:1', vbuckets: 1, keys: 30, bytes: 2000, sources: [], unsampledSources: [] },
    ];
    const rate = { bytesPerSecond: 100, basis: 'measured on resync of x at 10:00' };
    const timed = withTimes(targets, rate, 2);
    assert.deepEqual(
      timed.targets.map((t) => t.seconds),
      [10, 30, 20],
    );
    assert.equal(timed.keys, 60);
    assert.equal(timed.bytes, 6000);
    // a (10 s) and b (30 s) start together; c starts when a ends, at 10 s, and ends at 30 s.
    assert.equal(timed.seconds, 30);
    assert.deepEqual(timed.rate, rate);

    const untimed = withTimes(targets, null, 2);
    assert.ok(untimed.targets.every((t) => t.seconds === null));
    assert.equal(untimed.seconds, null);
  });

  it('gives no time where a source could not be sampled: the figures are only a lower bound', () => {
    const targets = [
      { target: 'a:1', vbuckets: 1, keys: 10, bytes: 1000, sources: [], unsampledSources: [] },
      { target: 'b:1', vbuckets: 1, keys: 0, bytes: 0, sources: [], unsampledSources: ['x:1'] },
    ];
    const timed = withTimes(targets, { bytesPerSecond: 100, basis: 'measured on resync' }, 2);
    assert.deepEqual(
      timed.targets.map((t) => t.seconds),
      [10, null],
    );
    assert.equal(timed.seconds, null, 'not "under a minute" for a target of unknown size');
  });

  it('schedules in the given order on the first free slot', () => {
    assert.equal(scheduleSeconds([], 2), 0);
    assert.equal(scheduleSeconds([5, 5, 5, 5], 2), 10);
    assert.equal(scheduleSeconds([5, 5, 5, 5], 1), 20);
    assert.equal(scheduleSeconds([5, 5, 5], 8), 5);
    // Order matters (no reordering): a long one last lands after the short ones.
    assert.equal(scheduleSeconds([1, 1, 1, 1, 10], 2), 12);
  });
});
