/**
 * A paused resync on nodes that drop idle connections (memcached's idle_timeout, as a firewall or
 * NAT would): while paused nothing reaches the target, the connections are kept in use, and the
 * resync completes after the pause without restarting any stream.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { ResyncJob, type ResyncSummary } from '../../../core/resync/resync-engine.js';
import { directConnector } from '../../../core/transport/node-connector.js';
import {
  ClusterClients,
  checkPlacement,
  seedCluster,
  makeDataset,
} from '../../support/cluster-data.js';
import { startCluster, type MemcachedCluster } from '../../support/memcached-process.js';

const connect = directConnector({ timeoutMs: 2000, connectTimeoutMs: 2000 });
// memcached closes a connection idle for this many seconds (its conn-timeout thread checks about
// once a second, so a connection goes after 2 to 3 s of silence).
const IDLE_TIMEOUT_S = 2;

describe('a paused resync', () => {
  let cluster: MemcachedCluster;

  before(async () => {
    cluster = await startCluster(3, { extraArgs: ['-o', `idle_timeout=${IDLE_TIMEOUT_S}`] });
  });
  after(() => cluster.stop());

  /**
   * The target's write counters, on a connection of its own (an idle one would be dropped). Not
   * curr_items: the LRU crawler reclaims flushed items on its own, so it may fall at any time.
   */
  async function targetWrites(target: string): Promise<number> {
    const client = await connect(target, 'test');
    try {
      const stats = await client.stats();
      return Number(stats.get('cmd_set')) + Number(stats.get('total_items'));
    } finally {
      client.close();
    }
  }

  async function pausedRun(idlePingMs: number): Promise<{
    summary: ResyncSummary;
    notices: string[];
    checkTarget: () => Promise<void>;
  }> {
    const n = cluster.addresses;
    const settings = { servers: n.slice(0, 2), newServers: n };
    const target = n[2]!;
    const items = makeDataset({ seed: 81, count: 4000, valueSizes: [1000] });
    const clients = new ClusterClients(connect);
    try {
      await seedCluster(clients, n, settings.servers, items);
    } finally {
      await clients.close();
    }
    const notices: string[] = [];
    const job = new ResyncJob({
      target,
      settings,
      full: false,
      connect,
      // About 2 MB to move at 512 KiB/s: the pause lands mid-stream.
      rateLimit: 512 * 1024,
      tuning: { idlePingMs, reconnectDelayMs: 20 },
      observer: { onNotice: (message) => notices.push(message) },
    });
    const before = await targetWrites(target);
    const running = job.run();
    for (let tries = 0; (await targetWrites(target)) < before + 200; tries++) {
      assert.ok(tries < 200, 'the resync did not start streaming');
      await sleep(50);
    }
    await job.pause();
    assert.equal(job.isPaused, true);
    const paused = await targetWrites(target);
    // Long enough for memcached to drop every connection left silent.
    await sleep((IDLE_TIMEOUT_S + 2.5) * 1000);
    assert.equal(await targetWrites(target), paused, 'nothing reached the target while paused');
    job.resume();
    const summary = await running;
    const checkTarget = async () => {
      const check = new ClusterClients(connect);
      try {
        const placement = await checkPlacement(settings, items, check, n.slice(0, 2));
        assert.deepEqual(placement.wrong.slice(0, 5), []);
      } finally {
        await check.close();
      }
    };
    return { summary, notices, checkTarget };
  }

  it('keeps its connections in use while paused, and completes without restarting a stream', async () => {
    const { summary, notices, checkTarget } = await pausedRun(500);
    assert.ok(summary.isComplete, JSON.stringify(summary.failed));
    await checkTarget();
    assert.equal(summary.tagWritten, true);
    assert.ok((summary.pausedMs ?? 0) >= (IDLE_TIMEOUT_S + 2.5) * 1000 - 50);
    assert.deepEqual(
      notices.filter((m) => /again|failed|lost|closed/.test(m)),
      [],
    );
  });

  it('without the pings, the silent connections are dropped', async () => {
    // The control: shows the nodes really drop idle connections, which the pings prevent. What the
    // drop then costs depends on which connection memcached closed first: a source's stream starts
    // again, while a dropped target connection fails the vbuckets it carried (seen in CI).
    const { summary, notices } = await pausedRun(600_000);
    const isRestarted = notices.some((m) => /streaming .* again/.test(m));
    const isDropSeen = summary.failed.some((f) => /connection was closed/.test(f.reason));
    assert.ok(
      isRestarted || isDropSeen,
      `no dropped connection was seen: ${JSON.stringify({ notices, failed: summary.failed })}`,
    );
  });
});
