/**
 * Jobs under the operator's hand, through the console's service on a real memcached cluster: the
 * estimate of a resize against what it then moves, a resize paused (at its start and mid-stream)
 * and resumed, retries of part of a worklist, and the refusals of retries that cannot run.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { computeStoreView } from '../../../core/cluster/store-view.js';
import { vbucketOfKey } from '../../../core/cluster/vbucket-hash.js';
import { computeWorklist } from '../../../core/cluster/worklist.js';
import { ClusterStore } from '../../../core/console/cluster-store.js';
import { ConsoleService } from '../../../core/console/console-service.js';
import type {
  Channel,
  ConsoleEvent,
  JobSummary,
  RequestOf,
} from '../../../core/console/contract.js';
import { readTagRecord } from '../../../core/resync/tag-record.js';
import {
  ClusterClients,
  checkPlacement,
  flushAll,
  seedCluster,
  makeDataset,
  type TestItem,
} from '../../support/cluster-data.js';
import { callService, jobFinished } from '../../support/console-calls.js';
import { startCluster, type MemcachedCluster } from '../../support/memcached-process.js';

describe('pausing, retrying and estimating jobs on a real cluster', () => {
  let cluster: MemcachedCluster;
  let dataDir: string;
  let service: ConsoleService;
  let events: ConsoleEvent[];
  let waiters: (() => void)[];
  let n: string[];
  const clients = new ClusterClients();

  const call = <C extends Channel>(channel: C, request: RequestOf<C>) =>
    callService(service, channel, request);

  const finished = (jobId: string, timeoutMs = 90_000): Promise<JobSummary> =>
    jobFinished(() => events, waiters, jobId, timeoutMs);

  async function seed(items: readonly TestItem[], servers: readonly string[]): Promise<void> {
    await seedCluster(clients, n, servers, items);
  }

  /**
   * Per node: sets received and items stored so far. Not curr_items: the LRU crawler reclaims
   * flushed items (an earlier test's) on its own, so it may fall at any time.
   */
  async function writeCounters(): Promise<Map<string, string>> {
    const counters = new Map<string, string>();
    for (const node of n) {
      const stats = await (await clients.get(node)).stats();
      counters.set(node, `${stats.get('cmd_set')} sets, ${stats.get('total_items')} stored`);
    }
    return counters;
  }

  async function totalSets(): Promise<number> {
    let sets = 0;
    for (const node of n) sets += Number((await (await clients.get(node)).stats()).get('cmd_set'));
    return sets;
  }

  before(async () => {
    cluster = await startCluster(4, { memoryMb: 64 });
    n = cluster.addresses;
    dataDir = await mkdtemp(join(tmpdir(), 'astaire-jobs-'));
    service = new ConsoleService({
      mode: 'web',
      store: await ClusterStore.open(join(dataDir, 'clusters.json')),
    });
    events = [];
    waiters = [];
    service.subscribe((event) => {
      events.push(event);
      for (const wake of waiters.splice(0)) wake();
    });
  });
  after(async () => {
    await service.close();
    await clients.close();
    await cluster.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('estimates a resize close to what it then moves, and times the next at the rate measured', async () => {
    const settings = { servers: n.slice(0, 3), newServers: n.slice(0, 4) };
    const items = makeDataset({ seed: 71, count: 12_000, valueSizes: [200, 800, 1400] });
    await seed(items, settings.servers);
    const { id: clusterId } = await call('clusters:save', {
      definition: { name: 'estimate', ...settings },
    });

    const estimate = await call('plan:estimate', { clusterId, full: false });
    assert.equal(estimate.clusterId, clusterId);
    assert.deepEqual(estimate.unsampled, []);
    assert.equal(estimate.rate, null, 'no resync has run yet');
    assert.equal(estimate.seconds, null);
    assert.deepEqual(
      estimate.targets.map((t) => t.target),
      settings.newServers,
    );
    const view = computeStoreView(settings);
    for (const target of estimate.targets) {
      const worklist = computeWorklist(view, target.target, { full: false });
      assert.equal(target.vbuckets, worklist.size);
      assert.equal(
        target.sources.reduce((sum, s) => sum + s.vbuckets, 0),
        worklist.size,
      );
      assert.equal(target.seconds, null);
    }

    const job = await call('jobs:start', { kind: 'resize', clusterId, full: false });
    assert.equal(job.full, false);
    const done = await finished(job.id);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.error ?? done.resyncs));

    // Keys: the estimate assumes a source's items spread evenly over its vbuckets. With about a
    // hundred keys per vbucket, a single vbucket may be 10 % off, ten or more hardly 5 %.
    let movedKeys = 0;
    let movedBytes = 0;
    let checkedTargets = 0;
    for (const target of estimate.targets) {
      const resync = done.resyncs.find((r) => r.target === target.target);
      assert.ok(resync);
      movedKeys += resync.counts.keys;
      movedBytes += resync.counts.bytes;
      if (target.vbuckets === 0) assert.equal(target.keys, 0);
      if (target.vbuckets < 10) continue;
      checkedTargets++;
      const ratio = target.keys / resync.counts.keys;
      assert.ok(ratio > 0.8 && ratio < 1.25, `${target.target}: ${ratio.toFixed(3)} of the keys`);
    }
    assert.ok(checkedTargets >= 1);
    assert.ok(movedKeys > 4000, `the resize moved ${movedKeys} keys`);
    const keyRatio = estimate.keys / movedKeys;
    assert.ok(keyRatio > 0.95 && keyRatio < 1.05, `estimated ${keyRatio.toFixed(3)} of the keys`);
    // Bytes: stats count memcached's own item overhead (keys, headers) besides the values.
    const byteRatio = estimate.bytes / movedBytes;
    assert.ok(byteRatio > 1 && byteRatio < 1.5, `estimated ${byteRatio.toFixed(3)} of the bytes`);

    const next = await call('plan:estimate', { clusterId, full: true });
    assert.ok(next.rate !== null && next.rate.bytesPerSecond > 0);
    assert.match(next.rate.basis, /^measured on resync of \S+ at \d\d:\d\d$/);
    for (const target of next.targets) {
      assert.ok(Math.abs((target.seconds ?? -1) - target.bytes / next.rate.bytesPerSecond) < 1e-6);
    }
    const longest = Math.max(...next.targets.map((t) => t.seconds ?? 0));
    const sum = next.targets.reduce((total, t) => total + (t.seconds ?? 0), 0);
    assert.ok(next.seconds !== null && next.seconds >= longest && next.seconds < sum);

    // Another cluster's estimate takes no rate from this one's runs (its nodes and links differ).
    const { id: otherId } = await call('clusters:save', {
      definition: { name: 'another', servers: n.slice(0, 2), newServers: n.slice(0, 3) },
    });
    const other = await call('plan:estimate', { clusterId: otherId, full: false });
    assert.equal(other.rate, null);
    assert.equal(other.seconds, null);
  });

  it('pauses a resize at its start and mid-stream: nothing reaches any node until resumed', async () => {
    const settings = { servers: n.slice(0, 3), newServers: n.slice(0, 4) };
    const items = makeDataset({ seed: 72, count: 8000, valueSizes: [1500] });
    await seed(items, settings.servers);
    const { id: clusterId } = await call('clusters:save', {
      definition: { name: 'paused', ...settings },
    });
    const firstEvent = events.length;

    // 1 MiB/s into each target against several MB to move: it runs for seconds.
    const job = await call('jobs:start', {
      kind: 'resize',
      clusterId,
      full: false,
      rateLimit: 1024 * 1024,
    });
    await call('jobs:pause', { jobId: job.id });
    assert.equal((await call('jobs:list', null)).find((j) => j.id === job.id)?.isPaused, true);
    // Paused before its first target started: that target starts paused.
    const atStart = await writeCounters();
    await sleep(1500);
    assert.deepEqual(await writeCounters(), atStart, 'nothing written while paused at the start');
    await call('jobs:resume', { jobId: job.id });

    const setsBefore = await totalSets();
    const deadline = Date.now() + 20_000;
    while ((await totalSets()) < setsBefore + 1000) {
      assert.ok(Date.now() < deadline, 'the resize did not start streaming');
      await sleep(50);
    }
    await call('jobs:set-rate', { jobId: job.id, bytesPerSecond: 2 * 1024 * 1024 });
    await call('jobs:pause', { jobId: job.id });
    const paused = await writeCounters();
    const pausedAt = Date.now();
    // A source answers at once while paused: its dumps were read to the end, not left stalled.
    const probe = await clients.get(n[0]!);
    const started = performance.now();
    await probe.getMany(
      items.slice(0, 50).map((item) => item.key),
      { value: true },
    );
    assert.ok(performance.now() - started < 500, 'a source stays responsive while paused');
    await sleep(1500);
    assert.deepEqual(await writeCounters(), paused, 'nothing written while paused mid-stream');
    for (const node of n.slice(0, 3)) {
      const stats = await (await clients.get(node)).stats();
      assert.equal(stats.get('lru_crawler_running'), '0', `${node}'s crawler is not held`);
    }
    await call('jobs:resume', { jobId: job.id });
    const pausedFor = Date.now() - pausedAt;

    const done = await finished(job.id);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.error ?? done.resyncs));
    assert.equal(done.isPaused, false);
    assert.ok(done.resyncs.every((r) => r.isComplete && r.tagWritten));
    const longestPause = Math.max(...done.resyncs.map((r) => r.pausedMs ?? 0));
    assert.ok(longestPause >= pausedFor - 100, `a resync counted ${longestPause} ms paused`);
    const placement = await checkPlacement(settings, items, clients);
    assert.deepEqual(placement.wrong.slice(0, 5), []);

    const updates = events
      .slice(firstEvent)
      .flatMap((e) => (e.type === 'job-updated' && e.job.id === job.id ? [e.job] : []));
    assert.deepEqual(
      updates.map((u) => (u.isPaused ? 'paused' : 'running')),
      ['paused', 'running', 'running', 'paused', 'running'],
    );
    assert.equal(updates[2]?.rateLimit, 2 * 1024 * 1024, 'set-rate is announced');
  });

  it('lets another job dump the same sources while one is paused', async () => {
    const settings = { servers: n.slice(0, 3), newServers: [] };
    const items = makeDataset({ seed: 74, count: 4000, valueSizes: [500] });
    await seed(items, settings.servers);
    const { id: clusterId } = await call('clusters:save', {
      definition: { name: 'side by side', ...settings },
    });
    // A fills n0 from n1 and n2; paused at once, its dumps of both are read and its batches wait.
    const paused = await call('jobs:start', {
      kind: 'resync',
      clusterId,
      target: n[0]!,
      full: true,
    });
    await call('jobs:pause', { jobId: paused.id });
    await sleep(1000);
    const before = await writeCounters();
    // B fills n1 from n0 and n2: it needs n2's crawler, which A must not be holding.
    const other = await call('jobs:start', {
      kind: 'resync',
      clusterId,
      target: n[1]!,
      full: true,
    });
    const otherDone = await finished(other.id, 20_000);
    assert.equal(otherDone.state, 'succeeded', JSON.stringify(otherDone.resyncs));
    assert.equal((await writeCounters()).get(n[0]!), before.get(n[0]!), 'A sent nothing to n0');
    await call('jobs:resume', { jobId: paused.id });
    const pausedDone = await finished(paused.id);
    assert.equal(pausedDone.state, 'succeeded', JSON.stringify(pausedDone.resyncs));
    const placement = await checkPlacement(settings, items, clients);
    assert.deepEqual(placement.wrong.slice(0, 5), []);
  });

  it('cancels a paused job at once, and ends it not paused', async () => {
    const { id: clusterId } = await call('clusters:save', {
      definition: { name: 'cancelled', servers: n.slice(0, 3), newServers: [] },
    });
    const job = await call('jobs:start', {
      kind: 'resync',
      clusterId,
      target: n[0]!,
      full: true,
      rateLimit: 64 * 1024,
    });
    await call('jobs:pause', { jobId: job.id });
    await sleep(300);
    const cancelledAt = Date.now();
    await call('jobs:cancel', { jobId: job.id });
    const ended = await finished(job.id);
    assert.ok(Date.now() - cancelledAt < 3000, 'a paused job need not be resumed to stop');
    assert.equal(ended.state, 'cancelled');
    assert.equal(ended.isPaused, false);
    assert.equal(ended.resyncs[0]?.cancelled, true);
    assert.equal(ended.resyncs[0]?.tagWritten, false);
  });

  it('refuses to pause a verify, and an ended job', async () => {
    const { id: clusterId } = await call('clusters:save', {
      definition: { name: 'verified', servers: n.slice(0, 3), newServers: [] },
    });
    const verify = await call('jobs:start', { kind: 'verify', clusterId, repair: false });
    assert.equal('full' in verify, false);
    await assert.rejects(call('jobs:pause', { jobId: verify.id }), {
      code: 'NOT_PAUSABLE',
      message: /verify/,
    });
    await assert.rejects(call('jobs:resume', { jobId: verify.id }), { code: 'NOT_PAUSABLE' });
    await finished(verify.id);
    const resync = await call('jobs:start', {
      kind: 'resync',
      clusterId,
      target: n[0]!,
      full: false,
    });
    await finished(resync.id);
    await assert.rejects(call('jobs:pause', { jobId: resync.id }), { code: 'JOB_ENDED' });
  });

  it('retries two vbuckets: only those are streamed, and no tag record is written', async () => {
    const settings = { servers: n.slice(0, 3), newServers: [] };
    const items = makeDataset({ seed: 73, count: 6000, valueSizes: [300] });
    await seed(items, settings.servers);
    const target = n[0]!;
    await flushAll(clients, [target]);
    const { id: clusterId } = await call('clusters:save', {
      definition: { name: 'retry', ...settings },
    });
    const worklist = computeWorklist(computeStoreView(settings), target, { full: true });
    const [first, second] = [...worklist.keys()].slice(3, 5) as [number, number];
    const firstEvent = events.length;

    const job = await call('jobs:start', {
      kind: 'resync',
      clusterId,
      target,
      full: true,
      vbuckets: [second, first],
      retryOf: 'an-earlier-job',
    });
    assert.deepEqual(
      job.vbuckets,
      [first, second].sort((a, b) => a - b),
    );
    assert.equal(job.retryOf, 'an-earlier-job');
    // The summary carries the kind, so a later retry of this one asks for the same.
    assert.equal(job.full, true);
    const done = await finished(job.id);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.error ?? done.resyncs));
    const resync = done.resyncs[0];
    assert.ok(resync);
    assert.equal(resync.vbuckets, 2);
    assert.equal(resync.isComplete, true);
    assert.equal(resync.tagWritten, false);
    assert.equal(resync.restrictedTo?.worklistSize, worklist.size);
    assert.ok(
      events
        .slice(firstEvent)
        .some((e) => e.type === 'notice' && /tag record.*will not be written/.test(e.message)),
    );

    const client = await clients.get(target);
    assert.equal(await readTagRecord(client), undefined);
    const mine = items.filter((item) => worklist.has(vbucketOfKey(item.key)));
    const found = await client.getMany(
      mine.map((item) => item.key),
      { value: true },
    );
    let inRetried = 0;
    mine.forEach((item, index) => {
      const vbucket = vbucketOfKey(item.key);
      const got = found[index];
      if (vbucket === first || vbucket === second) {
        inRetried++;
        assert.ok(got?.value?.equals(item.value), `vbucket ${vbucket}: ${item.key.toString()}`);
      } else {
        assert.equal(got, undefined, `vbucket ${vbucket} was not asked for`);
      }
    });
    assert.ok(inRetried > 40 && mine.length > inRetried * 10, `${inRetried} of ${mine.length}`);
    assert.equal(resync.counts.keys, inRetried);

    // One source only: a joining node's vbucket from its second replica, never its first.
    const resize = { servers: settings.servers, newServers: n.slice(0, 4) };
    const { id: resizeId } = await call('clusters:save', {
      definition: { name: 'retry one source', ...resize },
    });
    const joining = n[3]!;
    const [vbucket, sources] = [
      ...computeWorklist(computeStoreView(resize), joining, { full: false }),
    ][0]!;
    const source = sources[1]!;
    assert.notEqual(source, sources[0]);
    const fromOne = await call('jobs:start', {
      kind: 'resync',
      clusterId: resizeId,
      target: joining,
      full: false,
      vbuckets: [vbucket],
      source,
    });
    assert.equal(fromOne.source, source);
    const oneDone = await finished(fromOne.id);
    assert.equal(oneDone.state, 'succeeded', JSON.stringify(oneDone.resyncs));
    assert.deepEqual(
      oneDone.resyncs[0]?.sources.map((s) => s.node),
      [source],
    );
    const expected = items.filter((item) => vbucketOfKey(item.key) === vbucket).length;
    assert.equal(oneDone.resyncs[0]?.counts.keys, expected);
    assert.equal(oneDone.resyncs[0]?.restrictedTo?.source, source);
  });

  it('refuses a retry of a vbucket outside the worklist, or from a node that does not hold it', async () => {
    const settings = { servers: n.slice(0, 3), newServers: [] };
    const { id: clusterId } = await call('clusters:save', {
      definition: { name: 'refusals', ...settings },
    });
    const target = n[0]!;
    const worklist = computeWorklist(computeStoreView(settings), target, { full: true });
    const outside = [...Array(128).keys()].find((v) => !worklist.has(v))!;
    const before = (await call('jobs:list', null)).length;
    await assert.rejects(
      call('jobs:start', { kind: 'resync', clusterId, target, full: true, vbuckets: [outside] }),
      (error: Error & { code?: string }) =>
        error.code === 'VBUCKET_NOT_IN_WORKLIST' &&
        error.message.includes(`vbucket ${outside} `) &&
        error.message.includes(target),
    );
    const inside = [...worklist.keys()][0]!;
    const stranger = settings.servers.find((node) => !worklist.get(inside)?.includes(node))!;
    await assert.rejects(
      call('jobs:start', {
        kind: 'resync',
        clusterId,
        target,
        full: true,
        vbuckets: [inside],
        source: stranger,
      }),
      { code: 'SOURCE_NOT_A_REPLICA' },
    );
    assert.equal((await call('jobs:list', null)).length, before, 'nothing started');
  });

  it('lists a source it cannot reach as unsampled, with its error, and guesses nothing', async () => {
    const dead = '127.0.0.1:1';
    const { id: clusterId } = await call('clusters:save', {
      definition: { name: 'one dead', servers: [n[0]!, dead], newServers: [n[0]!, dead, n[1]!] },
    });
    const estimate = await call('plan:estimate', { clusterId, full: false });
    assert.deepEqual(
      estimate.unsampled.map((u) => u.node),
      [dead],
    );
    assert.equal(estimate.unsampled[0]?.error.detail.stage, 'connect');
    assert.ok(estimate.targets.every((t) => t.sources.every((s) => s.node !== dead)));
    assert.ok(estimate.targets.some((t) => t.sources.length > 0));
  });
});
