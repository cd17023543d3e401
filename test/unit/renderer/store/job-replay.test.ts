import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  ConsoleEvent,
  ConsoleEventBody,
  JobSummary,
} from '../../../../core/console/contract.js';
import { JobHistories } from '../../../../core/console/job-histories.js';
import { createConsoleStore, type ConsoleStore } from '../../../../renderer/store/console-store.js';

const TARGET = '10.0.0.4:11211';
const SOURCES = ['10.0.0.1:11211', '10.0.0.2:11211'];

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

/** A resync of 16 vbuckets over `seconds` seconds, some failing after streaming, with notices. */
function resyncEvents(jobId: string, seconds: number, firstSeq: number): ConsoleEvent[] {
  const bodies: ConsoleEventBody[] = [
    { type: 'job-started', job: summary(jobId) },
    { type: 'estimate', jobId, target: TARGET, keys: 4000 },
  ];
  for (let vbucket = 0; vbucket < 16; vbucket++) {
    bodies.push({
      type: 'vbucket-state',
      jobId,
      target: TARGET,
      vbucket,
      state: { state: 'pending' },
    });
  }
  for (let second = 1; second <= seconds; second++) {
    const vbucket = second % 16;
    const source = SOURCES[vbucket % 2] ?? '';
    bodies.push({
      type: 'vbucket-state',
      jobId,
      target: TARGET,
      vbucket,
      state: { state: 'streaming', source },
    });
    bodies.push({
      type: 'vbucket-state',
      jobId,
      target: TARGET,
      vbucket,
      state: vbucket % 5 === 0 ? { state: 'failed', reason: 'reset' } : { state: 'done', source },
    });
    bodies.push({
      type: 'throughput',
      jobId,
      target: TARGET,
      samples: [TARGET, ...SOURCES].map((node, i) => ({
        at: second * 1000,
        node,
        role: i === 0 ? 'target' : 'source',
        keysPerSecond: second * (i + 1),
        bytesPerSecond: second * (i + 1) * 100,
      })),
      totals: [{ node: TARGET, role: 'target', keys: second * 10, bytes: second * 1000 }],
    });
    if (second % 7 === 0) bodies.push({ type: 'notice', jobId, message: `notice at ${second}` });
  }
  bodies.push({
    type: 'pass',
    jobId,
    target: TARGET,
    report: {
      source: SOURCES[0] ?? '',
      pass: 2,
      listed: 400,
      missing: 0,
      streamed: 0,
      durationMs: 30,
    },
  });
  bodies.push({ type: 'job-finished', job: summary(jobId, 'failed') });
  return bodies.map((body, i) => ({ ...body, seq: firstSeq + i }) as ConsoleEvent);
}

/** What a window shows of jobs: progress, notices, each series' samples and the totals. */
function shown(store: ConsoleStore) {
  const state = store.getState();
  return {
    jobProgress: state.jobProgress,
    notices: state.notices,
    series: Object.fromEntries(
      Object.entries(state.throughput).map(([key, series]) => [key, series.samples.toArray()]),
    ),
    totals: state.totals,
  };
}

function historiesOf(events: readonly ConsoleEvent[]): JobHistories {
  const histories = new JobHistories();
  for (const event of events) histories.observe(event);
  return histories;
}

/** The service's replay as of event `seq`. */
function historyAt(events: readonly ConsoleEvent[], seq: number) {
  return historiesOf(events.filter((e) => e.seq <= seq)).replay(seq);
}

describe('job replay', () => {
  it('shows a finished job after a reload as the window open all along showed it', () => {
    const events = [...resyncEvents('j1', 40, 1), ...resyncEvents('j2', 25, 1000)];
    const allAlong = createConsoleStore();
    allAlong.getState().applyEvents({ events });
    const reloaded = createConsoleStore();
    reloaded.getState().applyJobsReplay(historiesOf(events).replay(events.at(-1)?.seq ?? 0), []);
    assert.deepEqual(shown(reloaded), shown(allAlong));
    assert.equal(reloaded.getState().jobProgress.j1?.targets[TARGET]?.tally.failed, 4);
  });

  it('folds on top the events that arrived while the replay was on its way', () => {
    const events = resyncEvents('j1', 30, 1);
    const allAlong = createConsoleStore();
    allAlong.getState().applyEvents({ events });
    // The window opened at event 40 and asked for the replay after event 54; the service
    // answered as of event 60, and the answer came after events 55 to 80 had arrived.
    const late = createConsoleStore();
    late.getState().applyEvents({ events: events.filter((e) => e.seq >= 40 && e.seq <= 54) });
    const meanwhile = events.filter((e) => e.seq >= 55 && e.seq <= 80);
    late.getState().applyEvents({ events: meanwhile });
    late.getState().applyJobsReplay(historyAt(events, 60), meanwhile);
    late.getState().applyEvents({ events: events.filter((e) => e.seq > 80) });
    assert.deepEqual(shown(late), shown(allAlong));
  });

  it('skips the events it holds when they arrive after the replay', () => {
    const events = resyncEvents('j1', 30, 1);
    const allAlong = createConsoleStore();
    allAlong.getState().applyEvents({ events });
    const late = createConsoleStore();
    late.getState().applyEvents({ events: events.filter((e) => e.seq >= 40 && e.seq <= 50) });
    late.getState().applyJobsReplay(historyAt(events, 60), []);
    late.getState().applyEvents({ events: events.filter((e) => e.seq > 50) });
    assert.deepEqual(shown(late), shown(allAlong));
  });

  it('keeps other jobs’ progress, and the notices in seq order', () => {
    const old = resyncEvents('j1', 14, 1);
    const current = resyncEvents('j2', 14, 500);
    const store = createConsoleStore();
    store.getState().applyEvents({ events: current });
    store.getState().applyJobsReplay(historiesOf(old).replay(old.at(-1)?.seq ?? 0), []);
    const allAlong = createConsoleStore();
    allAlong.getState().applyEvents({ events: [...old, ...current] });
    assert.deepEqual(shown(store), shown(allAlong));
  });
});
