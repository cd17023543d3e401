import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResyncSummaryJson } from '../../../../../core/console/contract.js';
import { LiveScreen } from '../../../../../renderer/components/live/live-screen.js';
import {
  arrangeTargets,
  standingOf,
} from '../../../../../renderer/components/live/target-order.js';
import {
  applyEvents,
  renderInConsole,
  runningJob,
  storeWithCluster,
} from '../render-in-console.js';

const [NODE_1, NODE_2, NODE_3, NODE_4] = [1, 2, 3, 4].map((n) => `10.0.0.${n}:11211`) as [
  string,
  string,
  string,
  string,
];

function summary(target: string, vbuckets: number): ResyncSummaryJson {
  return {
    target,
    full: false,
    startedAt: '2026-01-01T10:00:00.000Z',
    durationMs: 10,
    vbuckets,
    done: vbuckets,
    failed: [],
    cancelled: false,
    counts: {
      added: 0,
      replaced: 0,
      skippedNewer: 0,
      alreadyThere: 0,
      raced: 0,
      vanished: 0,
      keys: 0,
      bytes: 0,
    },
    perVbucket: {},
    sources: [],
    passes: [],
    unconfirmedKeys: 0,
    tagWritten: true,
    targetEvictions: 0,
    isComplete: true,
    error: undefined,
  };
}

/** A 3 -> 4 resize: node 1 and 2 had nothing to fetch, node 3 waits, node 4 streams. */
function resizeStore() {
  const store = storeWithCluster();
  const job = runningJob({
    kind: 'resize',
    targets: [NODE_1, NODE_2, NODE_3, NODE_4],
    resyncs: [summary(NODE_1, 0), summary(NODE_2, 0)],
  });
  applyEvents(store, [
    { type: 'job-started', job },
    {
      type: 'vbucket-state',
      jobId: job.id,
      target: NODE_4,
      vbucket: 5,
      state: { state: 'streaming', source: NODE_1 },
    },
  ]);
  return { store, job };
}

describe('the order of a job’s targets (issue 15)', () => {
  it('puts targets moving keys first and counts those with nothing to fetch in one line', () => {
    const { store, job } = resizeStore();
    const standings = job.targets.map((target) => standingOf(store.getState(), job, target));
    assert.deepEqual(standings, ['up-to-date', 'up-to-date', 'waiting', 'active']);
    assert.deepEqual(arrangeTargets(job.targets, standings), {
      listed: [NODE_4, NODE_3],
      upToDate: [NODE_1, NODE_2],
    });
  });

  it('lists ended targets after running ones, short before complete, keeping the job’s order among equals', () => {
    assert.deepEqual(
      arrangeTargets(
        ['a', 'b', 'c', 'd', 'e'],
        ['complete', 'short', 'waiting', 'active', 'active'],
      ).listed,
      ['d', 'e', 'c', 'b', 'a'],
    );
  });

  it('shows the up-to-date targets as one line in the live view, not as sections', () => {
    const { store } = resizeStore();
    const markup = renderInConsole(<LiveScreen />, store);
    assert.match(markup, /2 nodes up to date, nothing to\s+fetch/);
    const sections = [...markup.matchAll(/<section class="target-section[^"]*" aria-labelledby/g)];
    assert.equal(sections.length, 2, 'only the targets with work have a section');
    const firstSection = markup.indexOf('target-section');
    assert.ok(
      markup.indexOf('10.0.0.4', firstSection) < markup.indexOf('10.0.0.3', firstSection),
      'the streaming target comes before the waiting one',
    );
  });
});
