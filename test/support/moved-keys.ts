/**
 * Keys lost on a node that joined a cluster, as a joining node loses them when it is restarted
 * (or flushed) after its resync: the state step 4's verify exists to catch.
 */
import type { ClusterSettings } from '../../core/cluster/cluster-settings.js';
import { computeStoreView } from '../../core/cluster/store-view.js';
import { vbucketOfKey } from '../../core/cluster/vbucket-hash.js';
import { ClusterClients, type TestItem } from './cluster-data.js';

/**
 * Deletes on `node` the first `count` of `items` that moved to it in the resize `settings`
 * describes (it will hold their vbucket and did not before). Returns those items, and their
 * vbuckets in order.
 * @throws when fewer than `count` items moved there, or one was not there to delete.
 */
export async function deleteMovedKeys(
  settings: ClusterSettings,
  node: string,
  items: readonly TestItem[],
  count: number,
): Promise<{ deleted: TestItem[]; vbuckets: number[] }> {
  const view = computeStoreView(settings);
  const moved = items.filter((item) => {
    const allocation = view.vbuckets[vbucketOfKey(item.key)];
    return (
      allocation?.newReplicas?.includes(node) === true && !allocation.currentReplicas.includes(node)
    );
  });
  if (moved.length < count) {
    throw new Error(`only ${moved.length} of the items moved to ${node}; ${count} were asked for`);
  }
  const deleted = moved.slice(0, count);
  const clients = new ClusterClients();
  try {
    const client = await clients.get(node);
    for (const item of deleted) {
      const outcome = await client.delete(item.key);
      if (outcome !== 'deleted') throw new Error(`${node} did not hold a moved key: ${outcome}`);
    }
  } finally {
    await clients.close();
  }
  const vbuckets = [...new Set(deleted.map((item) => vbucketOfKey(item.key)))].sort(
    (a, b) => a - b,
  );
  return { deleted, vbuckets };
}
