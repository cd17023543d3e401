import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobSummary, ResyncSummaryJson } from '../../../../../core/console/contract.js';
import {
  namesNode,
  retryRequest,
  targetFailures,
} from '../../../../../renderer/components/live/live-failures.js';
import type { TargetProgress } from '../../../../../renderer/store/jobs-slice.js';

const TARGET = '10.0.0.4:11211';

const JOB: JobSummary = {
  id: 'j1',
  kind: 'resize',
  clusterId: 'c1',
  targets: [TARGET],
  state: 'running',
  startedAt: '2026-01-01T10:00:00.000Z',
  rateLimit: 2048,
  isPaused: false,
  resyncs: [],
};

const PROGRESS: TargetProgress = {
  vbuckets: {
    1: { state: 'failed', reason: 'no replica could serve it (10.0.0.1:11211: refused)' },
    2: { state: 'failed', reason: 'not streamed: the target failed' },
    3: { state: 'done', source: '10.0.0.2:11211' },
  },
  streamedFrom: { 1: '10.0.0.1:11211', 2: '10.0.0.2:11211', 3: '10.0.0.2:11211' },
  tally: { pending: 0, streaming: 0, done: 1, failed: 2 },
};

function summary(change: Partial<ResyncSummaryJson>): ResyncSummaryJson {
  return {
    target: TARGET,
    full: false,
    startedAt: '2026-01-01T10:00:00.000Z',
    durationMs: 1,
    vbuckets: 3,
    done: 1,
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
    tagWritten: false,
    targetEvictions: 0,
    isComplete: false,
    error: undefined,
    ...change,
  };
}

describe('targetFailures', () => {
  it('lists failed vbuckets from the events while the target runs, grouped by last source', () => {
    const failures = targetFailures(JOB, TARGET, PROGRESS);
    assert.equal(failures.isEnded, false);
    assert.deepEqual(failures.vbuckets, [
      {
        vbucket: 1,
        reason: 'no replica could serve it (10.0.0.1:11211: refused)',
        source: '10.0.0.1:11211',
      },
      { vbucket: 2, reason: 'not streamed: the target failed', source: '10.0.0.2:11211' },
    ]);
    assert.deepEqual(
      failures.sources.map((source) => [source.source, source.vbuckets]),
      [
        ['10.0.0.1:11211', [1]],
        ['10.0.0.2:11211', [2]],
      ],
    );
  });

  it('takes the summary as the record once the target has ended', () => {
    const ended: JobSummary = {
      ...JOB,
      resyncs: [
        summary({
          failed: [
            { vbucket: 1, reason: 'no replica could serve it (10.0.0.1:11211: refused)' },
            { vbucket: 7, reason: 'no replica could serve it (10.0.0.1:11211: refused)' },
          ],
          sources: [
            { node: '10.0.0.1:11211', keys: 0, bytes: 0, failure: 'refused' },
            { node: '10.0.0.2:11211', keys: 5, bytes: 5 },
          ],
        }),
      ],
    };
    const failures = targetFailures(ended, TARGET, PROGRESS);
    assert.equal(failures.isEnded, true);
    assert.deepEqual(
      failures.vbuckets.map((failure) => failure.vbucket),
      [1, 7],
    );
    assert.deepEqual(failures.sources, [
      { source: '10.0.0.1:11211', reason: 'refused', vbuckets: [1, 7] },
    ]);
  });

  it('tells a whole address from one it begins', () => {
    assert.equal(namesNode('(10.0.0.1:11211: refused)', '10.0.0.1:11211'), true);
    assert.equal(namesNode('(10.0.0.1:112110: refused)', '10.0.0.1:11211'), false);
    assert.equal(namesNode('(110.0.0.1:11211: refused)', '10.0.0.1:11211'), false);
    assert.equal(namesNode('10.0.0.1:11211', '10.0.0.1:11211'), true);
  });
});

describe('retryRequest', () => {
  it('asks for the same kind of resync of the chosen vbuckets, naming the job it retries', () => {
    assert.deepEqual(retryRequest(JOB, TARGET, true, [4]), {
      kind: 'resync',
      clusterId: 'c1',
      target: TARGET,
      full: true,
      vbuckets: [4],
      retryOf: 'j1',
      rateLimit: 2048,
    });
    assert.deepEqual(
      retryRequest({ ...JOB, rateLimit: 0 }, TARGET, false, [1, 7], '10.0.0.1:11211'),
      {
        kind: 'resync',
        clusterId: 'c1',
        target: TARGET,
        full: false,
        vbuckets: [1, 7],
        retryOf: 'j1',
        source: '10.0.0.1:11211',
      },
    );
  });
});
