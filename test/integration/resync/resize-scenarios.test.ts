/**
 * Whole resizes on real memcached processes: the data is written through the old view as the
 * clients would, every node of new_servers is resynced, and then every key must be on each of its
 * new replicas, exactly as written, and verification must pass.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClusterSettings } from '../../../core/cluster/cluster-settings.js';
import { computeStoreView } from '../../../core/cluster/store-view.js';
import { vbucketOfKey } from '../../../core/cluster/vbucket-hash.js';
import { ResyncJob, type ResyncSummary } from '../../../core/resync/resync-engine.js';
import { readTagRecord } from '../../../core/resync/tag-record.js';
import { verifyResize } from '../../../core/resync/verify.js';
import { directConnector } from '../../../core/transport/node-connector.js';
import {
  ClusterClients,
  checkPlacement,
  flushAll,
  makeDataset,
  writeThroughView,
} from '../../support/cluster-data.js';
import { startCluster, type MemcachedCluster } from '../../support/memcached-process.js';

const connect = directConnector();

async function resyncAll(settings: ClusterSettings, full = false): Promise<ResyncSummary[]> {
  const summaries: ResyncSummary[] = [];
  for (const target of new Set(
    settings.newServers.length > 0 ? settings.newServers : settings.servers,
  )) {
    summaries.push(await new ResyncJob({ target, settings, full, connect }).run());
  }
  return summaries;
}

describe('resizes on a real cluster', () => {
  let cluster: MemcachedCluster;
  let n: string[];

  before(async () => {
    // -I 2m: items of 1 MB values fit.
    cluster = await startCluster(6, { memoryMb: 256, extraArgs: ['-I', '2m'] });
    n = cluster.addresses;
  });
  after(() => cluster.stop());

  const cases: [string, (n: string[]) => ClusterSettings][] = [
    ['3 -> 4', (n) => ({ servers: n.slice(0, 3), newServers: n.slice(0, 4) })],
    ['4 -> 3', (n) => ({ servers: n.slice(0, 4), newServers: n.slice(0, 3) })],
    ['2 -> 5', (n) => ({ servers: n.slice(0, 2), newServers: n.slice(0, 5) })],
    [
      'a one-node swap',
      (n) => ({
        servers: [n[0], n[1], n[2]] as string[],
        newServers: [n[0], n[1], n[5]] as string[],
      }),
    ],
  ];

  cases.forEach(([label, settingsOf], index) => {
    it(`${label}: every key reaches each new replica intact, and verify passes`, async () => {
      const settings = settingsOf(n);
      const clients = new ClusterClients();
      try {
        await flushAll(clients, n);
        const items = makeDataset({
          seed: 100 + index,
          count: 3000,
          awkwardKeys: true,
          ttls: true,
          valueSizes: [0, 10, 100, 1000, 4096],
          ...(index === 0 ? { largeEvery: 300 } : {}),
        });
        await writeThroughView(
          computeStoreView({ servers: settings.servers, newServers: [] }),
          items,
          clients,
        );

        const summaries = await resyncAll(settings);
        for (const summary of summaries) {
          assert.ok(summary.isComplete, `${summary.target}: ${JSON.stringify(summary.failed)}`);
          assert.equal(summary.tagWritten, true);
          assert.equal(
            summary.counts.replaced + summary.counts.skippedNewer,
            0,
            'the targets held nothing newer',
          );
        }
        const moved = summaries.reduce((sum, s) => sum + s.counts.added, 0);
        assert.ok(moved > 0, 'something moved');

        const placement = await checkPlacement(settings, items, clients);
        assert.deepEqual(placement.wrong.slice(0, 10), []);
        assert.ok(placement.checked >= items.length);

        const report = await verifyResize({ settings, connect });
        assert.equal(report.isClean, true, JSON.stringify(report.problems.slice(0, 5)));
        assert.ok(report.checked > 0);
      } finally {
        await clients.close();
      }
    });
  });

  it('verify counts a key missing from a new replica once, however many old replicas hold it', async () => {
    const settings = { servers: n.slice(0, 3), newServers: n.slice(0, 4) };
    const target = n[3] as string;
    const clients = new ClusterClients();
    try {
      await flushAll(clients, n);
      const items = makeDataset({ seed: 8, count: 2000 });
      await writeThroughView(
        computeStoreView({ servers: settings.servers, newServers: [] }),
        items,
        clients,
      );
      await resyncAll(settings);
      // Seven keys moved to the new node, deleted there: each is on two old replicas.
      const view = computeStoreView(settings);
      const moved = items.filter((item) => {
        const vbucket = view.vbuckets[vbucketOfKey(item.key)];
        return vbucket?.isMoving === true && vbucket.newReplicas?.includes(target) === true;
      });
      const deleted = moved.slice(0, 7);
      for (const item of deleted) {
        assert.equal(await (await clients.get(target)).delete(item.key), 'deleted');
      }
      const report = await verifyResize({ settings, connect });
      assert.equal(report.missing, deleted.length, 'each missing key once, not once per old copy');
      assert.equal(report.isClean, false);
      const repaired = await verifyResize({ settings, connect, repair: true });
      assert.equal(repaired.missing, deleted.length);
      assert.equal(repaired.repaired, deleted.length);
      assert.equal(repaired.isClean, true);
      assert.equal((await verifyResize({ settings, connect })).missing, 0);
    } finally {
      await clients.close();
    }
  });

  it('a full resync refills a node restarted empty, and its tag record comes back', async () => {
    const settings = { servers: n.slice(0, 3), newServers: [] };
    const clients = new ClusterClients();
    try {
      await flushAll(clients, n);
      const items = makeDataset({ seed: 7, count: 3000, awkwardKeys: true, ttls: true });
      await writeThroughView(computeStoreView(settings), items, clients);
      await resyncAll(settings, true);
      const victim = cluster.nodes[1];
      assert.ok(victim);
      assert.notEqual(await readTagRecord(await clients.get(victim.address)), undefined);

      await clients.close();
      await victim.restart();
      assert.equal(
        await readTagRecord(await clients.get(victim.address)),
        undefined,
        'restart lost the tag',
      );

      const minimal = await new ResyncJob({
        target: victim.address,
        settings,
        full: false,
        connect,
      }).run();
      assert.equal(minimal.vbuckets, 0, 'a minimal resync of a stable node has nothing to do');
      const full = await new ResyncJob({
        target: victim.address,
        settings,
        full: true,
        connect,
      }).run();
      assert.ok(full.isComplete);
      assert.ok(full.counts.added > 0);
      assert.notEqual(await readTagRecord(await clients.get(victim.address)), undefined);

      const placement = await checkPlacement(settings, items, clients);
      assert.deepEqual(placement.wrong.slice(0, 10), []);
      assert.equal((await verifyResize({ settings, connect })).isClean, true);
    } finally {
      await clients.close();
    }
  });
});
