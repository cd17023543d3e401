/**
 * The console's service driven through its API, as the renderer drives it, against a real local
 * memcached cluster: clusters, status, plan, and every job (resync, resize, verify), with events
 * relayed through the same batcher the IPC bridge and the web server use.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildPlan } from '../../../core/cluster/plan.js';
import { ClusterStore } from '../../../core/console/cluster-store.js';
import { ConsoleService } from '../../../core/console/console-service.js';
import type {
  Channel,
  ConsoleEvent,
  JobSummary,
  RequestOf,
} from '../../../core/console/contract.js';
import { EventBatcher } from '../../../core/console/event-batcher.js';
import {
  ClusterClients,
  checkPlacement,
  seedCluster,
  makeDataset,
  type TestItem,
} from '../../support/cluster-data.js';
import { callService, jobFinished } from '../../support/console-calls.js';
import { startCluster, type MemcachedCluster } from '../../support/memcached-process.js';

interface Received {
  readonly at: number;
  readonly events: readonly ConsoleEvent[];
}

describe('the console service on a real cluster', () => {
  let cluster: MemcachedCluster;
  let dataDir: string;
  let service: ConsoleService;
  let batches: Received[];
  let waiters: (() => void)[];
  let n: string[];

  const call = <C extends Channel>(channel: C, request: RequestOf<C>) =>
    callService(service, channel, request);

  const allEvents = () => batches.flatMap((b) => b.events);

  const finished = (jobId: string, timeoutMs = 60_000): Promise<JobSummary> =>
    jobFinished(allEvents, waiters, jobId, timeoutMs);

  async function seed(items: readonly TestItem[], servers: readonly string[]): Promise<void> {
    const clients = new ClusterClients();
    try {
      await seedCluster(clients, n, servers, items);
    } finally {
      await clients.close();
    }
  }

  before(async () => {
    cluster = await startCluster(4, { memoryMb: 64 });
    n = cluster.addresses;
    dataDir = await mkdtemp(join(tmpdir(), 'astaire-console-'));
    service = new ConsoleService({
      mode: 'web',
      store: await ClusterStore.open(join(dataDir, 'clusters.json')),
    });
    batches = [];
    waiters = [];
    const batcher = new EventBatcher((batch) => {
      batches.push({ at: performance.now(), events: batch.events });
      for (const wake of waiters.splice(0)) wake();
    });
    service.subscribe((event) => batcher.push(event));
  });
  after(async () => {
    await service.close();
    await cluster.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('saves a cluster, shows every node, and previews the plan', async () => {
    const saved = await call('clusters:save', {
      definition: { name: 'loopback', servers: n.slice(0, 3), newServers: n.slice(0, 4) },
    });
    assert.deepEqual(
      (await call('clusters:list', null)).map((c) => c.id),
      [saved.id],
    );
    const status = await call('cluster:status', { clusterId: saved.id });
    assert.deepEqual(
      status.nodes.map((node) => [node.node, node.role, node.isReachable]),
      [
        [n[0], 'staying', true],
        [n[1], 'staying', true],
        [n[2], 'staying', true],
        [n[3], 'joining', true],
      ],
    );
    assert.match(status.nodes[0]?.version ?? '', /^1\.6\./);
    const { plan, risk } = await call('plan:preview', { clusterId: saved.id });
    assert.deepEqual(
      risk.ifNodeFails.map((entry) => entry.node),
      n.slice(0, 3),
    );
    const expected = buildPlan({ servers: n.slice(0, 3), newServers: n.slice(0, 4) });
    assert.equal(plan.vbuckets.length, 128);
    assert.equal(plan.vbuckets.filter((v) => v.moving).length, expected.movingVbuckets);
    assert.ok(allEvents().some((e) => e.type === 'clusters-changed'));
  });

  it('logs the connection tests the operator asks for, not the status reads of tab visits', async () => {
    const { id: clusterId } = await call('clusters:save', {
      definition: { name: 'tab visits', servers: n.slice(0, 2), newServers: [] },
    });
    const tests = async () =>
      (await call('activity:list', null)).filter(
        (entry) => entry.clusterId === clusterId && entry.action === 'connection test',
      );
    // What selecting the cluster and opening the Resync tab three times do.
    for (let visit = 0; visit < 4; visit++) await call('cluster:status', { clusterId });
    assert.deepEqual(await tests(), []);
    await call('cluster:status', { clusterId, isOperatorTest: true });
    assert.deepEqual(
      (await tests()).map((entry) => [entry.outcome, entry.detail]),
      [['succeeded', '2 of 2 nodes answered']],
    );
  });

  it('runs a resize, then a verify, with events batched and in order', async () => {
    const settings = { servers: n.slice(0, 3), newServers: n.slice(0, 4) };
    const items = makeDataset({ seed: 51, count: 4000, valueSizes: [10, 500, 2000] });
    await seed(items, settings.servers);
    const { id: clusterId } = await call('clusters:save', {
      definition: { name: 'resize', ...settings },
    });
    const firstBatch = batches.length;
    const job = await call('jobs:start', { kind: 'resize', clusterId, full: false, parallel: 2 });
    assert.equal(job.state, 'running');
    assert.deepEqual(job.targets, settings.newServers);
    assert.deepEqual(
      (await call('jobs:list', null)).find((j) => j.id === job.id)?.state,
      'running',
    );
    const done = await finished(job.id);
    assert.equal(
      done.state,
      'succeeded',
      JSON.stringify(done.error ?? done.resyncs.map((r) => r.failed)),
    );
    assert.equal(done.resyncs.length, 4);
    assert.ok(done.resyncs.every((r) => r.isComplete && r.tagWritten));

    const clients = new ClusterClients();
    try {
      const placement = await checkPlacement(settings, items, clients);
      assert.deepEqual(placement.wrong.slice(0, 5), []);
    } finally {
      await clients.close();
    }

    // Events: one strictly increasing sequence; batches no more often than about ten a second.
    const received = batches.slice(firstBatch);
    const seqs = received.flatMap((b) => b.events.map((e) => e.seq));
    assert.ok(
      seqs.every((seq, i) => i === 0 || seq === (seqs[i - 1] ?? 0) + 1),
      'no gaps, no reordering',
    );
    for (let i = 1; i < received.length; i++) {
      const gap = (received[i]?.at ?? 0) - (received[i - 1]?.at ?? 0);
      assert.ok(gap >= 95, `batches ${gap.toFixed(1)} ms apart`);
    }
    // The activity log's entries about the job come after its end; they are not job events.
    const relayed = received.flatMap((b) => b.events).filter((e) => e.type !== 'activity');
    const jobEvents = relayed.slice(relayed.findIndex((e) => e.type === 'job-started'));
    assert.equal(jobEvents[0]?.type, 'job-started');
    assert.equal(jobEvents.at(-1)?.type, 'job-finished');
    // Every vbucket of every target ends done, and went through streaming first.
    const lastState = new Map<string, string>();
    const streamed = new Set<string>();
    for (const event of jobEvents) {
      if (event.type !== 'vbucket-state') continue;
      const key = `${event.target}/${event.vbucket}`;
      lastState.set(key, event.state.state);
      if (event.state.state === 'streaming') streamed.add(key);
    }
    const worklistSize = done.resyncs.reduce((sum, r) => sum + r.vbuckets, 0);
    assert.equal(lastState.size, worklistSize);
    assert.ok([...lastState.values()].every((state) => state === 'done'));
    assert.ok([...lastState.keys()].every((key) => streamed.has(key)));
    assert.ok(jobEvents.some((e) => e.type === 'throughput' || e.type === 'pass'));

    const verify = await call('jobs:start', { kind: 'verify', clusterId, repair: false });
    const verified = await finished(verify.id);
    assert.equal(verified.state, 'succeeded');
    assert.equal(verified.verify?.isClean, true);
    assert.ok((verified.verify?.checked ?? 0) >= items.length);
  });

  it('throttles and cancels a running resync, and refuses a second job on the same node', async () => {
    const settings = { servers: n.slice(0, 3), newServers: [] };
    const items = makeDataset({ seed: 52, count: 3000, valueSizes: [2000] });
    await seed(items, settings.servers);
    const { id: clusterId } = await call('clusters:save', {
      definition: { name: 'throttled', ...settings },
    });
    // 16 KiB/s against about 6 MB to copy: it runs until cancelled.
    const job = await call('jobs:start', {
      kind: 'resync',
      clusterId,
      target: n[0]!,
      full: true,
      rateLimit: 16 * 1024,
    });
    await assert.rejects(
      call('jobs:start', { kind: 'resync', clusterId, target: n[0]!, full: true }),
      { code: 'JOB_CONFLICT' },
    );
    await call('jobs:set-rate', { jobId: job.id, bytesPerSecond: 8 * 1024 });
    assert.equal((await call('jobs:list', null)).find((j) => j.id === job.id)?.rateLimit, 8192);
    await call('jobs:cancel', { jobId: job.id });
    const ended = await finished(job.id);
    assert.equal(ended.state, 'cancelled');
    assert.equal(ended.resyncs[0]?.cancelled, true);
    await assert.rejects(call('jobs:cancel', { jobId: job.id }), { code: 'JOB_ENDED' });
  });

  it('shows an unreachable node with its reason, and fails a resync with no source', async () => {
    const dead = ['127.0.0.1:1', '127.0.0.2:1'];
    const { id: clusterId } = await call('clusters:save', {
      definition: { name: 'dead', servers: dead, newServers: [...dead, n[3]!] },
    });
    const status = await call('cluster:status', { clusterId });
    const down = status.nodes.find((node) => node.node === dead[0]);
    assert.equal(down?.isReachable, false);
    assert.match(down?.error?.message ?? '', /127\.0\.0\.1:1/);
    assert.equal(down?.error?.detail.stage, 'connect');

    const job = await call('jobs:start', { kind: 'resync', clusterId, target: n[3]!, full: false });
    const ended = await finished(job.id);
    assert.equal(ended.state, 'failed');
    const failed = ended.resyncs[0]?.failed ?? [];
    assert.ok(failed.length > 0);
    assert.match(failed[0]?.reason ?? '', /127\.0\.0\.[12]:1/);
  });

  it('refuses jobs that cannot run, before anything starts', async () => {
    const { id: clusterId } = await call('clusters:save', {
      definition: { name: 'steady', servers: n.slice(0, 2), newServers: [] },
    });
    const before = (await call('jobs:list', null)).length;
    await assert.rejects(
      call('jobs:start', { kind: 'resync', clusterId, target: '10.9.9.9:11211', full: false }),
      { code: 'TARGET_NOT_IN_SETTINGS' },
    );
    await assert.rejects(call('jobs:start', { kind: 'resize', clusterId, full: false }), {
      code: 'NO_RESIZE',
    });
    await assert.rejects(call('jobs:start', { kind: 'verify', clusterId: 'nope', repair: false }), {
      code: 'UNKNOWN_CLUSTER',
    });
    assert.equal((await call('jobs:list', null)).length, before);
  });
});
