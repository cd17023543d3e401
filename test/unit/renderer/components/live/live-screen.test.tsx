import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  ConsoleEventBody,
  ResyncSummaryJson,
  ThroughputSample,
  VbucketState,
} from '../../../../../core/console/contract.js';
import { LiveScreen } from '../../../../../renderer/components/live/live-screen.js';
import { nodeColour } from '../../../../../renderer/components/node-colours.js';
import type { ConsoleStore } from '../../../../../renderer/store/console-store.js';
import {
  applyEvents,
  renderInConsole,
  runningJob,
  storeWithCluster,
} from '../render-in-console.js';

const TARGET = '10.0.0.4:11211';
const SOURCE_1 = '10.0.0.1:11211';
const SOURCE_2 = '10.0.0.2:11211';

function vbucketEvents(jobId: string, states: Record<number, VbucketState>): ConsoleEventBody[] {
  return Object.entries(states).map(([vbucket, state]) => ({
    type: 'vbucket-state',
    jobId,
    target: TARGET,
    vbucket: Number(vbucket),
    state,
  }));
}

// Five one-second ticks at 100 keys/s into the target; 400 keys moved in all.
function throughputEvents(jobId: string): ConsoleEventBody[] {
  return [1, 2, 3, 4, 5].map((tick) => {
    const at = 1_700_000_000_000 + tick * 1000;
    const samples: ThroughputSample[] = [
      { at, node: TARGET, role: 'target', keysPerSecond: 100, bytesPerSecond: 100 * 1024 },
      { at, node: SOURCE_1, role: 'source', keysPerSecond: 60, bytesPerSecond: 60 * 1024 },
      { at, node: SOURCE_2, role: 'source', keysPerSecond: 40, bytesPerSecond: 40 * 1024 },
    ];
    return {
      type: 'throughput',
      jobId,
      target: TARGET,
      samples,
      totals: [
        {
          node: TARGET,
          role: 'target',
          keys: 400,
          bytes: 400 * 1024,
          counts: {
            added: 301,
            replaced: 52,
            skippedNewer: 43,
            alreadyThere: 0,
            raced: 4,
            vanished: 0,
            keys: 400,
            bytes: 400 * 1024,
          },
        },
        { node: SOURCE_1, role: 'source', keys: 240, bytes: 240 * 1024 },
        { node: SOURCE_2, role: 'source', keys: 160, bytes: 160 * 1024 },
      ],
    };
  });
}

/** A running resync: vbuckets 0-2 done from node 1, 3-5 streaming from node 2, 6 failed. */
function runningStore(options: { isPaused?: boolean; withPending?: boolean } = {}): ConsoleStore {
  const store = storeWithCluster();
  const job = runningJob({ isPaused: options.isPaused ?? false });
  applyEvents(store, [
    { type: 'job-started', job },
    ...vbucketEvents(job.id, {
      0: { state: 'done', source: SOURCE_1 },
      1: { state: 'done', source: SOURCE_1 },
      2: { state: 'done', source: SOURCE_1 },
      3: { state: 'streaming', source: SOURCE_2 },
      4: { state: 'streaming', source: SOURCE_2 },
      5: { state: 'streaming', source: SOURCE_2 },
      6: { state: 'streaming', source: SOURCE_2 },
      ...(options.withPending === true ? { 7: { state: 'pending' } as const } : {}),
    }),
    ...vbucketEvents(job.id, { 6: { state: 'failed', reason: 'no replica could serve it' } }),
    { type: 'estimate', jobId: job.id, target: TARGET, keys: 1000 },
    ...throughputEvents(job.id),
  ]);
  return store;
}

function cellOf(markup: string, vbucket: number): string {
  const match = new RegExp(
    `<div role="gridcell"[^>]*data-vbucket="${vbucket}"[^>]*>([^<]*)</div>`,
  ).exec(markup);
  assert.ok(match, `cell ${vbucket} is in the markup`);
  return match[0];
}

describe('LiveScreen', () => {
  it('shows each vbucket state by class and glyph, streaming ones by their source number', () => {
    const markup = renderInConsole(<LiveScreen />, runningStore());
    assert.match(cellOf(markup, 0), /class="vbucket-cell vb-done"[^>]*>✓</);
    assert.match(
      cellOf(markup, 0),
      /aria-label="vbucket 0: done, from node 1 \(10\.0\.0\.1:11211\)"/,
    );
    const streaming = cellOf(markup, 3);
    assert.match(streaming, /class="vbucket-cell vb-streaming"/);
    assert.match(streaming, />2<\/div>$/, 'labelled with the number of node 2');
    assert.ok(streaming.includes(`--node-colour:${nodeColour(1)}`), 'in node 2’s colour');
    assert.match(streaming, /streaming from node 2 \(10\.0\.0\.2:11211\)/);
    assert.match(cellOf(markup, 6), /vb-failed[^>]*>✕</);
    assert.match(cellOf(markup, 6), /failed: no replica could serve it/);
    // Not in the worklist: the rest of the 128.
    assert.match(cellOf(markup, 100), /vb-idle[^>]*><\/div>$/);
    assert.match(cellOf(markup, 100), /not moving to 10\.0\.0\.4:11211/);
    assert.equal(markup.match(/role="gridcell"/g)?.length, 128);
  });

  it('counts vbuckets, keys and what the inject rule did', () => {
    const markup = renderInConsole(<LiveScreen />, runningStore());
    assert.match(markup, /<strong>3<\/strong> of 7 vbuckets done/);
    assert.match(markup, /3 streaming/);
    assert.match(markup, /✕ 1 failed/);
    assert.match(markup, /400 of ~1,000 keys/);
  });

  it('shows the job’s and each target’s progress by keys moved against the estimate (issue 15)', () => {
    // 3 of 7 vbuckets done, but 400 of 1,000 keys: the bars follow the keys.
    const markup = renderInConsole(<LiveScreen />, runningStore());
    assert.match(
      markup,
      /role="progressbar" aria-label="Progress of the whole job" aria-valuemin="0" aria-valuemax="100" aria-valuenow="40" aria-valuetext="40% · 400 of ~1,000 keys · 400 KiB of ~1000 KiB"/,
    );
    assert.match(markup, /aria-label="Progress of 10\.0\.0\.4:11211"[^>]*aria-valuenow="40"/);
    // A vbucket waiting for its source: its share is not counted yet, so no share is claimed.
    const waiting = renderInConsole(<LiveScreen />, runningStore({ withPending: true }));
    assert.match(
      waiting,
      /class="key-progress is-unknown job-bar" role="progressbar" aria-label="Progress of the whole job" aria-valuemin="0" aria-valuemax="100" aria-valuetext="400 keys, 400 KiB so far; counting the keys to move…"/,
    );
    for (const [label, value] of [
      ['added', '301'],
      ['replaced', '52'],
      ['skipped \\(newer\\)', '43'],
      ['raced', '4'],
    ]) {
      assert.match(markup, new RegExp(`<dt>${label}</dt><dd>${value}</dd>`), label);
    }
  });

  it('gives an ETA from the estimate and the recent rate, and says estimating without a basis', () => {
    // 600 keys left at 100 keys/s.
    const markup = renderInConsole(<LiveScreen />, runningStore());
    assert.match(markup, /<span class="eta">about 00:06 left<\/span>/);
    // A vbucket still waiting for its source means the estimate is not complete yet.
    const waiting = renderInConsole(<LiveScreen />, runningStore({ withPending: true }));
    assert.match(waiting, /<span class="eta">estimating…<\/span>/);
    assert.doesNotMatch(waiting, /left<\/span>/);
  });

  it('offers Pause while running and Resume while paused', () => {
    const running = renderInConsole(<LiveScreen />, runningStore());
    assert.match(running, /aria-pressed="false"[^>]*>‖ Pause</);
    const paused = renderInConsole(<LiveScreen />, runningStore({ isPaused: true }));
    assert.match(paused, /aria-pressed="true"[^>]*>▶ Resume</);
    assert.match(paused, /<span class="eta">paused<\/span>/);
  });

  it('shows no controls once the job has ended (issue 15)', () => {
    const store = runningStore();
    applyEvents(store, [
      {
        type: 'job-finished',
        job: runningJob({ state: 'cancelled', finishedAt: '2026-01-01T10:05:00.000Z' }),
      },
    ]);
    const markup = renderInConsole(<LiveScreen />, store);
    // An ended job's notices are all there are: not "so far".
    assert.match(markup, /The job reported nothing along the way\./);
    assert.doesNotMatch(markup, /so far/);
    assert.doesNotMatch(markup, /aria-label="Job controls"/);
    assert.doesNotMatch(markup, /‖ Pause|▶ Resume|Cancel job…|type="range"/);
  });

  it('lists a failed vbucket with its reason, its Retry waiting until the target has ended', () => {
    const markup = renderInConsole(<LiveScreen />, runningStore());
    assert.match(
      markup,
      /<td class="failure-reason">no replica could serve it<\/td><td><ul class="vbucket-retries"><li><button type="button" disabled="" aria-label="Retry vbucket 6" title="Retry vbucket 6 \(last streamed from node 2, 10\.0\.0\.2:11211\)">6<\/button>/,
    );
    assert.match(markup, /Retry is offered once this target’s resync has ended/);
  });

  it('offers Retry for a failed vbucket and for its source once the target’s summary is in', () => {
    const store = runningStore();
    const reason = `no replica could serve it (${SOURCE_2}: connection refused)`;
    const summary: ResyncSummaryJson = {
      target: TARGET,
      full: true,
      startedAt: '2026-01-01T10:00:00.000Z',
      durationMs: 5000,
      vbuckets: 7,
      done: 6,
      failed: [{ vbucket: 6, reason }],
      cancelled: false,
      counts: {
        added: 1,
        replaced: 0,
        skippedNewer: 0,
        alreadyThere: 0,
        raced: 0,
        vanished: 0,
        keys: 1,
        bytes: 1,
      },
      perVbucket: {},
      sources: [
        { node: SOURCE_1, keys: 240, bytes: 1 },
        { node: SOURCE_2, keys: 160, bytes: 1, failure: 'connection refused' },
      ],
      passes: [],
      unconfirmedKeys: 0,
      tagWritten: false,
      targetEvictions: 0,
      isComplete: false,
      error: undefined,
    };
    // Started elsewhere (the wizard, another window): only its summary says it was full.
    applyEvents(store, [
      {
        type: 'job-finished',
        job: runningJob({
          state: 'failed',
          finishedAt: '2026-01-01T10:05:00.000Z',
          full: true,
          resyncs: [summary],
        }),
      },
    ]);
    const markup = renderInConsole(<LiveScreen />, store);
    assert.match(markup, /✕<\/span> not complete: 1 vbucket failed/);
    // The summary is the record once the target has ended.
    assert.match(markup, /<strong>6<\/strong> of 7 vbuckets done/);
    assert.doesNotMatch(markup, /3 streaming/);
    assert.match(
      markup,
      /no replica could serve it \(10\.0\.0\.2:11211: connection refused\)<\/td>/,
    );
    assert.match(markup, /<button type="button" aria-label="Retry vbucket 6"[^>]*>6<\/button>/);
    assert.match(
      markup,
      /connection refused<\/td><td class="number">1<\/td><td><button type="button">Retry 1 from this source<\/button>/,
    );
    assert.doesNotMatch(markup, /Retry is offered once/);
  });

  it('offers no Retry when the job does not say whether it was full: a retry must not guess', () => {
    const store = runningStore();
    applyEvents(store, [
      {
        type: 'job-finished',
        job: runningJob({ state: 'failed', finishedAt: '2026-01-01T10:05:00.000Z' }),
      },
    ]);
    const markup = renderInConsole(<LiveScreen />, store);
    assert.match(markup, /<button type="button" disabled="" aria-label="Retry vbucket 6"/);
    assert.match(markup, /This job’s kind \(full or minimal\) is not known here/);
  });

  it('says how many vbuckets a resumed resync carried on from a checkpoint', () => {
    const store = runningStore();
    const summary: ResyncSummaryJson = {
      target: TARGET,
      full: false,
      startedAt: '2026-01-01T10:00:00.000Z',
      durationMs: 5000,
      vbuckets: 7,
      done: 7,
      resumedVbuckets: 4,
      failed: [],
      cancelled: false,
      counts: {
        added: 9,
        replaced: 0,
        skippedNewer: 0,
        alreadyThere: 0,
        raced: 0,
        vanished: 0,
        keys: 9,
        bytes: 900,
      },
      perVbucket: {},
      sources: [{ node: SOURCE_1, keys: 9, bytes: 900 }],
      passes: [],
      unconfirmedKeys: 0,
      tagWritten: true,
      targetEvictions: 0,
      isComplete: true,
      error: undefined,
    };
    applyEvents(store, [
      {
        type: 'job-finished',
        job: runningJob({
          state: 'succeeded',
          finishedAt: '2026-01-01T10:05:00.000Z',
          resyncs: [summary],
        }),
      },
    ]);
    const markup = renderInConsole(<LiveScreen />, store);
    assert.match(
      markup,
      /9 keys, 900 B moved; 4 vbuckets carried on from an earlier run’s checkpoint/,
    );
  });

  it('lists the job’s notices, newest first', () => {
    const store = runningStore();
    applyEvents(store, [
      { type: 'notice', jobId: 'job-1', target: TARGET, message: 'first' },
      { type: 'notice', jobId: 'other', message: 'not this job' },
      { type: 'notice', jobId: 'job-1', message: 'second' },
    ]);
    const markup = renderInConsole(<LiveScreen />, store);
    assert.ok(markup.indexOf('second') < markup.indexOf('first'));
    assert.doesNotMatch(markup, /not this job/);
  });

  it('starts each target closed past eight targets, one line each', () => {
    const store = storeWithCluster();
    const targets = Array.from({ length: 9 }, (_, i) => `10.0.1.${i}:11211`);
    applyEvents(store, [{ type: 'job-started', job: runningJob({ kind: 'resize', targets }) }]);
    const markup = renderInConsole(<LiveScreen />, store);
    assert.equal(markup.match(/aria-expanded="false"/g)?.length, 9);
    assert.doesNotMatch(markup, /role="grid"/);
  });

  it('says so when the cluster has no job', () => {
    const markup = renderInConsole(<LiveScreen />, storeWithCluster());
    assert.match(markup, /No job has run on this cluster yet/);
  });

  it('says the job list could not be read, rather than that no job has run, and offers to retry', () => {
    const store = storeWithCluster();
    store.setState({
      jobsError: {
        code: 'CONNECTION_LOST',
        message: 'the console went away',
        detail: { stage: 'connect' },
      },
    });
    const markup = renderInConsole(<LiveScreen />, store);
    assert.match(markup, /Could not list this cluster&#x27;s jobs: the console went away/);
    assert.match(markup, /<button type="button">Try again<\/button>/);
    assert.doesNotMatch(markup, /No job has run/);
  });
});
