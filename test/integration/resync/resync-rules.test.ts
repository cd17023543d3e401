/**
 * The resync's promises under live conditions: newer data on the target survives, older data is
 * replaced, and clients writing during the resync always end with their newest write in place.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { computeStoreView } from '../../../core/cluster/store-view.js';
import { vbucketOfKey } from '../../../core/cluster/vbucket-hash.js';
import { ResyncJob } from '../../../core/resync/resync-engine.js';
import { verifyResize } from '../../../core/resync/verify.js';
import { directConnector } from '../../../core/transport/node-connector.js';
import {
  ClusterClients,
  checkPlacement,
  flushAll,
  makeDataset,
  random,
  writeThroughView,
  type TestItem,
} from '../../support/cluster-data.js';
import { startCluster, type MemcachedCluster } from '../../support/memcached-process.js';

const connect = directConnector();

describe('the inject rule on a real cluster', () => {
  let cluster: MemcachedCluster;
  before(async () => {
    cluster = await startCluster(4, { memoryMb: 128 });
  });
  after(() => cluster.stop());

  it('keeps newer copies already on the target and replaces older ones', async () => {
    const n = cluster.addresses;
    const settings = { servers: n.slice(0, 3), newServers: n.slice(0, 4) };
    const target = n[3] as string;
    const clients = new ClusterClients();
    try {
      const items = makeDataset({ seed: 11, count: 2000 });
      await writeThroughView(
        computeStoreView({ servers: settings.servers, newServers: [] }),
        items,
        clients,
      );
      // Keys the target must receive: put a newer copy of some and an older copy of others there.
      const view = computeStoreView(settings);
      const incoming = items.filter((item) => {
        const vbucket = view.vbuckets[vbucketOfKey(item.key)];
        return (
          vbucket?.newReplicas?.includes(target) === true &&
          !vbucket.currentReplicas.includes(target)
        );
      });
      const newer = incoming
        .filter((_, i) => i % 3 === 0)
        .map((item) => ({ ...item, value: Buffer.from('newer'), stamp: item.stamp + 5 }));
      const older = incoming
        .filter((_, i) => i % 3 === 1)
        .map((item) => ({ ...item, value: Buffer.from('older'), stamp: item.stamp - 5 }));
      const equal = incoming
        .filter((_, i) => i % 3 === 2)
        .slice(0, 50)
        .map((item) => ({ ...item, value: Buffer.from('same time') }));
      const targetClient = await clients.get(target);
      for (const item of [...newer, ...older, ...equal]) {
        await targetClient.set(item.key, item.value, {
          clientFlags: item.stamp,
          exptime: 0,
          mode: 'set',
        });
      }

      const summary = await new ResyncJob({ target, settings, full: false, connect }).run();
      assert.ok(summary.isComplete);
      assert.equal(
        summary.counts.skippedNewer,
        newer.length + equal.length,
        'newer copies, and copies of the same time with another value, kept',
      );
      assert.equal(summary.counts.alreadyThere, 0, 'no copy on the target was the same');
      assert.equal(summary.counts.replaced, older.length, 'older copies replaced');

      // On the target: each incoming key as the source had it, except the newer copies, kept.
      const name = (item: TestItem) => item.key.toString('latin1');
      const kept = new Map(newer.map((item) => [name(item), item]));
      const equalNames = new Set(equal.map(name));
      const expected = incoming
        .filter((item) => !equalNames.has(name(item)))
        .map((item) => kept.get(name(item)) ?? item);
      const placement = await checkPlacement(
        { servers: [target], newServers: [] },
        expected,
        clients,
      );
      assert.deepEqual(placement.wrong.slice(0, 10), []);
      assert.equal(placement.checked, expected.length);
      for (const item of equal) {
        const copy = await targetClient.get(item.key);
        assert.equal(copy?.value?.toString(), 'same time', 'an equal timestamp is not older');
      }
    } finally {
      await clients.close();
    }
  });

  it('leaves every key with its newest write while clients write during the resync', async () => {
    const n = cluster.addresses;
    const settings = { servers: n.slice(0, 3), newServers: n.slice(0, 4) };
    const clients = new ClusterClients();
    try {
      await flushAll(clients, n);
      const items = makeDataset({ seed: 12, count: 4000, valueSizes: [100, 1000] });
      await writeThroughView(
        computeStoreView({ servers: settings.servers, newServers: [] }),
        items,
        clients,
      );
      const newest = new Map<string, TestItem>(
        items.map((item) => [item.key.toString('latin1'), item]),
      );

      // A writer following the resize's write sets, as the clients do once they have reloaded.
      const resizeView = computeStoreView(settings);
      const next = random(99);
      let stamp = 10_000_000;
      let writes = 0;
      let writing = true;
      const writer = (async () => {
        while (writing) {
          const round: TestItem[] = [];
          for (let i = 0; i < 50; i++) {
            const base = items[Math.floor(next() * items.length)] as TestItem;
            const update = { ...base, value: Buffer.from(`update ${stamp}`), stamp: stamp++ };
            round.push(update);
            newest.set(update.key.toString('latin1'), update);
          }
          await writeThroughView(resizeView, round, clients);
          writes += round.length;
        }
      })();

      // A low rate stretches the resync so that the writer overlaps it for a good while.
      const summary = await new ResyncJob({
        target: n[3] as string,
        settings,
        full: false,
        connect,
        rateLimit: 400_000,
      }).run();
      writing = false;
      await writer;
      assert.ok(summary.isComplete);
      assert.ok(writes >= 500, `the writer overlapped the resync (${writes} writes)`);
      assert.ok(summary.counts.skippedNewer > 0, 'some keys were already newer on the target');

      const placement = await checkPlacement(settings, [...newest.values()], clients);
      assert.deepEqual(placement.wrong.slice(0, 10), []);
      assert.equal((await verifyResize({ settings, connect })).isClean, true);
    } finally {
      await clients.close();
    }
  });
});
