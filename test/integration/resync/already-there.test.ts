/**
 * What a resync counts when the target already holds some of the keys it is sent: the same copy
 * (same timestamp, same value) is "already there", a newer copy is "skipped (newer)", an older one
 * is replaced, and the rule that decides (add when absent, replace by CAS only when older) is the
 * same whatever is counted. On stock memcached and on the server that plays Clearwater's fork,
 * whose binary gets return the value, so that it is compared byte for byte there.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { computeStoreView } from '../../../core/cluster/store-view.js';
import { vbucketOfKey } from '../../../core/cluster/vbucket-hash.js';
import { ResyncJob } from '../../../core/resync/resync-engine.js';
import { directConnector } from '../../../core/transport/node-connector.js';
import {
  ClusterClients,
  makeDataset,
  writeThroughView,
  type TestItem,
} from '../../support/cluster-data.js';
import {
  startCluster,
  type MemcachedCluster,
  type MemcachedKind,
} from '../../support/memcached-process.js';

const connect = directConnector();

for (const kind of ['stock', 'clearwater-test-server'] as const satisfies MemcachedKind[]) {
  describe(`already there and newer, counted apart (${kind})`, () => {
    let cluster: MemcachedCluster;
    before(async () => {
      cluster = await startCluster(4, { kind });
    });
    after(() => cluster.stop());

    it('counts identical copies as already there and newer ones as newer, exactly', async () => {
      const n = cluster.addresses;
      const settings = { servers: n.slice(0, 3), newServers: n.slice(0, 4) };
      const target = n[3] as string;
      const clients = new ClusterClients();
      try {
        // Values of 100 bytes: a copy "of another value with the same length" can be made.
        const items = makeDataset({ seed: 15, count: 1500, valueSizes: [100] });
        await writeThroughView(
          computeStoreView({ servers: settings.servers, newServers: [] }),
          items,
          clients,
        );
        const view = computeStoreView(settings);
        const incoming = items.filter((item) => {
          const vbucket = view.vbuckets[vbucketOfKey(item.key)];
          return (
            vbucket?.newReplicas?.includes(target) === true &&
            !vbucket.currentReplicas.includes(target)
          );
        });
        const share = (k: number) => incoming.filter((_, i) => i % 6 === k);
        const identical = share(0);
        const newer = share(1).map((item) => ({
          ...item,
          value: Buffer.from('written after the source copy'),
          stamp: item.stamp + 5,
        }));
        // Same stamp, a value of another length: not the same copy, in either dialect.
        const otherLength = share(2).map((item) => ({ ...item, value: Buffer.from('other') }));
        // Same stamp, other bytes of the same length: only the binary dialect sees the bytes.
        const sameLength = share(3).map((item) => ({
          ...item,
          value: Buffer.from(item.value.map((byte) => byte ^ 0xff)),
        }));
        const older = share(4).map((item) => ({
          ...item,
          value: Buffer.from('written before the source copy'),
          stamp: item.stamp - 5,
        }));
        const onTarget = [...identical, ...newer, ...otherLength, ...sameLength, ...older];
        await writeThroughView(
          computeStoreView({ servers: [target], newServers: [] }),
          onTarget,
          clients,
        );

        const summary = await new ResyncJob({ target, settings, full: false, connect }).run();
        assert.ok(summary.isComplete);
        const bytesSeen = kind === 'stock' ? 0 : sameLength.length;
        const counts = summary.counts;
        assert.ok(identical.length > 20 && newer.length > 20 && sameLength.length > 20);
        assert.deepEqual(
          {
            added: counts.added,
            replaced: counts.replaced,
            alreadyThere: counts.alreadyThere,
            skippedNewer: counts.skippedNewer,
            raced: counts.raced,
          },
          {
            added: incoming.length - onTarget.length,
            replaced: older.length,
            // Stock memcached is asked for the length only (inject.ts says why).
            alreadyThere: identical.length + sameLength.length - bytesSeen,
            skippedNewer: newer.length + otherLength.length + bytesSeen,
            raced: 0,
          },
        );

        // The rule is unchanged: every copy that was not older is as the target held it.
        const name = (item: TestItem) => item.key.toString('latin1');
        const expected = new Map(incoming.map((item) => [name(item), item]));
        for (const item of [...newer, ...otherLength, ...sameLength])
          expected.set(name(item), item);
        const targetClient = await clients.get(target);
        const keys = [...expected.values()].map((item) => item.key);
        const held = await targetClient.getMany(keys, { value: true, clientFlags: true });
        const wrong = [...expected.values()].filter((item, i) => {
          const copy = held[i];
          return copy?.clientFlags !== item.stamp || copy.value?.equals(item.value) !== true;
        });
        assert.deepEqual(wrong.map(name).slice(0, 10), []);
      } finally {
        await clients.close();
      }
    });
  });
}
