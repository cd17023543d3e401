/**
 * A resync when nodes misbehave: a source killed mid-stream, a source that refuses dumps, a target
 * that is down, an operator who cancels or changes the rate limit while it runs.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { computeStoreView } from '../../../core/cluster/store-view.js';
import { ResyncJob, type VbucketState } from '../../../core/resync/resync-engine.js';
import { directConnector } from '../../../core/transport/node-connector.js';
import {
  ClusterClients,
  checkPlacement,
  flushAll,
  makeDataset,
  writeThroughView,
} from '../../support/cluster-data.js';
import {
  startCluster,
  startMemcached,
  type MemcachedCluster,
} from '../../support/memcached-process.js';

const connect = directConnector({ timeoutMs: 2000, connectTimeoutMs: 2000 });
// Retries of lost connections, quick: a dead node stays dead in these tests.
const tuning = { reconnectDelayMs: 20 };

describe('resync faults', () => {
  let cluster: MemcachedCluster;
  let clients: ClusterClients;

  before(async () => {
    cluster = await startCluster(4, { memoryMb: 128 });
  });
  after(() => cluster.stop());
  afterEach(() => clients.close());

  async function seeded(seed: number, count = 3000) {
    clients = new ClusterClients(connect);
    const n = cluster.addresses;
    await flushAll(clients, n);
    const settings = { servers: n.slice(0, 3), newServers: n.slice(0, 4) };
    const items = makeDataset({ seed, count, valueSizes: [500, 1500] });
    await writeThroughView(
      computeStoreView({ servers: settings.servers, newServers: [] }),
      items,
      clients,
    );
    return { n, settings, items, target: n[3] as string };
  }

  it('finishes the vbuckets of a source killed mid-stream from their backup replicas', async () => {
    const { settings, items, target } = await seeded(21);
    const victim = cluster.nodes[0];
    assert.ok(victim);
    const states = new Map<number, VbucketState[]>();
    let killed = false;
    const job = new ResyncJob({
      target,
      settings,
      full: false,
      connect,
      tuning,
      rateLimit: 300_000,
      observer: {
        onVbucketState: (vbucket, state) =>
          states.set(vbucket, [...(states.get(vbucket) ?? []), state]),
        onThroughput: (_, totals) => {
          const fromVictim = totals.find((t) => t.node === victim.address)?.keys ?? 0;
          if (!killed && fromVictim > 100) {
            killed = true;
            victim.signal('SIGKILL');
          }
        },
      },
    });
    const summary = await job.run().finally(() => victim.restart());
    assert.ok(killed, 'the source was killed while it streamed');
    assert.ok(summary.isComplete, JSON.stringify(summary.failed));
    const failedSource = summary.sources.find((s) => s.node === victim.address);
    assert.match(
      failedSource?.failure ?? '',
      /^node [0-9.:]+ .*(connection (was closed|lost)|cannot connect \(ECONNREFUSED\))/,
    );
    // A vbucket of the victim went streaming -> pending -> streaming from another -> done.
    const movedOn = [...states.values()].filter(
      (history) =>
        history.some((s) => s.state === 'streaming' && s.source === victim.address) &&
        history.at(-1)?.state === 'done' &&
        (history.at(-1) as { source: string }).source !== victim.address,
    );
    assert.ok(movedOn.length > 0);
    const placement = await checkPlacement(settings, items, clients, [victim.address]);
    assert.deepEqual(placement.wrong.slice(0, 10), []);
  });

  it('streams from the backup when the primary refuses dumps, and says how to fix it', async () => {
    clients = new ClusterClients(connect);
    const refusing = await startMemcached({ extraArgs: ['-X'] });
    const others = cluster.addresses.slice(1, 3);
    const target = cluster.addresses[3] as string;
    try {
      const settings = {
        servers: [refusing.address, ...others],
        newServers: [refusing.address, ...others, target],
      };
      await flushAll(clients, [...others, target, refusing.address]);
      const items = makeDataset({ seed: 22, count: 1500 });
      await writeThroughView(
        computeStoreView({ servers: settings.servers, newServers: [] }),
        items,
        clients,
      );
      const notices: string[] = [];
      const summary = await new ResyncJob({
        target,
        settings,
        full: false,
        connect,
        observer: { onNotice: (m) => notices.push(m) },
      }).run();
      assert.ok(summary.isComplete);
      const refused = summary.sources.find((s) => s.node === refusing.address);
      assert.match(refused?.failure ?? '', /started with -X .* restart it without -X/);
      assert.ok(notices.some((m) => m.includes(refusing.address) && m.includes('next replica')));
      const placement = await checkPlacement(settings, items, clients);
      assert.deepEqual(placement.wrong.slice(0, 10), []);
    } finally {
      await clients.close();
      await refusing.stop();
    }
  });

  it('fails every vbucket whose replicas all fail, naming each reason', async () => {
    clients = new ClusterClients(connect);
    const down = await startMemcached();
    const downAddress = down.address;
    await down.stop();
    const target = cluster.addresses[3] as string;
    const settings = { servers: [downAddress], newServers: [downAddress, target] };
    const summary = await new ResyncJob({ target, settings, full: false, connect, tuning }).run();
    assert.equal(summary.isComplete, false);
    assert.equal(summary.tagWritten, false);
    assert.equal(summary.failed.length, summary.vbuckets);
    assert.match(
      summary.failed[0]?.reason ?? '',
      new RegExp(
        `no replica could serve it \\(${downAddress.replace(/\./g, '\\.')}: node .*CONNECT|nothing listens`,
      ),
    );
  });

  it('stops with an error naming the target when the target is down', async () => {
    const { settings } = await seeded(23, 500);
    const down = await startMemcached();
    const target = down.address;
    await down.stop();
    const withDownTarget = { servers: settings.servers, newServers: [...settings.servers, target] };
    const summary = await new ResyncJob({
      target,
      settings: withDownTarget,
      full: false,
      connect,
      tuning,
    }).run();
    assert.equal(summary.isComplete, false);
    assert.equal(summary.error?.detail.node, target);
    assert.equal(summary.error?.code, 'CONNECT_FAILED');
    assert.ok(
      summary.failed.every((f) => f.reason.startsWith('not streamed') || f.reason.includes(target)),
    );
  });

  it('cancels cleanly when aborted, and a rerun completes', async () => {
    const { settings, items, target } = await seeded(24);
    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error('operator cancelled')), 300);
    const cancelled = await new ResyncJob({
      target,
      settings,
      full: false,
      connect,
      tuning,
      rateLimit: 200_000,
      signal: abort.signal,
    }).run();
    assert.equal(cancelled.cancelled, true);
    assert.equal(cancelled.isComplete, false);
    assert.equal(cancelled.tagWritten, false);
    assert.ok(cancelled.done < cancelled.vbuckets);

    const rerun = await new ResyncJob({ target, settings, full: false, connect, tuning }).run();
    assert.ok(rerun.isComplete);
    const placement = await checkPlacement(settings, items, clients);
    assert.deepEqual(placement.wrong.slice(0, 10), []);
  });

  it('reports a target that evicts while it is filled as a failed resync, not a success', async () => {
    clients = new ClusterClients(connect);
    const small = await startMemcached({ memoryMb: 4 });
    try {
      const servers = cluster.addresses.slice(0, 3);
      await flushAll(clients, servers);
      const settings = { servers, newServers: [...servers, small.address] };
      const items = makeDataset({ seed: 26, count: 5000, valueSizes: [4000] });
      await writeThroughView(computeStoreView({ servers, newServers: [] }), items, clients);
      const notices: string[] = [];
      const summary = await new ResyncJob({
        target: small.address,
        settings,
        full: false,
        connect,
        observer: { onNotice: (message) => notices.push(message) },
      }).run();
      const why = JSON.stringify({
        evictions: summary.targetEvictions,
        failed: summary.failed.slice(0, 3),
        error: summary.error,
        complete: summary.isComplete,
      });
      assert.equal(summary.isComplete, false, why);
      assert.equal(summary.tagWritten, false);
      // Under load memcached may refuse a store outright ("out of memory") instead of evicting;
      // either way the resync must fail and say why.
      if (summary.targetEvictions > 0) {
        assert.ok(notices.some((m) => m.includes(`${small.address} evicted`) && m.includes('-m')));
      } else {
        assert.ok(
          summary.failed.some((f) => /memory/i.test(f.reason)),
          `no reason given: ${why}`,
        );
      }
    } finally {
      await clients.close();
      await small.stop();
    }
  });

  it('takes a new rate limit at once', async () => {
    const { settings, target } = await seeded(25);
    const job = new ResyncJob({
      target,
      settings,
      full: false,
      connect,
      tuning,
      rateLimit: 50_000,
    });
    const started = Date.now();
    setTimeout(() => job.setRateLimit(0), 500);
    const summary = await job.run();
    const seconds = (Date.now() - started) / 1000;
    assert.ok(summary.isComplete);
    // At 50 KB/s the whole stream would take tens of seconds; lifted, it ends in a few.
    assert.ok(
      summary.counts.bytes / 50_000 > 10,
      `enough data to tell (${summary.counts.bytes} bytes)`,
    );
    assert.ok(seconds < summary.counts.bytes / 50_000 / 2, `took ${seconds.toFixed(1)} s`);
  });
});
