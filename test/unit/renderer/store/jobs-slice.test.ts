import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  ConsoleEvent,
  ConsoleEventBody,
  JobSummary,
  VbucketState,
} from '../../../../core/console/contract.js';
import { ConsoleCallError, type ConsoleClient } from '../../../../renderer/api/console-client.js';
import { createConsoleStore } from '../../../../renderer/store/console-store.js';
import {
  selectClusterJobs,
  selectJobNotices,
  selectTargetTally,
  selectTargetVbuckets,
  selectWatchedJobId,
} from '../../../../renderer/store/jobs-slice.js';

const TARGET = '10.0.0.4:11211';

function numbered(bodies: readonly ConsoleEventBody[], firstSeq = 1): ConsoleEvent[] {
  return bodies.map((body, index) => ({ ...body, seq: firstSeq + index }));
}

function job(id: string, change: Partial<JobSummary> = {}): JobSummary {
  return {
    id,
    kind: 'resync',
    clusterId: 'c1',
    targets: [TARGET],
    state: 'running',
    startedAt: '2026-01-01T10:00:00.000Z',
    rateLimit: 0,
    isPaused: false,
    resyncs: [],
    ...change,
  };
}

function vbucketState(vbucket: number, state: VbucketState, target = TARGET): ConsoleEventBody {
  return { type: 'vbucket-state', jobId: 'j1', target, vbucket, state };
}

/** A client that answers from `answers` and refuses the rest as NOT_YET. */
function client(answers: Record<string, unknown>, calls: unknown[] = []): ConsoleClient {
  return {
    async invoke(channel, request) {
      calls.push([channel, request]);
      if (!(channel in answers)) {
        throw new ConsoleCallError(channel, {
          code: 'NOT_YET',
          message: `${channel} is not built yet`,
          detail: { stage: 'config' },
        });
      }
      return answers[channel] as never;
    },
    onEvents: () => () => {},
  };
}

describe('jobs slice: job-updated', () => {
  it('replaces the summary of a running job', () => {
    const store = createConsoleStore();
    store.getState().applyEvents({
      events: numbered([
        { type: 'job-started', job: job('j1') },
        { type: 'job-updated', job: job('j1', { isPaused: true, rateLimit: 1024 }) },
      ]),
    });
    assert.equal(store.getState().jobsById.j1?.isPaused, true);
    assert.equal(store.getState().jobsById.j1?.rateLimit, 1024);
  });

  it('never turns a finished job back to running', () => {
    const store = createConsoleStore();
    const finished = job('j1', { state: 'succeeded', finishedAt: '2026-01-01T10:01:00.000Z' });
    store.getState().applyEvents({
      events: numbered([
        { type: 'job-finished', job: finished },
        { type: 'job-updated', job: job('j1', { isPaused: true }) },
      ]),
    });
    assert.equal(store.getState().jobsById.j1, finished);
  });
});

describe('jobs slice: per-target vbucket state', () => {
  it('keeps a tally per state and the source each vbucket was streamed from', () => {
    const store = createConsoleStore();
    store.getState().applyEvents({
      events: numbered([
        vbucketState(1, { state: 'pending' }),
        vbucketState(2, { state: 'pending' }),
        vbucketState(3, { state: 'pending' }),
        vbucketState(1, { state: 'streaming', source: 's1' }),
        vbucketState(2, { state: 'streaming', source: 's2' }),
      ]),
    });
    store.getState().applyEvents({
      events: numbered(
        [
          vbucketState(1, { state: 'done', source: 's1' }),
          vbucketState(2, { state: 'failed', reason: 's2: connection refused' }),
        ],
        6,
      ),
    });
    const state = store.getState();
    assert.deepEqual(selectTargetTally('j1', TARGET)(state), {
      pending: 1,
      streaming: 0,
      done: 1,
      failed: 1,
    });
    // A failed state does not name its source; the slice remembers it.
    assert.deepEqual(state.jobProgress.j1?.targets[TARGET]?.streamedFrom, { 1: 's1', 2: 's2' });
  });

  it('folds a batch of 1,024 vbucket states in one update, copying each target once', () => {
    const store = createConsoleStore();
    const other = '10.0.0.5:11211';
    store.getState().applyEvents({
      events: numbered([vbucketState(0, { state: 'pending' }, other)]),
    });
    const otherBefore = store.getState().jobProgress.j1?.targets[other];
    let updates = 0;
    store.subscribe(() => updates++);
    const bodies: ConsoleEventBody[] = [];
    for (let vbucket = 0; vbucket < 1024; vbucket++) {
      bodies.push(
        vbucketState(
          vbucket,
          vbucket % 4 === 0
            ? { state: 'done', source: `s${vbucket % 3}` }
            : vbucket % 4 === 1
              ? { state: 'streaming', source: `s${vbucket % 3}` }
              : vbucket % 4 === 2
                ? { state: 'failed', reason: 'gone' }
                : { state: 'pending' },
        ),
      );
    }
    const started = performance.now();
    store.getState().applyEvents({ events: numbered(bodies, 2) });
    const elapsed = performance.now() - started;
    const state = store.getState();
    assert.equal(updates, 1);
    assert.equal(Object.keys(selectTargetVbuckets('j1', TARGET)(state) ?? {}).length, 1024);
    assert.deepEqual(selectTargetTally('j1', TARGET)(state), {
      pending: 256,
      streaming: 256,
      done: 256,
      failed: 256,
    });
    assert.equal(
      Object.keys(state.jobProgress.j1?.targets[TARGET]?.streamedFrom ?? {}).length,
      512,
    );
    assert.equal(
      state.jobProgress.j1?.targets[other],
      otherBefore,
      'the other target is untouched',
    );
    // Generous: the fold is linear, a few milliseconds; a copy per event would be far slower.
    assert.ok(elapsed < 100, `folded in ${elapsed.toFixed(1)} ms`);
  });

  it('leaves the previous record and tally as they were (a snapshot per batch)', () => {
    const store = createConsoleStore();
    store.getState().applyEvents({ events: numbered([vbucketState(1, { state: 'pending' })]) });
    const before = store.getState().jobProgress.j1?.targets[TARGET];
    store.getState().applyEvents({
      events: numbered([vbucketState(1, { state: 'streaming', source: 's1' })], 2),
    });
    assert.deepEqual(before?.tally, { pending: 1, streaming: 0, done: 0, failed: 0 });
    assert.deepEqual(before?.streamedFrom, {});
    assert.deepEqual(before?.vbuckets, { 1: { state: 'pending' } });
  });
});

describe('jobs slice: actions', () => {
  it('records a started job at once', async () => {
    const store = createConsoleStore();
    const started = job('j9');
    const calls: unknown[] = [];
    const answer = await store.getState().startJob(client({ 'jobs:start': started }, calls), {
      kind: 'resync',
      clusterId: 'c1',
      target: TARGET,
      full: true,
    });
    assert.equal(answer, started);
    assert.equal(store.getState().jobsById.j9, started);
    assert.deepEqual(calls, [
      ['jobs:start', { kind: 'resync', clusterId: 'c1', target: TARGET, full: true }],
    ]);
  });

  it('keeps the rate limit the service accepted', async () => {
    const store = createConsoleStore();
    store.getState().applyEvents({ events: numbered([{ type: 'job-started', job: job('j1') }]) });
    await store.getState().setJobRate(client({ 'jobs:set-rate': null }), 'j1', 5 * 1024 * 1024);
    assert.equal(store.getState().jobsById.j1?.rateLimit, 5 * 1024 * 1024);
  });

  it('rejects with the service’s error when pausing is refused, and changes nothing', async () => {
    const store = createConsoleStore();
    store.getState().applyEvents({ events: numbered([{ type: 'job-started', job: job('j1') }]) });
    await assert.rejects(store.getState().setJobPaused(client({}), 'j1', true), {
      code: 'NOT_YET',
      message: 'jobs:pause is not built yet',
    });
    assert.equal(store.getState().jobsById.j1?.isPaused, false);
    await store.getState().setJobPaused(client({ 'jobs:pause': null }), 'j1', true);
    assert.equal(store.getState().jobsById.j1?.isPaused, true);
  });
});

describe('jobs slice: selectors', () => {
  it('watches the chosen job, else the cluster’s newest running one, else its newest', () => {
    const store = createConsoleStore();
    store.setState({ selectedClusterId: 'c1' });
    store.getState().applyEvents({
      events: numbered([
        {
          type: 'job-started',
          job: job('old-running', { startedAt: '2026-01-01T09:00:00.000Z' }),
        },
        {
          type: 'job-finished',
          job: job('newest', { state: 'failed', startedAt: '2026-01-01T11:00:00.000Z' }),
        },
        {
          type: 'job-started',
          job: job('elsewhere', { clusterId: 'c2', startedAt: '2026-01-01T12:00:00.000Z' }),
        },
      ]),
    });
    assert.equal(selectWatchedJobId(store.getState()), 'old-running');
    store.getState().watchJob('newest');
    assert.equal(selectWatchedJobId(store.getState()), 'newest');
    // A chosen job of another cluster does not show on this one.
    store.getState().watchJob('elsewhere');
    assert.equal(selectWatchedJobId(store.getState()), 'old-running');
    store.getState().applyEvents({
      events: numbered(
        [{ type: 'job-finished', job: job('old-running', { state: 'succeeded' }) }],
        4,
      ),
    });
    assert.equal(selectWatchedJobId(store.getState()), 'newest');
    assert.deepEqual(
      selectClusterJobs('c1')(store.getState()).map((j) => j.id),
      ['newest', 'old-running'],
    );
  });

  it('lists a job’s notices newest first, at most the limit', () => {
    const store = createConsoleStore();
    store.getState().applyEvents({
      events: numbered([
        { type: 'notice', jobId: 'j1', message: 'a' },
        { type: 'notice', jobId: 'j2', message: 'b' },
        { type: 'notice', jobId: 'j1', message: 'c' },
        { type: 'notice', jobId: 'j1', message: 'd' },
      ]),
    });
    assert.deepEqual(
      selectJobNotices('j1', 2)(store.getState()).map((notice) => notice.message),
      ['d', 'c'],
    );
  });
});
