import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countOf } from '../../../../../core/util/format-units.js';
import {
  describeEta,
  formatRateLimit,
  overallEta,
  targetEta,
  targetTotals,
  type EtaBasis,
} from '../../../../../renderer/components/live/live-figures.js';
import type { ConsoleState } from '../../../../../renderer/store/console-store.js';

const RUNNING: EtaBasis = {
  isEnded: false,
  isPaused: false,
  tally: { pending: 0, streaming: 4, done: 4, failed: 0 },
  estimatedKeys: 10_000,
  movedKeys: 4_000,
  keysPerSecond: 100,
  rateSamples: 10,
};

describe('targetEta', () => {
  it('divides the keys left by the recent rate', () => {
    assert.deepEqual(targetEta(RUNNING), { kind: 'remaining', ms: 60_000 });
    assert.equal(describeEta(targetEta(RUNNING)), 'about 01:00 left');
  });

  it('is estimating while a vbucket waits for its source, without an estimate, or with too few samples', () => {
    const pending = { ...RUNNING, tally: { ...RUNNING.tally, pending: 1 } };
    assert.equal(targetEta(pending).kind, 'estimating');
    assert.equal(targetEta({ ...RUNNING, estimatedKeys: undefined }).kind, 'estimating');
    assert.equal(targetEta({ ...RUNNING, rateSamples: 2 }).kind, 'estimating');
    assert.equal(describeEta({ kind: 'estimating' }), 'estimating…');
  });

  it('says stalled when nothing moved lately, and finishing past the estimate', () => {
    assert.equal(targetEta({ ...RUNNING, keysPerSecond: 0 }).kind, 'stalled');
    assert.equal(targetEta({ ...RUNNING, movedKeys: 10_500 }).kind, 'finishing');
    const allStreamed = { ...RUNNING, tally: { pending: 0, streaming: 0, done: 8, failed: 0 } };
    assert.equal(targetEta(allStreamed).kind, 'finishing');
  });

  it('is paused, not started or ended as the job is', () => {
    assert.equal(targetEta({ ...RUNNING, isPaused: true }).kind, 'paused');
    const none = { pending: 0, streaming: 0, done: 0, failed: 0 };
    assert.equal(targetEta({ ...RUNNING, tally: none }).kind, 'not-started');
    assert.equal(targetEta({ ...RUNNING, isEnded: true }).kind, 'ended');
  });
});

describe('overallEta', () => {
  it('ends with the slowest target, and has no basis while any target has none', () => {
    assert.deepEqual(
      overallEta([
        { kind: 'remaining', ms: 5000 },
        { kind: 'ended' },
        { kind: 'remaining', ms: 9000 },
      ]),
      { kind: 'remaining', ms: 9000 },
    );
    assert.equal(
      overallEta([{ kind: 'remaining', ms: 5000 }, { kind: 'not-started' }]).kind,
      'estimating',
    );
    assert.equal(overallEta([{ kind: 'ended' }, { kind: 'ended' }]).kind, 'ended');
    assert.equal(overallEta([{ kind: 'finishing' }, { kind: 'ended' }]).kind, 'finishing');
    assert.equal(overallEta([{ kind: 'paused' }, { kind: 'estimating' }]).kind, 'paused');
  });
});

describe('live words', () => {
  it('formats rate limits and counts', () => {
    assert.equal(formatRateLimit(0), 'no limit');
    assert.equal(formatRateLimit(20 * 1024 * 1024), '20.0 MiB/s');
    assert.equal(countOf(1, 'vbucket'), '1 vbucket');
    assert.equal(countOf(1200, 'key'), '1,200 keys');
  });
});

describe('targetTotals', () => {
  it('has no totals yet for a target named constructor or toString, rather than a TypeError', () => {
    const state = { totals: { j1: { '10.0.0.1:11211': [] } } } as unknown as ConsoleState;
    for (const target of ['constructor', 'toString']) {
      assert.equal(targetTotals(state, 'j1', target), undefined, target);
    }
  });
});
