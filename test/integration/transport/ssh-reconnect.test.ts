/**
 * A resync through SSH survives the SSH server crashing mid-stream: the connections drop, the
 * engine waits, reconnects when sshd is back, and streams the unfinished vbuckets again; nothing is
 * reported done that was not streamed to the end, and every key arrives.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import SSHConfig from 'ssh-config';
import { vbucketOfKey } from '../../../core/cluster/vbucket-hash.js';
import { computeStoreView } from '../../../core/cluster/store-view.js';
import { ResyncJob, type VbucketState } from '../../../core/resync/resync-engine.js';
import { profileConnector } from '../../../core/transport/profile-connector.js';
import {
  ClusterClients,
  checkPlacement,
  makeDataset,
  writeThroughView,
} from '../../support/cluster-data.js';
import { startCluster } from '../../support/memcached-process.js';
import {
  NO_PROMPTS,
  makeClientKeys,
  startSshd,
  profileThroughSshd,
} from '../../support/sshd-process.js';

describe('SSH reconnection', () => {
  it('finishes a resync after sshd crashes mid-stream and comes back', async () => {
    const cluster = await startCluster(4);
    const keys = makeClientKeys();
    const sshd = await startSshd(keys);
    const clients = new ClusterClients();
    try {
      const n = cluster.addresses;
      const settings = { servers: n.slice(0, 3), newServers: n };
      const items = makeDataset({ seed: 61, count: 3000, valueSizes: [1500] });
      await writeThroughView(
        computeStoreView({ servers: settings.servers, newServers: [] }),
        items,
        clients,
      );

      const { profile, remove } = profileThroughSshd(sshd, keys, n, 'reconnect.profile.json');
      const connector = profileConnector(profile, {
        sshConfig: new SSHConfig(),
        ssh: { prompts: NO_PROMPTS, agentSocket: '' },
      });

      const notices: string[] = [];
      const history = new Map<number, VbucketState['state'][]>();
      let crashed = false;
      let estimate = 0;
      const job = new ResyncJob({
        target: n[3] as string,
        settings,
        full: false,
        connect: connector.connect,
        rateLimit: 400_000,
        tuning: { reconnectDelayMs: 300 },
        observer: {
          onEstimate: (keys) => (estimate = keys),
          onNotice: (message) => notices.push(message),
          onVbucketState: (vbucket, state) =>
            history.set(vbucket, [...(history.get(vbucket) ?? []), state.state]),
          onThroughput: (_, totals) => {
            const moved = totals.find((t) => t.role === 'target')?.keys ?? 0;
            if (!crashed && moved > 200) {
              crashed = true;
              void sshd.crash().then(() => setTimeout(() => void sshd.restart(), 500));
            }
          },
        },
      });
      const summary = await job.run().finally(() => {
        connector.close();
        remove();
      });

      assert.ok(crashed, 'sshd crashed while the resync streamed');
      assert.ok(summary.isComplete, JSON.stringify(summary.error ?? summary.failed.slice(0, 3)));
      assert.ok(
        notices.some((m) => /unfinished vbuckets again/.test(m)),
        notices.join('\n'),
      );
      // Vbuckets interrupted went back to pending before they were done: never done twice, never
      // done before their last stream.
      for (const [vbucket, states] of history) {
        assert.equal(states.at(-1), 'done', `vbucket ${vbucket}`);
        assert.equal(states.filter((s) => s === 'done').length, 1, `vbucket ${vbucket} done once`);
      }
      assert.ok(
        [...history.values()].some((states) => states.filter((s) => s === 'streaming').length > 1),
        'some vbuckets were streamed again',
      );
      // The streams started again are not more keys to move: the estimate stays near the keys of
      // the worklist (it is sampled from the sources' item counts, so not exact).
      const worklist = job.worklist();
      const expected = items.filter((item) => worklist.has(vbucketOfKey(item.key))).length;
      assert.ok(
        estimate > 0.7 * expected && estimate < 1.3 * expected,
        `estimated ${estimate} keys; the worklist holds ${expected}`,
      );
      const placement = await checkPlacement(settings, items, clients);
      assert.deepEqual(placement.wrong.slice(0, 5), []);
    } finally {
      await clients.close();
      await sshd.stop();
      await cluster.stop();
    }
  });
});
