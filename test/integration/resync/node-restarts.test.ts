/**
 * Nodes killed with SIGKILL mid-stream and restarted empty, while clients keep writing through the
 * resize view. A restarted memcached answers on the same address with nothing in it: a resync that
 * only reconnected would stream an empty source to the end (its vbuckets "done" with no keys), or
 * go on filling a target that has lost what it was sent and then write its tag record. Both must be
 * caught: the source's vbuckets go to their backup replica; the target's run fails saying so, and a
 * full resync restores it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { ClusterSettings } from '../../../core/cluster/cluster-settings.js';
import { computeStoreView } from '../../../core/cluster/store-view.js';
import { ResyncJob, type ResyncSummary } from '../../../core/resync/resync-engine.js';
import { readTagRecord } from '../../../core/resync/tag-record.js';
import { directConnector } from '../../../core/transport/node-connector.js';
import { ClusterClients, type TestItem } from '../../support/cluster-data.js';
import { recordFigures } from '../../support/figures.js';
import { WriterPool } from '../../support/live-traffic.js';
import {
  assertNewestEverywhere,
  checkAfterResize,
  seedResize,
  type ResizeCheck,
} from '../../support/resize-under-traffic.js';
import {
  startCluster,
  type MemcachedCluster,
  type MemcachedProcess,
} from '../../support/memcached-process.js';

const connect = directConnector({ timeoutMs: 2000, connectTimeoutMs: 2000 });
// Retries after a lost connection: 0.2, 0.4, 0.8, 1.6 s, time enough for a restart to answer.
const tuning = { reconnectDelayMs: 200 };
const KEYS = 3000;
// The target takes some 0.9 MB: the run lasts about 6 s, and the kill comes in its first seconds.
const RATE_LIMIT = 150_000;

describe('nodes restarted empty mid-resync, under writers', () => {
  let cluster: MemcachedCluster;
  let settings: ClusterSettings;
  let target: string;

  before(async () => {
    cluster = await startCluster(4, { memoryMb: 128 });
    const n = cluster.addresses;
    settings = { servers: n.slice(0, 3), newServers: n.slice(0, 4) };
    target = n[3] as string;
  });
  after(() => cluster.stop());

  const seed = (seedNumber: number) => seedResize(settings, seedNumber, KEYS, 600);

  function writersFor(items: readonly TestItem[], seedNumber: number): WriterPool {
    return new WriterPool({
      view: computeStoreView(settings),
      keys: items.filter((_, i) => i % 3 === 0).map((item) => item.key),
      writers: 6,
      writesPerSecond: 250,
      seed: seedNumber,
      connect,
    });
  }

  // A resync of `target` that kills `victim` with SIGKILL once `victim` has moved some keys (as a
  // source) or taken some (as the target), and starts it again empty at once.
  function killedMidStream(
    victim: MemcachedProcess,
    full: boolean,
  ): { job: ResyncJob; restarted: () => Promise<void>; notices: string[] } {
    const notices: string[] = [];
    let restart: Promise<void> | undefined;
    const job = new ResyncJob({
      target,
      settings,
      full,
      connect,
      tuning,
      rateLimit: RATE_LIMIT,
      observer: {
        onNotice: (message) => notices.push(message),
        onThroughput: (_, totals) => {
          const moved = totals.find((t) => t.node === victim.address)?.keys ?? 0;
          if (restart === undefined && moved > 100) {
            victim.signal('SIGKILL');
            restart = victim.restart();
          }
        },
      },
    });
    return {
      job,
      notices,
      restarted: async () => {
        assert.ok(restart !== undefined, `${victim.address} was killed while it streamed`);
        await restart;
      },
    };
  }

  async function checkEveryNewReplica(
    t: TestContext,
    items: readonly TestItem[],
    writers: WriterPool,
  ): Promise<ResizeCheck> {
    const check = await checkAfterResize(settings, items, writers);
    t.diagnostic(
      `keys ${check.keys}, copies ${check.copies}: lost ${check.lost}, stale ${check.stale}`,
    );
    assert.equal(check.copies, items.length * 2);
    assertNewestEverywhere(check);
    return check;
  }

  function fullResync(node: string): Promise<ResyncSummary> {
    return new ResyncJob({ target: node, settings, full: true, connect, tuning }).run();
  }

  // Runs `scenario` with writers on, and stops them whatever happens (a failed assertion too).
  async function underWriters(
    items: readonly TestItem[],
    seedNumber: number,
    scenario: () => Promise<void>,
  ): Promise<{ writers: WriterPool; writes: number }> {
    const writers = writersFor(items, seedNumber);
    writers.start();
    try {
      await scenario();
    } finally {
      await writers.stop();
    }
    return { writers, writes: writers.stats().writes };
  }

  it('a source restarted empty: its vbuckets finish from their backup replicas', async (t) => {
    const items = await seed(31);
    const victim = cluster.nodes[0] as MemcachedProcess;
    const { writers, writes } = await underWriters(items, 31, async () => {
      const { job, restarted, notices } = killedMidStream(victim, false);
      const summary = await job.run();
      await restarted();
      const source = summary.sources.find((s) => s.node === victim.address);
      t.diagnostic(`${victim.address}: ${source?.failure ?? 'no failure'}`);
      assert.ok(summary.isComplete, JSON.stringify(summary.failed.slice(0, 3)));
      assert.match(source?.failure ?? '', /restarted during the resync/);
      assert.ok(
        notices.some((n) => n.includes('go to their next replica')),
        notices.join('\n'),
      );
      // The restarted source lost its own copies too: the remedy is a full resync of it.
      const refill = await fullResync(victim.address);
      assert.ok(refill.isComplete, JSON.stringify(refill.failed.slice(0, 3)));
    });
    assert.ok(writes >= 100, `the writers wrote during the runs (${writes} writes)`);
    const check = await checkEveryNewReplica(t, items, writers);
    recordFigures('restart: a source killed and restarted empty', {
      writes,
      keysChecked: check.keys,
      keysLost: check.lost,
      keysStale: check.stale,
      faults: 1,
    });
  });

  it('a target restarted empty: the run fails saying so, and a full resync restores it', async (t) => {
    const items = await seed(32);
    const victim = cluster.nodes[3] as MemcachedProcess;
    const { writers, writes } = await underWriters(items, 32, async () => {
      const { job, restarted, notices } = killedMidStream(victim, false);
      const summary = await job.run();
      await restarted();
      assert.equal(summary.isComplete, false);
      assert.equal(summary.tagWritten, false);
      assert.equal(summary.error?.code, 'NODE_RESTARTED', JSON.stringify(summary.error));
      assert.equal(summary.done, 0, 'nothing streamed before the restart counts as done');
      // Vbuckets streamed before the kill were lost with it; the others could not be streamed.
      assert.equal(summary.failed.length, summary.vbuckets);
      const otherReasons = summary.failed.filter(
        (f) => !/restarted during the resync/.test(f.reason),
      );
      assert.deepEqual(otherReasons, []);
      assert.ok(
        notices.some((n) => /restarted during the resync: everything it held is gone/.test(n)),
        notices.join('\n'),
      );
      const clients = new ClusterClients(connect);
      try {
        assert.equal(await readTagRecord(await clients.get(target)), undefined);
        const refill = await fullResync(target);
        assert.ok(refill.isComplete, JSON.stringify(refill.failed.slice(0, 3)));
        assert.ok(refill.tagWritten);
        assert.equal((await readTagRecord(await clients.get(target)))?.full, true);
      } finally {
        await clients.close();
      }
    });
    assert.ok(writes >= 100, `the writers wrote during the runs (${writes} writes)`);
    const check = await checkEveryNewReplica(t, items, writers);
    recordFigures('restart: the target killed and restarted empty', {
      writes,
      keysChecked: check.keys,
      keysLost: check.lost,
      keysStale: check.stale,
      faults: 1,
    });
  });
});
