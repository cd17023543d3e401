/**
 * The activity log on its own: entries kept, appended to a file only the operator can read, loaded
 * again (damaged lines skipped with a notice), capped in memory, jobs and wizard steps logged from
 * the service's events, and answers to SSH questions logged without their secrets.
 */
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  ACTIVITY_LIST_LIMIT,
  ACTIVITY_MEMORY_LIMIT,
  ActivityLog,
} from '../../../core/console/activity-log.js';
import { callActivity, describeAnswer } from '../../../core/console/call-activity.js';
import type {
  ActivityEntry,
  ConsoleEventBody,
  JobSummary,
  OperatorPrompt,
  ResponseOf,
} from '../../../core/console/contract.js';
import { createWizard, stepOf, withStep } from '../../../core/console/wizard-state.js';
import { ConfigError } from '../../../core/errors.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function logFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'astaire-activity-'));
  dirs.push(dir);
  return join(dir, 'data', 'activity.jsonl');
}

function openLog(file: string): { log: ActivityLog; events: ConsoleEventBody[] } {
  const events: ConsoleEventBody[] = [];
  return { log: new ActivityLog(file, (event) => events.push(event)), events };
}

async function linesOf(file: string): Promise<ActivityEntry[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as ActivityEntry);
}

const JOB: JobSummary = {
  id: 'j1',
  kind: 'resize',
  clusterId: 'c1',
  targets: ['10.0.0.3:11211', '10.0.0.4:11211'],
  state: 'running',
  startedAt: '2030-01-01T00:00:00.000Z',
  rateLimit: 1024 * 1024,
  isPaused: false,
  resyncs: [],
};

function targetSummary(target: string, failed: number[]) {
  return {
    target,
    full: false,
    startedAt: JOB.startedAt,
    durationMs: 10,
    vbuckets: 40,
    done: 40 - failed.length,
    failed: failed.map((vbucket) => ({ vbucket, reason: 'no source: 10.0.0.1:11211 refused' })),
    cancelled: false,
    counts: {
      added: 5,
      replaced: 0,
      skippedNewer: 0,
      alreadyThere: 0,
      raced: 0,
      vanished: 0,
      keys: 5,
      bytes: 500,
    },
    perVbucket: {},
    sources: [],
    passes: [],
    unconfirmedKeys: 0,
    tagWritten: failed.length === 0,
    targetEvictions: 0,
    isComplete: failed.length === 0,
    error: undefined,
  };
}

describe('ActivityLog', () => {
  it('keeps, appends and reloads entries, in a file only the operator can read', async () => {
    const file = await logFile();
    const { log, events } = openLog(file);
    await log.load();
    const first = log.record({ clusterId: 'c1', action: 'cluster added', outcome: 'succeeded' });
    log.record({
      node: '10.0.0.1:11211',
      action: 'connection test',
      outcome: 'failed',
      detail: 'refused',
    });
    assert.equal(first.id, 1);
    assert.match(first.at, /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(
      events.map((e) => e.type),
      ['activity', 'activity'],
    );
    await log.close();
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.deepEqual(await linesOf(file), log.list());

    const { log: again } = openLog(file);
    await again.load();
    assert.deepEqual(again.list(), log.list());
    assert.equal(again.record({ action: 'later', outcome: 'info' }).id, 3, 'ids go on');
    await again.close();
    assert.equal((await linesOf(file)).length, 3);
  });

  it('skips a damaged line on load with a notice, and a line cut short does not spoil the next', async () => {
    const file = await logFile();
    const { log } = openLog(file);
    await log.load();
    log.record({ action: 'one', outcome: 'info' });
    log.record({ action: 'two', outcome: 'info' });
    await log.close();
    await appendFile(
      file,
      'not json at all\n{"id": 9, "at": "x", "action": "no outcome"}\n{"id": 10, "at"',
    );

    const { log: reopened } = openLog(file);
    await reopened.load();
    const list = reopened.list();
    assert.deepEqual(
      list.map((e) => e.action),
      ['one', 'two', 'activity log damaged'],
    );
    assert.match(
      list[2]?.detail ?? '',
      /3 line\(s\) of .* could not be read and were skipped \(line 3, 4, 5\)/,
    );
    await reopened.close();
    // The notice was appended on a line of its own, after the cut-short one.
    const text = await readFile(file, 'utf8');
    assert.match(text, /\{"id": 10, "at"\n\{"id":3,/);
  });

  it('keeps the newest entries in memory and lists the newest, oldest first', async () => {
    const { log } = openLog(await logFile());
    await log.load();
    for (let i = 0; i < ACTIVITY_MEMORY_LIMIT + 10; i++)
      log.record({ action: `a${i}`, outcome: 'info' });
    const listed = log.list();
    assert.equal(listed.length, ACTIVITY_LIST_LIMIT);
    assert.equal(listed.at(-1)?.action, `a${ACTIVITY_MEMORY_LIMIT + 9}`);
    assert.ok((listed[0]?.id ?? 0) < (listed[1]?.id ?? 0));
    assert.equal(log.list({ limit: Infinity }).length, ACTIVITY_MEMORY_LIMIT);
    await log.close();
  });

  it('logs a job from its events: start, each target once, end, verify failures', async () => {
    const { log } = openLog(await logFile());
    await log.load();
    log.observe({ type: 'job-started', job: JOB });
    const oneDone = { ...JOB, resyncs: [targetSummary('10.0.0.3:11211', [])] };
    log.observe({ type: 'job-updated', job: oneDone });
    log.observe({ type: 'job-updated', job: oneDone });
    log.observe({
      type: 'job-finished',
      job: {
        ...JOB,
        state: 'failed',
        resyncs: [...oneDone.resyncs, targetSummary('10.0.0.4:11211', [5, 9])],
      },
    });
    log.observe({
      type: 'job-finished',
      job: {
        id: 'v1',
        kind: 'verify',
        clusterId: 'c1',
        targets: [],
        state: 'failed',
        startedAt: JOB.startedAt,
        rateLimit: 0,
        isPaused: false,
        resyncs: [],
        verify: {
          checked: 10,
          missing: 0,
          stale: 0,
          repaired: 0,
          problems: [],
          failures: [
            {
              node: '10.0.0.1:11211',
              error: { code: 'CONNECT', message: 'refused', detail: { stage: 'connect' } },
            },
          ],
          isClean: false,
        },
      },
    });
    const entries = log.list().map((e) => [e.action, e.outcome, e.node ?? '']);
    assert.deepEqual(entries, [
      ['resize started', 'started', ''],
      ['target resync ended', 'succeeded', '10.0.0.3:11211'],
      ['target resync ended', 'failed', '10.0.0.4:11211'],
      ['resize ended', 'failed', ''],
      ['verify ended', 'failed', ''],
      ['verify could not check the node', 'failed', '10.0.0.1:11211'],
    ]);
    const list = log.list();
    assert.match(
      list[0]?.detail ?? '',
      /targets 10\.0\.0\.3:11211, 10\.0\.0\.4:11211; at most 1\.0 MiB\/s/,
    );
    assert.match(list[2]?.detail ?? '', /2 failed \(5, 9\): no source/);
    await log.close();
  });

  it('logs wizard steps as they change, and the end of a wizard', async () => {
    const { log } = openLog(await logFile());
    await log.load();
    const now = new Date().toISOString();
    const begun = createWizard({
      clusterId: 'c1',
      clusterName: 'prod',
      oldServers: ['10.0.0.1:11211'],
      newServers: ['10.0.0.1:11211', '10.0.0.2:11211'],
      remote: 'ssh',
      canReload: true,
      now,
    });
    log.observe({ type: 'wizard-changed', wizard: begun.wizard });
    const running = withStep(begun, { ...stepOf(begun, 1), state: 'running', startedAt: now }, now);
    log.observe({ type: 'wizard-changed', wizard: running.wizard });
    log.observe({ type: 'wizard-changed', wizard: running.wizard });
    const failed = withStep(
      running,
      {
        ...stepOf(running, 1),
        state: 'failed',
        error: { code: 'X', message: 'nothing was written', detail: { stage: 'config' } },
      },
      now,
    );
    log.observe({ type: 'wizard-changed', wizard: failed.wizard });
    log.observe({ type: 'wizard-removed', clusterId: 'c1' });
    assert.deepEqual(
      log.list().map((e) => [e.action, e.outcome, e.detail ?? '']),
      [
        ['step 1: write servers and new_servers', 'started', ''],
        ['step 1: write servers and new_servers', 'failed', 'nothing was written'],
        ['resize wizard abandoned', 'info', 'it was at step 1 (write servers and new_servers)'],
      ],
    );
    await log.close();
  });

  it('logs answers to SSH questions without the secret', () => {
    const passphrase: OperatorPrompt = { id: 'p', kind: 'passphrase', identityFile: '/k/id' };
    const given = describeAnswer(passphrase, 'correct horse battery staple');
    assert.equal(given.action, 'passphrase given');
    assert.doesNotMatch(JSON.stringify(given), /horse/);
    assert.equal(describeAnswer(passphrase, null).action, 'passphrase not given');
    const password: OperatorPrompt = { id: 'q', kind: 'password', user: 'ops', host: 'h' };
    assert.doesNotMatch(JSON.stringify(describeAnswer(password, 'hunter2')), /hunter2/);
    const hostKey: OperatorPrompt = {
      id: 'r',
      kind: 'host-key',
      alias: 'bastion',
      host: '127.0.0.5',
      port: 22,
      keyType: 'ssh-ed25519',
      fingerprint: 'SHA256:abc',
      otherTypes: [],
    };
    assert.equal(describeAnswer(hostKey, true).action, 'host key trusted');
    assert.equal(describeAnswer(hostKey, false).action, 'host key refused');
    const entries = callActivity(
      'prompts:answer',
      { promptId: 'p', answer: 'correct horse battery staple' },
      { ok: true, value: null },
      { prompt: passphrase },
    );
    assert.doesNotMatch(JSON.stringify(entries), /horse/);
  });

  it('records refusals with their reason, and nothing for reads', () => {
    const refused = callActivity(
      'wizard:run-step',
      { clusterId: 'c1', step: 4 },
      { ok: false, error: new ConfigError('WIZARD_BLOCKED', 'blocked by vbucket 17') },
      {},
    );
    assert.deepEqual(refused, [
      {
        clusterId: 'c1',
        action: 'step 4 not run',
        outcome: 'refused',
        detail: 'blocked by vbucket 17',
      },
    ]);
    assert.deepEqual(callActivity('clusters:list', null, { ok: true, value: [] }, {}), []);
  });

  it('logs a connection test the operator asked for, not the status the console reads itself', () => {
    const report = {
      clusterId: 'c1',
      checkedAt: 'now',
      nodes: [
        { node: 'a:1', isReachable: true },
        { node: 'b:1', isReachable: false, error: { code: 'X', message: 'refused', detail: {} } },
      ],
    } as unknown as ResponseOf<'cluster:status'>;
    const ok = { ok: true as const, value: report };
    // Selecting a cluster and opening the Resync tab read the status: nothing to log.
    assert.deepEqual(callActivity('cluster:status', { clusterId: 'c1' }, ok, {}), []);
    assert.deepEqual(
      callActivity('cluster:status', { clusterId: 'c1', isOperatorTest: false }, ok, {}),
      [],
    );
    const gone = { ok: false as const, error: new ConfigError('NO_CLUSTER', 'no such cluster') };
    assert.deepEqual(callActivity('cluster:status', { clusterId: 'c1' }, gone, {}), []);
    // The overview's "Test connections": logged, with each node that did not answer.
    const tested = callActivity(
      'cluster:status',
      { clusterId: 'c1', isOperatorTest: true },
      ok,
      {},
    );
    assert.deepEqual(
      tested.map((entry) => [entry.action, entry.outcome, entry.node ?? '']),
      [
        ['connection test', 'failed', ''],
        ['connection test', 'failed', 'b:1'],
      ],
    );
    assert.equal(
      callActivity('cluster:status', { clusterId: 'c1', isOperatorTest: true }, gone, {})[0]
        ?.action,
      'connection test',
    );
  });

  it('reports an unwritable file once and keeps the entries in memory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'astaire-activity-'));
    dirs.push(dir);
    // A file where the folder should be: the append cannot happen.
    await writeFile(join(dir, 'data'), 'in the way');
    const { log } = openLog(join(dir, 'data', 'activity.jsonl'));
    await log.load();
    log.record({ action: 'one', outcome: 'info' });
    await log.close();
    log.record({ action: 'two', outcome: 'info' });
    const actions = log.list().map((e) => e.action);
    // The load could not read the file either; when the failed append is noticed depends on when
    // the write ran, so only membership and the single notice are certain.
    assert.deepEqual([...actions].sort(), [
      'activity log not saved',
      'activity log unreadable',
      'one',
      'two',
    ]);
    assert.equal(actions.at(-1), 'two');
  });
});
