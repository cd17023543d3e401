/**
 * Jobs replayed to a window that was not open all along, against a real local memcached cluster:
 * the renderer's store, synced through the same batcher the IPC bridge and the web server use,
 * shows a finished job (succeeded, or failed on every vbucket) after a reload, and a job that
 * a window joined midway, exactly as a window open from the start shows them.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClusterStore } from '../../../core/console/cluster-store.js';
import { ConsoleService } from '../../../core/console/console-service.js';
import type { Channel, ConsoleEvent, RequestOf } from '../../../core/console/contract.js';
import { EventBatcher } from '../../../core/console/event-batcher.js';
import type { ConsoleClient } from '../../../renderer/api/console-client.js';
import { createConsoleStore, type ConsoleStore } from '../../../renderer/store/console-store.js';
import { syncWithService } from '../../../renderer/store/sync-with-service.js';
import { ClusterClients, makeDataset, seedCluster } from '../../support/cluster-data.js';
import { callService, jobFinished } from '../../support/console-calls.js';
import { startCluster, type MemcachedCluster } from '../../support/memcached-process.js';

/** A window's client: calls go through the service's validation, events through a batcher. */
function windowClient(service: ConsoleService): { client: ConsoleClient; close(): void } {
  const listeners = new Set<(batch: { events: readonly ConsoleEvent[] }) => void>();
  const batcher = new EventBatcher((batch) => {
    for (const listener of listeners) listener(batch);
  });
  const unsubscribe = service.subscribe((event) => batcher.push(event));
  return {
    client: {
      invoke: (channel, request) => callService(service, channel, request),
      onEvents(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    close() {
      unsubscribe();
      batcher.close();
    },
  };
}

/** What a window shows of one job: its progress, notices, samples per node, and totals. */
function shownOf(store: ConsoleStore, jobId: string) {
  const state = store.getState();
  return {
    progress: state.jobProgress[jobId],
    notices: state.notices.filter((notice) => notice.jobId === jobId),
    series: Object.fromEntries(
      Object.entries(state.throughput)
        .filter(([, series]) => series.jobId === jobId)
        .map(([key, series]) => [key, series.samples.toArray()]),
    ),
    totals: state.totals[jobId],
  };
}

describe('jobs replayed to a window that opens late', () => {
  let cluster: MemcachedCluster;
  let dataDir: string;
  let service: ConsoleService;
  let clusterId: string;
  let allAlong: ConsoleStore;
  let closers: (() => void)[];
  const events: ConsoleEvent[] = [];
  const waiters: (() => void)[] = [];
  let n: string[];

  const call = <C extends Channel>(channel: C, request: RequestOf<C>) =>
    callService(service, channel, request);
  const finished = (jobId: string) => jobFinished(() => events, waiters, jobId, 60_000);

  /** A new window on the service, synced as the renderer syncs, and settled. */
  async function openWindow(): Promise<ConsoleStore> {
    const store = createConsoleStore();
    const window = windowClient(service);
    closers.push(syncWithService(store, window.client), () => window.close());
    await sleep(300);
    return store;
  }

  before(async () => {
    cluster = await startCluster(4, { memoryMb: 64 });
    n = cluster.addresses;
    dataDir = await mkdtemp(join(tmpdir(), 'astaire-replay-'));
    service = new ConsoleService({
      mode: 'web',
      store: await ClusterStore.open(join(dataDir, 'clusters.json')),
    });
    closers = [];
    service.subscribe((event) => {
      events.push(event);
      for (const wake of waiters.splice(0)) wake();
    });
    allAlong = await openWindow();
    const clients = new ClusterClients();
    try {
      const items = makeDataset({ seed: 15, count: 3000, valueSizes: [100, 2000, 9000] });
      await seedCluster(clients, n, n.slice(0, 3), items);
    } finally {
      await clients.close();
    }
    ({ id: clusterId } = await call('clusters:save', {
      definition: { name: 'replay', servers: n.slice(0, 3), newServers: n.slice(0, 4) },
    }));
  });
  after(async () => {
    for (const close of closers) close();
    await service.close();
    await cluster.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('shows a finished resync after a reload as the window open all along does', async () => {
    const target = n[3] ?? '';
    const job = await call('jobs:start', { kind: 'resync', clusterId, target, full: true });
    const done = await finished(job.id);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.error ?? done.resyncs));
    await sleep(300);
    const reloaded = await openWindow();
    const shown = shownOf(allAlong, job.id);
    assert.deepEqual(shownOf(reloaded, job.id), shown);
    // And what is shown is the job's end: every vbucket of the target done, samples, totals.
    const vbuckets = done.resyncs[0]?.vbuckets ?? 0;
    assert.ok(vbuckets > 0);
    assert.deepEqual(shown.progress?.targets[target]?.tally, {
      pending: 0,
      streaming: 0,
      done: vbuckets,
      failed: 0,
    });
    assert.ok(Object.values(shown.series).every((samples) => samples.length > 0));
    assert.ok(Object.keys(shown.series).length >= 2, 'the target and its sources');
    assert.equal(shown.totals?.[target]?.[0]?.keys, done.resyncs[0]?.counts.keys);
  });

  it('shows a window that opens midway the job so far, then follows it to the end', async () => {
    const target = n[3] ?? '';
    const job = await call('jobs:start', {
      kind: 'resync',
      clusterId,
      target,
      full: true,
      // Slow enough that the job runs for a few seconds of samples.
      rateLimit: 2 * 1024 * 1024,
    });
    await sleep(2500);
    const midway = await openWindow();
    assert.ok(
      Object.keys(shownOf(midway, job.id).series).length > 0,
      'the samples so far are shown at once',
    );
    const done = await finished(job.id);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.error ?? done.resyncs));
    await sleep(300);
    assert.deepEqual(shownOf(midway, job.id), shownOf(allAlong, job.id));
  });

  it('shows a resync that failed on every vbucket, after a reload, with its failures', async () => {
    // Nothing listens on port 1 of loopback, and no test can start a memcached there (a stopped
    // node's address may be taken by another test on this machine): every connection is refused.
    const target = '127.0.0.1:1';
    const { id: lostId } = await call('clusters:save', {
      definition: { name: 'lost', servers: n.slice(0, 3), newServers: [...n.slice(0, 3), target] },
    });
    const job = await call('jobs:start', { kind: 'resync', clusterId: lostId, target, full: true });
    const done = await finished(job.id);
    assert.equal(done.state, 'failed');
    await sleep(300);
    const reloaded = await openWindow();
    const shown = shownOf(allAlong, job.id);
    assert.deepEqual(shownOf(reloaded, job.id), shown);
    const tally = shown.progress?.targets[target]?.tally;
    assert.ok((tally?.failed ?? 0) > 0, JSON.stringify(tally));
    assert.deepEqual(tally, { pending: 0, streaming: 0, done: 0, failed: tally?.failed });
    assert.ok(shown.notices.length > 0, 'the retries it told of');
  });
});
