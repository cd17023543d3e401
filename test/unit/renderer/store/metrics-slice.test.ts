import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConsoleEvent, ThroughputSample } from '../../../../core/console/contract.js';
import { createConsoleStore } from '../../../../renderer/store/console-store.js';
import {
  recentRate,
  selectSeries,
  selectTargetSampleAt,
} from '../../../../renderer/store/metrics-slice.js';

const TARGET = '10.0.0.4:11211';

function tick(seq: number, at: number, keysPerSecond: number, target = TARGET): ConsoleEvent {
  const sample: ThroughputSample = {
    at,
    node: target,
    role: 'target',
    keysPerSecond,
    bytesPerSecond: keysPerSecond * 10,
  };
  return {
    seq,
    type: 'throughput',
    jobId: 'j1',
    target,
    samples: [sample],
    totals: [{ node: target, role: 'target', keys: 0, bytes: 0 }],
  };
}

describe('metrics slice: derived figures', () => {
  it('moves a target’s sample time only when that target gets samples', () => {
    const store = createConsoleStore();
    const select = selectTargetSampleAt('j1', TARGET);
    assert.equal(select(store.getState()), 0);
    store.getState().applyEvents({ events: [tick(1, 1000, 5)] });
    assert.equal(select(store.getState()), 1000);
    store.getState().applyEvents({ events: [tick(2, 2000, 5, '10.0.0.5:11211')] });
    assert.equal(select(store.getState()), 1000);
  });

  it('averages the last samples of a series', () => {
    const store = createConsoleStore();
    store.getState().applyEvents({
      events: [tick(1, 1000, 100), tick(2, 2000, 10), tick(3, 3000, 20), tick(4, 4000, 30)],
    });
    const series = selectSeries('j1', TARGET, TARGET)(store.getState());
    assert.deepEqual(recentRate(series, 3), {
      keysPerSecond: 20,
      bytesPerSecond: 200,
      samples: 3,
    });
    assert.equal(recentRate(series, 10).samples, 4);
    assert.deepEqual(recentRate(undefined, 3), { keysPerSecond: 0, bytesPerSecond: 0, samples: 0 });
  });
});
