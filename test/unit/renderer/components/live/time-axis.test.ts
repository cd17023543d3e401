import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConsoleEvent } from '../../../../../core/console/contract.js';
import { createNodeIndex } from '../../../../../renderer/components/live/cluster-nodes.js';
import { chartData } from '../../../../../renderer/components/live/throughput-chart.js';
import {
  axisStart,
  MIN_AXIS_SECONDS,
  secondsAgo,
  timeTicks,
} from '../../../../../renderer/components/live/time-axis.js';
import { createConsoleStore } from '../../../../../renderer/store/console-store.js';

describe('the throughput chart’s time axis', () => {
  it('has between three and six labels, now among them, for any age of the oldest sample', () => {
    for (let tenths = 0; tenths <= 36_000; tenths++) {
      const oldest = -tenths / 10;
      const ticks = timeTicks(oldest);
      const where = `oldest sample ${oldest}s: ${ticks.join(', ')}`;
      assert.ok(ticks.length >= 3 && ticks.length <= 6, where);
      assert.equal(ticks.at(-1), 0, where);
      assert.ok((ticks[0] ?? 0) >= axisStart(oldest), where);
      const step = (ticks[1] ?? 0) - (ticks[0] ?? 0);
      assert.ok(
        ticks.every((t, i) => i === 0 || t - (ticks[i - 1] ?? 0) === step),
        where,
      );
    }
  });

  it('spans at least MIN_AXIS_SECONDS, so that a one-second job has labels too', () => {
    assert.equal(axisStart(0), -MIN_AXIS_SECONDS);
    assert.equal(axisStart(-95), -95);
    assert.deepEqual(timeTicks(0), [-10, -8, -6, -4, -2, 0]);
  });

  it('labels times as an operator reads them', () => {
    assert.equal(secondsAgo(0), 'now');
    assert.equal(secondsAgo(-0.3), 'now');
    assert.equal(secondsAgo(-45), '−45s');
    assert.equal(secondsAgo(-125), '−2m05');
  });

  it('places a sample taken a fraction of a second after the one before apart from it', () => {
    const store = createConsoleStore();
    const target = '10.0.0.4:11211';
    const events: ConsoleEvent[] = [1000, 2000, 3000, 3300].map((at, i) => ({
      seq: i + 1,
      type: 'throughput',
      jobId: 'j1',
      target,
      samples: [{ at, node: target, role: 'target', keysPerSecond: i, bytesPerSecond: i }],
      totals: [{ node: target, role: 'target', keys: 0, bytes: 0 }],
    }));
    store.getState().applyEvents({ events });
    const { rows } = chartData(
      store.getState(),
      'j1',
      target,
      [],
      'keys',
      createNodeIndex([target]),
    );
    assert.deepEqual(
      rows.map((row) => row.t),
      [-2.3, -1.3, -0.3, 0],
    );
  });
});
