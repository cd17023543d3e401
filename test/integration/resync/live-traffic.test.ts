/**
 * A 3 -> 4 resize on real memcached while clients keep writing through the resize view (CAS
 * writes with their time in the flags) and reading the moving keys hard: afterwards every new
 * replica must hold each key's newest write, none lost and none older.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { ClusterSettings } from '../../../core/cluster/cluster-settings.js';
import { computeStoreView } from '../../../core/cluster/store-view.js';
import { vbucketOfKey } from '../../../core/cluster/vbucket-hash.js';
import { ResyncJob, type ResyncSummary } from '../../../core/resync/resync-engine.js';
import { directConnector } from '../../../core/transport/node-connector.js';
import type { TestItem } from '../../support/cluster-data.js';
import {
  ReaderPool,
  WriterPool,
  checkNewestOnReplicas,
  type ExpectedItem,
} from '../../support/live-traffic.js';
import { startCluster, type MemcachedCluster } from '../../support/memcached-process.js';
import { recordFigures } from '../../support/figures.js';
import { seedResize } from '../../support/resize-under-traffic.js';

const connect = directConnector();

const KEYS = 2000;
const VALUE_BYTES = 1000;
// Bytes per second into each target: the new node takes about 0.7 MB, so the run lasts some 4 s.
const RATE_LIMIT = 150_000;
const WRITES_PER_SECOND = 300;

interface RunFigures {
  readonly summaries: readonly ResyncSummary[];
  readonly writesDuringRun: number;
  readonly runMs: number;
}

describe('clients writing and reading during a 3 -> 4 resize', () => {
  let cluster: MemcachedCluster;
  let settings: ClusterSettings;

  before(async () => {
    cluster = await startCluster(4);
    const n = cluster.addresses;
    settings = { servers: n.slice(0, 3), newServers: n.slice(0, 4) };
  });
  after(() => cluster.stop());

  // Seeds the keys through the old view, a minute older than any write the test makes.
  const seed = (seedNumber: number) => seedResize(settings, seedNumber, KEYS, VALUE_BYTES);

  // Resyncs every node of new_servers at once while `writers` write, and counts their writes.
  async function resizeUnder(writers: WriterPool): Promise<RunFigures> {
    writers.start();
    // Let the writers settle into their rate before the resync starts.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const writesBefore = writers.stats().writes;
    const startedAt = performance.now();
    const summaries = await Promise.all(
      [...new Set(settings.newServers)].map((target) =>
        new ResyncJob({ target, settings, full: false, connect, rateLimit: RATE_LIMIT }).run(),
      ),
    );
    const runMs = performance.now() - startedAt;
    const writesDuringRun = writers.stats().writes - writesBefore;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stats = await writers.stop();
    assert.equal(stats.errors, 0, `writer errors, first: ${stats.firstError ?? ''}`);
    for (const summary of summaries) {
      assert.ok(summary.isComplete, `${summary.target}: ${JSON.stringify(summary.failed)}`);
      assert.equal(summary.unconfirmedKeys, 0, `${summary.target}: keys left unconfirmed`);
    }
    return { summaries, writesDuringRun, runMs };
  }

  // Every key's newest version: the writers' newest write, or the seeded item if never written.
  function expectedAfter(items: readonly TestItem[], writers: WriterPool): ExpectedItem[] {
    const newest = writers.newestWrites();
    return items.map((item) => newest.get(item.key.toString('hex')) ?? item);
  }

  async function checkNewReplicas(
    t: TestContext,
    expected: readonly ExpectedItem[],
    figures: RunFigures,
    scenario: string,
    reads?: number,
  ): Promise<void> {
    const check = await checkNewestOnReplicas(
      computeStoreView({ servers: settings.newServers, newServers: [] }),
      expected,
      connect,
    );
    const added = figures.summaries.reduce((sum, s) => sum + s.counts.added, 0);
    const skippedNewer = figures.summaries.reduce((sum, s) => sum + s.counts.skippedNewer, 0);
    const raced = figures.summaries.reduce((sum, s) => sum + s.counts.raced, 0);
    t.diagnostic(
      `run ${Math.round(figures.runMs)} ms; writes during the run ${figures.writesDuringRun}; ` +
        `resync added ${added}, skipped as older ${skippedNewer}, raced ${raced}`,
    );
    t.diagnostic(
      `keys ${expected.length}, copies checked ${check.checked}; lost ${check.lost}, ` +
        `older than the newest write ${check.stale}, other bytes ${check.wrong}`,
    );
    assert.ok(figures.runMs >= 1500, 'the resync ran long enough for writes to race it');
    assert.ok(figures.writesDuringRun >= 200, 'the writers wrote during the resync');
    assert.ok(added > 0, 'the resync moved keys');
    // Each key has two new replicas.
    assert.equal(check.checked, expected.length * 2);
    assert.equal(check.lost, 0, check.examples.join('\n'));
    assert.equal(check.stale, 0, check.examples.join('\n'));
    assert.equal(check.wrong, 0, check.examples.join('\n'));
    recordFigures(scenario, {
      writes: figures.writesDuringRun,
      ...(reads === undefined ? {} : { reads }),
      keysChecked: expected.length,
      keysLost: check.lost,
      keysStale: check.stale,
    });
  }

  it('writers: every new replica holds the newest write of every key', async (t) => {
    const items = await seed(21);
    const view = computeStoreView(settings);
    // Half the keys are written during the resize; the rest reach the new node only by the resync.
    const written = items.filter((_, i) => i % 2 === 0).map((item) => item.key);
    const writers = new WriterPool({
      view,
      keys: written,
      writers: 8,
      writesPerSecond: WRITES_PER_SECOND,
      seed: 21,
    });
    const figures = await resizeUnder(writers);
    await checkNewReplicas(t, expectedAfter(items, writers), figures, 'live traffic: writers');
  });

  it('readers reading the moving keys hard leave no key behind on the new replicas', async (t) => {
    const items = await seed(22);
    const view = computeStoreView(settings);
    const moving = items
      .filter((item) => view.vbuckets[vbucketOfKey(item.key)]?.isMoving === true)
      .map((item) => item.key);
    assert.ok(moving.length > KEYS / 4, 'a 3 -> 4 resize moves many keys');
    const writers = new WriterPool({
      view,
      keys: items.filter((_, i) => i % 2 === 0).map((item) => item.key),
      writers: 8,
      writesPerSecond: WRITES_PER_SECOND,
      seed: 22,
    });
    const readers = new ReaderPool({ view, keys: moving, readers: 4, seed: 22 });
    readers.start();
    let figures: RunFigures;
    try {
      figures = await resizeUnder(writers);
    } finally {
      await readers.stop();
    }
    const reading = readers.stats();
    assert.equal(reading.errors, 0, `reader errors, first: ${reading.firstError ?? ''}`);
    const passes = figures.summaries.flatMap((s) => s.passes);
    t.diagnostic(
      `reads ${reading.reads} (hits ${reading.hits}); dump passes ${passes.length}, ` +
        `keys found missing after a first pass ${passes.reduce((sum, p) => sum + (p.pass > 1 ? p.missing : 0), 0)}`,
    );
    assert.ok(reading.reads > moving.length, 'the readers read the moving keys over and over');
    await checkNewReplicas(
      t,
      expectedAfter(items, writers),
      figures,
      'live traffic: writers and readers',
      reading.reads,
    );
  });
});
