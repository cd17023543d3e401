/**
 * The dump pipeline on Clearwater's memcached: a TAP dump's items reach the batches whole, only
 * those of the wanted vbuckets, and a dump is trusted only once its end is confirmed (a node that
 * died or restarted mid-dump also ends it with a clean close).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { vbucketOfKey } from '../../../core/cluster/vbucket-hash.js';
import { ProtocolError } from '../../../core/errors.js';
import { forEachDumpBatch, type DumpedKey } from '../../../core/resync/dump-batches.js';
import { directConnector } from '../../../core/transport/node-connector.js';
import { ClusterClients, makeDataset, seedCluster } from '../../support/cluster-data.js';
import { startMemcached, type MemcachedProcess } from '../../support/memcached-process.js';

const connect = directConnector({ timeoutMs: 5000 });

describe('TAP dumps through the dump pipeline (the test fork)', () => {
  let node: MemcachedProcess;
  const items = makeDataset({ seed: 480, count: 3000, valueSizes: [10, 500] });
  before(async () => {
    node = await startMemcached({ kind: 'clearwater-test-server' });
    const clients = new ClusterClients(connect);
    try {
      await seedCluster(clients, [node.address], [node.address], items);
    } finally {
      await clients.close();
    }
  });
  after(() => node.stop());

  const dumpWith = async (confirmDumpEnd: () => Promise<void>) => {
    const batches: DumpedKey[][] = [];
    const listed = await forEachDumpBatch({
      dump: await connect(node.address, 'dump'),
      confirmDumpEnd,
      vbucketCount: 128,
      isWanted: (vbucket) => vbucket < 64,
      batchSize: 100,
      batchesInFlight: 4,
      crawlerBusyTimeoutMs: 1000,
      signal: new AbortController().signal,
      processBatch: async (batch) => {
        batches.push([...batch]);
      },
    });
    return { listed, keys: batches.flat() };
  };

  it("hands on the wanted vbuckets' items whole, once the dump's end is confirmed", async () => {
    let isConfirmed = false;
    const { listed, keys } = await dumpWith(async () => {
      isConfirmed = true;
    });
    assert.ok(isConfirmed);
    const wanted = items.filter((item) => vbucketOfKey(item.key) < 64);
    assert.equal(listed, wanted.length);
    assert.equal(keys.length, wanted.length);
    const byKey = new Map(wanted.map((item) => [item.key.toString('hex'), item]));
    for (const key of keys) {
      const item = byKey.get(key.key.toString('hex'));
      assert.ok(item !== undefined && key.item !== undefined);
      assert.ok(key.item.value.equals(item.value));
      assert.equal(key.item.clientFlags, item.stamp);
    }
  });

  it('fails the dump when its end cannot be confirmed (the node died or restarted)', async () => {
    const restarted = new ProtocolError('NODE_RESTARTED', 'restarted during the resync', {
      node: node.address,
    });
    await assert.rejects(
      dumpWith(() => Promise.reject(restarted)),
      (error) => error === restarted,
    );
  });
});
