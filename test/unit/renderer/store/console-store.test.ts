import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  ConsoleEvent,
  ConsoleEventBody,
  JobSummary,
  OperatorPrompt,
  ThroughputSample,
} from '../../../../core/console/contract.js';
import { createConsoleStore } from '../../../../renderer/store/console-store.js';
import { NOTICE_CAPACITY, selectJobList } from '../../../../renderer/store/jobs-slice.js';
import {
  MAX_THROUGHPUT_SERIES,
  seriesKey,
  selectSeries,
  THROUGHPUT_CAPACITY,
} from '../../../../renderer/store/metrics-slice.js';

// Numbers events from 1, as the service does.
function numbered(bodies: readonly ConsoleEventBody[], firstSeq = 1): ConsoleEvent[] {
  return bodies.map((body, index) => ({ ...body, seq: firstSeq + index }));
}

function job(id: string, state: JobSummary['state'] = 'running'): JobSummary {
  return {
    id,
    kind: 'resync',
    clusterId: 'c1',
    targets: ['10.0.0.4:11211'],
    state,
    startedAt: `2025-01-01T00:00:0${id.length}Z`,
    ...(state === 'running' ? {} : { finishedAt: '2025-01-01T00:01:00Z' }),
    rateLimit: 0,
    isPaused: false,
    resyncs: [],
  };
}

function sample(at: number, node = '10.0.0.4:11211'): ThroughputSample {
  return { at, node, role: 'target', keysPerSecond: at, bytesPerSecond: at * 100 };
}

function throughput(samples: ThroughputSample[], target = '10.0.0.4:11211'): ConsoleEventBody {
  return {
    type: 'throughput',
    jobId: 'j1',
    target,
    samples,
    totals: [{ node: target, role: 'target', keys: samples.length, bytes: 0 }],
  };
}

describe('console store: applyEvents', () => {
  it('records jobs as they start and finish', () => {
    const store = createConsoleStore();
    store.getState().applyEvents({
      events: numbered([
        { type: 'job-started', job: job('j1') },
        { type: 'job-started', job: job('j22') },
      ]),
    });
    assert.equal(store.getState().jobsById.j1?.state, 'running');
    store.getState().applyEvents({
      events: numbered([{ type: 'job-finished', job: job('j1', 'succeeded') }], 3),
    });
    const state = store.getState();
    assert.equal(state.jobsById.j1?.state, 'succeeded');
    assert.deepEqual(
      selectJobList(state).map((j) => j.id),
      ['j22', 'j1'],
    );
    assert.equal(state.lastSeq, 3);
  });

  it('folds a whole batch into one update', () => {
    const store = createConsoleStore();
    let updates = 0;
    store.subscribe(() => updates++);
    store.getState().applyEvents({
      events: numbered([
        { type: 'job-started', job: job('j1') },
        {
          type: 'vbucket-state',
          jobId: 'j1',
          target: 't',
          vbucket: 1,
          state: { state: 'pending' },
        },
        throughput([sample(1)], 't'),
        { type: 'notice', jobId: 'j1', message: 'hello' },
      ]),
    });
    assert.equal(updates, 1);
  });

  it('keeps the latest state of each vbucket per job and target', () => {
    const store = createConsoleStore();
    store.getState().applyEvents({
      events: numbered([
        {
          type: 'vbucket-state',
          jobId: 'j1',
          target: 'a',
          vbucket: 7,
          state: { state: 'pending' },
        },
        {
          type: 'vbucket-state',
          jobId: 'j1',
          target: 'a',
          vbucket: 7,
          state: { state: 'streaming', source: 's1' },
        },
        {
          type: 'vbucket-state',
          jobId: 'j1',
          target: 'b',
          vbucket: 7,
          state: { state: 'pending' },
        },
      ]),
    });
    const before = store.getState().jobProgress;
    store.getState().applyEvents({
      events: numbered(
        [
          {
            type: 'vbucket-state',
            jobId: 'j1',
            target: 'a',
            vbucket: 7,
            state: { state: 'done', source: 's1' },
          },
          {
            type: 'vbucket-state',
            jobId: 'j1',
            target: 'a',
            vbucket: 8,
            state: { state: 'failed', reason: 'no source' },
          },
          { type: 'estimate', jobId: 'j1', target: 'a', keys: 1234 },
        ],
        4,
      ),
    });
    const after = store.getState().jobProgress;
    assert.deepEqual(after.j1?.targets.a?.vbuckets, {
      7: { state: 'done', source: 's1' },
      8: { state: 'failed', reason: 'no source' },
    });
    assert.equal(after.j1?.targets.a?.estimatedKeys, 1234);
    assert.deepEqual(after.j1?.targets.b?.vbuckets, { 7: { state: 'pending' } });
    // The earlier state is a snapshot: folding copies what it changes.
    assert.deepEqual(before.j1?.targets.a?.vbuckets, { 7: { state: 'streaming', source: 's1' } });
    assert.equal(before.j1?.targets.a?.estimatedKeys, undefined);
    // An untouched target keeps its identity, so its selectors do not fire.
    assert.equal(after.j1?.targets.b, before.j1?.targets.b);
  });

  it('appends throughput samples per job, target and node, capped at the ring capacity', () => {
    const store = createConsoleStore();
    const total = THROUGHPUT_CAPACITY + 25;
    let seq = 1;
    for (let at = 1; at <= total; at += 50) {
      const samples = [];
      for (let i = at; i < Math.min(at + 50, total + 1); i++) {
        samples.push(sample(i), sample(i, '10.0.0.1:11211'));
      }
      store.getState().applyEvents({ events: numbered([throughput(samples)], seq++) });
    }
    const state = store.getState();
    const target = selectSeries('j1', '10.0.0.4:11211', '10.0.0.4:11211')(state);
    const source = selectSeries('j1', '10.0.0.4:11211', '10.0.0.1:11211')(state);
    assert.equal(target?.samples.size, THROUGHPUT_CAPACITY);
    assert.equal(source?.samples.size, THROUGHPUT_CAPACITY);
    const times = target?.samples.toArray().map((s) => s.at) ?? [];
    assert.equal(times[0], total - THROUGHPUT_CAPACITY + 1);
    assert.equal(times.at(-1), total);
    assert.ok(
      times.every((at, i) => i === 0 || at === (times[i - 1] ?? 0) + 1),
      'in order',
    );
    assert.equal(state.throughputRevision, seq - 1);
    assert.deepEqual(state.totals.j1?.['10.0.0.4:11211']?.[0]?.keys, 50);
  });

  it('drops the oldest throughput series beyond the cap', () => {
    const store = createConsoleStore();
    const nodes = MAX_THROUGHPUT_SERIES + 3;
    store.getState().applyEvents({
      events: numbered([
        throughput(
          Array.from({ length: nodes }, (_, i) => sample(1, `10.0.${i >> 8}.${i & 255}:1`)),
        ),
      ]),
    });
    const keys = Object.keys(store.getState().throughput);
    assert.equal(keys.length, MAX_THROUGHPUT_SERIES);
    assert.equal(keys[0], seriesKey('j1', '10.0.0.4:11211', '10.0.0.3:1'));
  });

  it('ignores events at or below the last seq, and applies the rest of an overlapping batch', () => {
    const store = createConsoleStore();
    const first = numbered([throughput([sample(1)]), throughput([sample(2)])]);
    store.getState().applyEvents({ events: first });
    const before = store.getState();
    store.getState().applyEvents({ events: first });
    assert.equal(store.getState(), before, 'a replayed batch changes nothing');
    store.getState().applyEvents({
      events: [...first, ...numbered([throughput([sample(3)])], 3)],
    });
    const series = selectSeries('j1', '10.0.0.4:11211', '10.0.0.4:11211')(store.getState());
    assert.deepEqual(
      series?.samples.toArray().map((s) => s.at),
      [1, 2, 3],
    );
    assert.equal(store.getState().lastSeq, 3);
  });

  it('accepts a service numbering from 1 again after resetEventSeq', () => {
    const store = createConsoleStore();
    store
      .getState()
      .applyEvents({ events: numbered([{ type: 'job-started', job: job('j1') }], 40) });
    store.getState().resetEventSeq();
    store.getState().applyEvents({ events: numbered([{ type: 'job-started', job: job('j22') }]) });
    assert.ok(store.getState().jobsById.j22);
    assert.equal(store.getState().lastSeq, 1);
  });

  it('keeps the last NOTICE_CAPACITY notices, oldest first', () => {
    const store = createConsoleStore();
    const bodies: ConsoleEventBody[] = Array.from({ length: NOTICE_CAPACITY + 10 }, (_, i) => ({
      type: 'notice',
      jobId: 'j1',
      message: `notice ${i}`,
    }));
    store.getState().applyEvents({ events: numbered(bodies.slice(0, 100)) });
    store.getState().applyEvents({ events: numbered(bodies.slice(100), 101) });
    const { notices } = store.getState();
    assert.equal(notices.length, NOTICE_CAPACITY);
    assert.equal(notices[0]?.message, 'notice 10');
    assert.equal(notices.at(-1)?.message, `notice ${NOTICE_CAPACITY + 9}`);
    assert.equal(notices.at(-1)?.seq, NOTICE_CAPACITY + 10);
  });

  it('opens and closes operator prompts', () => {
    const store = createConsoleStore();
    const prompt: OperatorPrompt = {
      id: 'p1',
      kind: 'passphrase',
      identityFile: '~/.ssh/id_ed25519',
    };
    const other: OperatorPrompt = { id: 'p2', kind: 'password', user: 'ops', host: 'bastion' };
    store.getState().applyEvents({
      events: numbered([
        { type: 'prompt', prompt },
        { type: 'prompt', prompt: other },
        { type: 'prompt', prompt },
      ]),
    });
    assert.deepEqual(
      store.getState().prompts.map((p) => p.id),
      ['p2', 'p1'],
    );
    store.getState().applyEvents({
      events: numbered([{ type: 'prompt-closed', promptId: 'p1' }], 4),
    });
    assert.deepEqual(store.getState().prompts, [other]);
  });
});
