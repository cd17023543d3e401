/**
 * The console process killed with SIGKILL in the middle of a resize (step 3 of the wizard), with
 * clients writing all along: the next console finds the step interrupted, runs it again from the
 * checkpoints the resyncs saved, and streams again at most the vbuckets that had not finished.
 * The console runs as operators run it (`astaire console`, web mode) and is driven over HTTP.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { computeStoreView } from '../../../core/cluster/store-view.js';
import type {
  Channel,
  InvokeResult,
  JobSummary,
  RequestOf,
  ResizeWizard,
  ResponseOf,
} from '../../../core/console/contract.js';
import { fileCheckpointStore } from '../../../core/resync/resync-checkpoint.js';
import { directConnector } from '../../../core/transport/node-connector.js';
import { recordFigures } from '../../support/figures.js';
import { WriterPool } from '../../support/live-traffic.js';
import {
  assertNewestEverywhere,
  checkAfterResize,
  seedResize,
} from '../../support/resize-under-traffic.js';
import { startCluster, type MemcachedCluster } from '../../support/memcached-process.js';
import { CLI_PATH } from '../../support/repo-paths.js';

const connect = directConnector({ timeoutMs: 2000, connectTimeoutMs: 2000 });

/** One `astaire console` process, called as its page calls it. */
class ConsoleProcess {
  private constructor(
    readonly child: ChildProcess,
    private readonly pageUrl: string,
  ) {}

  static async start(dataDir: string): Promise<ConsoleProcess> {
    const child = spawn(process.execPath, [CLI_PATH, 'console', '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let stdout = '';
    for await (const chunk of child.stdout ?? []) {
      stdout += (chunk as Buffer).toString();
      if (stdout.includes('\n')) break;
    }
    const url = stdout.split('\n')[0] ?? '';
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/s\/[^/]+\/$/, `console said: ${stderr}`);
    return new ConsoleProcess(child, url);
  }

  async call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    const response = await fetch(new URL(`api/${channel}`, this.pageUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: new URL(this.pageUrl).origin },
      body: JSON.stringify(request),
    });
    const result = (await response.json()) as InvokeResult<ResponseOf<C>>;
    if (!result.ok) throw Object.assign(new Error(result.error.message), result.error);
    return result.value;
  }

  /** Polls the wizard until `isReached` holds. */
  async wizardWhen(
    clusterId: string,
    isReached: (wizard: ResizeWizard) => boolean,
    what: string,
    timeoutMs = 120_000,
  ): Promise<ResizeWizard> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const wizard = await this.call('wizard:get', { clusterId });
      if (wizard !== null && isReached(wizard)) return wizard;
      if (Date.now() > deadline) {
        throw new Error(`the wizard never reached: ${what}: ${JSON.stringify(wizard?.steps)}`);
      }
      await sleep(100);
    }
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill(signal);
    await exited;
  }
}

const step3 = (wizard: ResizeWizard) => wizard.steps.find((s) => s.step === 3);

describe('the console killed mid-resize, under writers', () => {
  let cluster: MemcachedCluster;
  const consoles: ConsoleProcess[] = [];
  let dataDir: string;

  before(async () => {
    cluster = await startCluster(4, { memoryMb: 64 });
    dataDir = await mkdtemp(join(tmpdir(), 'astaire-crash-'));
  });
  after(async () => {
    await Promise.all(consoles.map((c) => c.kill('SIGKILL')));
    await cluster.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function startConsole(): Promise<ConsoleProcess> {
    const started = await ConsoleProcess.start(dataDir);
    consoles.push(started);
    return started;
  }

  // What the checkpoints of a cluster's resize say was finished, per target.
  async function checkpointed(clusterId: string): Promise<Map<string, Set<number>>> {
    const folder = join(dataDir, 'checkpoints', clusterId);
    const done = new Map<string, Set<number>>();
    for (const name of await readdir(folder).catch(() => [])) {
      if (!name.endsWith('.json')) continue;
      const record = await fileCheckpointStore(join(folder, name)).load();
      if (record !== undefined) done.set(record.target, new Set(record.done.map(([v]) => v)));
    }
    return done;
  }

  it('carries the resize on from its checkpoints, redoing only unfinished vbuckets', async (t) => {
    const n = cluster.addresses;
    const old = n.slice(0, 3);
    const items = await seedResize({ servers: old, newServers: n }, 71, 4000, 1500);
    const writers = new WriterPool({
      view: computeStoreView({ servers: old, newServers: n }),
      keys: items.filter((_, i) => i % 4 === 0).map((item) => item.key),
      writers: 6,
      writesPerSecond: 200,
      seed: 71,
      connect,
    });

    const first = await startConsole();
    const { id: clusterId } = await first.call('clusters:save', {
      definition: { name: 'crashing', servers: old, newServers: [] },
    });
    await first.call('wizard:begin', { clusterId, newServers: n });
    for (const step of [1, 2] as const) {
      await first.call('wizard:run-step', { clusterId, step, byHand: true });
      await first.wizardWhen(
        clusterId,
        (w) => w.steps.find((s) => s.step === step)?.state === 'succeeded',
        `step ${step} confirmed`,
      );
    }
    writers.start();
    let atKill: Map<string, Set<number>>;
    let resumedJob: JobSummary;
    try {
      await first.call('wizard:run-step', { clusterId, step: 3, rateLimit: 120_000 });
      // Killed once some vbuckets are finished and saved, with the resize still running.
      const deadline = Date.now() + 60_000;
      for (;;) {
        const saved = await checkpointed(clusterId);
        const finished = [...saved.values()].reduce((sum, set) => sum + set.size, 0);
        if (finished > 0) break;
        assert.ok(Date.now() < deadline, 'no vbucket finished within a minute');
        await sleep(50);
      }
      const wizard = await first.call('wizard:get', { clusterId });
      assert.equal(wizard && step3(wizard)?.state, 'running', 'the resize was still running');
      await first.kill('SIGKILL');
      atKill = await checkpointed(clusterId);

      const second = await startConsole();
      const found = await second.call('wizard:get', { clusterId });
      assert.equal(found && step3(found)?.error?.code, 'STEP_INTERRUPTED');
      await second.call('wizard:run-step', { clusterId, step: 3 });
      const ended = await second.wizardWhen(
        clusterId,
        (w) => step3(w)?.state !== 'running',
        'the resumed resize ends',
      );
      assert.equal(step3(ended)?.state, 'succeeded', JSON.stringify(step3(ended)?.error));
      const jobs = await second.call('jobs:list', null);
      const job = jobs.find((j) => j.id === step3(ended)?.jobIds?.at(-1));
      assert.ok(job, 'the resumed resize job');
      resumedJob = job;
      await second.kill('SIGTERM');
    } finally {
      await writers.stop();
    }

    const finishedAtKill = [...atKill.values()].reduce((sum, set) => sum + set.size, 0);
    let redone = 0;
    let resumed = 0;
    for (const summary of resumedJob.resyncs) {
      const before = atKill.get(summary.target)?.size ?? 0;
      const carried = summary.resumedVbuckets ?? 0;
      // Everything the checkpoint held at the kill was taken as done (a save may have landed
      // between the read and the kill: more, never less).
      assert.ok(carried >= before, `${summary.target}: resumed ${carried} of ${before} finished`);
      assert.ok(summary.isComplete, `${summary.target}: ${JSON.stringify(summary.failed)}`);
      resumed += carried;
      redone += summary.vbuckets - carried;
    }
    const total = resumedJob.resyncs.reduce((sum, s) => sum + s.vbuckets, 0);
    t.diagnostic(
      `at the kill ${finishedAtKill} of ${total} vbuckets were finished; the second console ` +
        `carried ${resumed} on and streamed ${redone}`,
    );
    assert.ok(finishedAtKill > 0 && redone > 0, 'the kill came mid-resize');

    const check = await checkAfterResize({ servers: old, newServers: n }, items, writers);
    assertNewestEverywhere(check);
    const writes = writers.stats().writes;
    assert.ok(writes >= 100, `the writers wrote during the runs (${writes} writes)`);
    recordFigures('console killed mid-resize', {
      writes,
      keysChecked: check.keys,
      keysLost: check.lost,
      keysStale: check.stale,
      faults: 1,
    });
  });
});
