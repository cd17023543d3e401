import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  JOB_REPLAY_LIMITS,
  type ConsoleEvent,
  type ConsoleEventBody,
  type JobSummary,
} from '../../../core/console/contract.js';
import { JobHistories } from '../../../core/console/job-histories.js';

const TARGET = '10.0.0.4:11211';
const SOURCE = '10.0.0.1:11211';

function summary(id: string, state: JobSummary['state'] = 'running'): JobSummary {
  return {
    id,
    kind: 'resync',
    clusterId: 'c1',
    targets: [TARGET],
    state,
    startedAt: '2026-01-01T10:00:00.000Z',
    rateLimit: 0,
    isPaused: false,
    resyncs: [],
  };
}

/** Feeds `bodies` to `histories`, numbered from the seq after `from.seq`. */
function feed(histories: JobHistories, from: { seq: number }, bodies: ConsoleEventBody[]): void {
  for (const body of bodies) histories.observe({ ...body, seq: ++from.seq } as ConsoleEvent);
}

function throughput(jobId: string, at: number): ConsoleEventBody {
  return {
    type: 'throughput',
    jobId,
    target: TARGET,
    samples: [
      { at, node: TARGET, role: 'target', keysPerSecond: at, bytesPerSecond: at * 10 },
      { at, node: SOURCE, role: 'source', keysPerSecond: at, bytesPerSecond: at * 10 },
    ],
    totals: [{ node: TARGET, role: 'target', keys: at, bytes: at * 10 }],
  };
}

describe('job histories', () => {
  it("keep a finished job's outcomes per vbucket, its estimate, pass, totals and notices", () => {
    const histories = new JobHistories();
    const seq = { seq: 0 };
    feed(histories, seq, [
      { type: 'job-started', job: summary('j1') },
      { type: 'estimate', jobId: 'j1', target: TARGET, keys: 500 },
      {
        type: 'vbucket-state',
        jobId: 'j1',
        target: TARGET,
        vbucket: 7,
        state: { state: 'pending' },
      },
      {
        type: 'vbucket-state',
        jobId: 'j1',
        target: TARGET,
        vbucket: 7,
        state: { state: 'streaming', source: SOURCE },
      },
      {
        type: 'vbucket-state',
        jobId: 'j1',
        target: TARGET,
        vbucket: 3,
        state: { state: 'done', source: SOURCE },
      },
      {
        type: 'vbucket-state',
        jobId: 'j1',
        target: TARGET,
        vbucket: 7,
        state: { state: 'failed', reason: 'connection refused' },
      },
      throughput('j1', 1000),
      { type: 'notice', jobId: 'j1', target: TARGET, message: 'source 10.0.0.1 reconnected' },
      { type: 'job-finished', job: summary('j1', 'failed') },
    ]);
    const replay = histories.replay(seq.seq);
    assert.equal(replay.seq, seq.seq);
    assert.equal(replay.jobs.length, 1);
    const [job] = replay.jobs;
    assert.deepEqual(job?.targets[0]?.vbuckets, [
      { vbucket: 3, state: { state: 'done', source: SOURCE }, streamedFrom: SOURCE },
      // A failed state does not name its source: the history still knows it.
      {
        vbucket: 7,
        state: { state: 'failed', reason: 'connection refused' },
        streamedFrom: SOURCE,
      },
    ]);
    assert.equal(job?.targets[0]?.estimatedKeys, 500);
    assert.equal(job?.targets[0]?.samples.length, 2);
    assert.deepEqual(job?.targets[0]?.totals, [
      { node: TARGET, role: 'target', keys: 1000, bytes: 10000 },
    ]);
    assert.deepEqual(job?.notices, [
      { seq: 8, target: TARGET, message: 'source 10.0.0.1 reconnected' },
    ]);
  });

  it('keep the newest samples of each node and notices of each job, no more', () => {
    const histories = new JobHistories();
    const seq = { seq: 0 };
    feed(histories, seq, [{ type: 'job-started', job: summary('j1') }]);
    const seconds = JOB_REPLAY_LIMITS.samplesPerNode * 3 + 17;
    for (let at = 1; at <= seconds; at++) feed(histories, seq, [throughput('j1', at)]);
    const notices = JOB_REPLAY_LIMITS.noticesPerJob * 2 + 3;
    for (let i = 1; i <= notices; i++) {
      feed(histories, seq, [{ type: 'notice', jobId: 'j1', message: `notice ${i}` }]);
    }
    const [job] = histories.replay(seq.seq).jobs;
    const samples = job?.targets[0]?.samples ?? [];
    for (const node of [TARGET, SOURCE]) {
      const times = samples.filter((s) => s.node === node).map((s) => s.at);
      assert.equal(times.length, JOB_REPLAY_LIMITS.samplesPerNode, node);
      assert.equal(times[0], seconds - JOB_REPLAY_LIMITS.samplesPerNode + 1, node);
      assert.equal(times.at(-1), seconds, node);
    }
    assert.equal(job?.notices.length, JOB_REPLAY_LIMITS.noticesPerJob);
    assert.equal(job?.notices.at(-1)?.message, `notice ${notices}`);
    assert.equal(
      job?.notices[0]?.message,
      `notice ${notices - JOB_REPLAY_LIMITS.noticesPerJob + 1}`,
    );
  });

  it('keep a bounded number of finished jobs, the earliest finished going first, and every running one', () => {
    const histories = new JobHistories();
    const seq = { seq: 0 };
    const kept = JOB_REPLAY_LIMITS.finishedJobs;
    feed(histories, seq, [{ type: 'job-started', job: summary('running') }]);
    for (let i = 0; i < kept + 3; i++) {
      feed(histories, seq, [
        { type: 'job-started', job: summary(`f${i}`) },
        { type: 'job-finished', job: summary(`f${i}`, 'succeeded') },
      ]);
    }
    const ids = histories.replay(seq.seq).jobs.map((job) => job.jobId);
    assert.deepEqual(
      ids.sort(),
      ['running', ...Array.from({ length: kept }, (_, i) => `f${i + 3}`)].sort(),
    );
  });

  it('give a snapshot that later events do not change', () => {
    const histories = new JobHistories();
    const seq = { seq: 0 };
    feed(histories, seq, [{ type: 'job-started', job: summary('j1') }, throughput('j1', 1)]);
    const before = histories.replay(seq.seq);
    const copy = structuredClone(before);
    feed(histories, seq, [
      throughput('j1', 2),
      {
        type: 'vbucket-state',
        jobId: 'j1',
        target: TARGET,
        vbucket: 1,
        state: { state: 'pending' },
      },
      { type: 'notice', jobId: 'j1', message: 'later' },
    ]);
    assert.deepEqual(before, copy);
  });

  it('ignore events of jobs they never saw start', () => {
    const histories = new JobHistories();
    const seq = { seq: 0 };
    feed(histories, seq, [
      throughput('ghost', 1),
      { type: 'notice', jobId: 'ghost', message: 'x' },
    ]);
    assert.deepEqual(histories.replay(seq.seq).jobs, []);
  });
});
