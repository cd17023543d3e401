/**
 * Sample data for the demo cluster, written as Clearwater's clients write: each key to every
 * replica of its vbucket, with the writer's time in the client flags.
 */
import { computeStoreView } from '../cluster/store-view.js';
import { vbucketOfKey } from '../cluster/vbucket-hash.js';
import type { ClusterSettings } from '../cluster/cluster-settings.js';
import type { SetRequest } from '../memcached/client.js';
import type { NodeConnector } from '../transport/node-connector.js';
import { stampNow } from '../resync/timestamp.js';

/** Writes `count` sample keys (registration-like records, 50 B to 2 KB) through the current view. */
export async function loadSampleData(
  settings: ClusterSettings,
  count: number,
  connect: NodeConnector,
): Promise<void> {
  const view = computeStoreView({ servers: settings.servers, newServers: [] });
  const perNode = new Map<string, SetRequest[]>();
  const stamp = stampNow();
  for (let i = 0; i < count; i++) {
    const key = Buffer.from(`impi\\\\demo-user-${i}@example.com`, 'latin1');
    const value = Buffer.from(
      `<registration user="${i}">`.padEnd(50 + ((i * 37) % 1950), '.'),
      'latin1',
    );
    for (const node of new Set(view.vbuckets[vbucketOfKey(key)]?.writeSet)) {
      const list = perNode.get(node) ?? [];
      list.push({ key, value, options: { clientFlags: stamp, exptime: 0, mode: 'set' } });
      perNode.set(node, list);
    }
  }
  await Promise.all(
    [...perNode].map(async ([node, requests]) => {
      const client = await connect(node, 'demo load');
      try {
        for (let i = 0; i < requests.length; i += 1000)
          await client.setManyQuiet(requests.slice(i, i + 1000));
      } finally {
        client.close();
      }
    }),
  );
}
