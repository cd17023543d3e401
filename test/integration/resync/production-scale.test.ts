/**
 * The suite at production scale (issue 16, item 12): a 3 -> 4 resize of 200,000 keys of 1-4 KB
 * while writers keep 2,000 Clearwater-rule writes a second going through the resize view and
 * readers read every key's read set, then 4 -> 3 back the same way. After each, every key is
 * checked on every one of its new replicas: nothing lost, nothing older than its newest write.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { ClusterSettings } from '../../../core/cluster/cluster-settings.js';
import { computeStoreView } from '../../../core/cluster/store-view.js';
import { stampNow } from '../../../core/resync/timestamp.js';
import { directConnector } from '../../../core/transport/node-connector.js';
import {
  ClusterClients,
  makeDataset,
  seedCluster,
  type TestItem,
} from '../../support/cluster-data.js';
import { writeSettingsFile } from '../../support/cli-harness.js';
import { runAstaire, type ProcessRun } from '../../support/cli-process.js';
import { recordFigures } from '../../support/figures.js';
import { ReaderPool, WriterPool } from '../../support/live-traffic.js';
import { startCluster, type MemcachedCluster } from '../../support/memcached-process.js';
import {
  assertNewestEverywhere,
  checkAfterResize,
  pause,
} from '../../support/resize-under-traffic.js';

const KEYS = 200_000;
const VALUE_SIZES = [1024, 2048, 3072, 4096];
const WRITES_PER_SECOND = 2000;
// About 1 GB of copies over three nodes, with room for slab overhead: no node may evict.
const MEMORY_MB = 1024;
const connect = directConnector({ timeoutMs: 10_000, connectTimeoutMs: 5000 });

describe('a resize at production scale under writers and readers', () => {
  let cluster: MemcachedCluster;
  let three: string[];
  let four: string[];
  let items: TestItem[];

  before(async () => {
    cluster = await startCluster(4, { memoryMb: MEMORY_MB });
    four = [...cluster.addresses];
    three = four.slice(0, 3);
    // A minute older than any write the writers make, so every write is newer than its seed.
    const olderStamp = stampNow(Date.now() - 60_000);
    items = makeDataset({ seed: 16, count: KEYS, valueSizes: VALUE_SIZES }).map((item) => ({
      ...item,
      stamp: olderStamp,
    }));
    const clients = new ClusterClients(connect);
    try {
      await seedCluster(clients, four, three, items);
    } finally {
      await clients.close();
    }
  });
  after(() => cluster?.stop());

  // Resyncs every node of new_servers at once under writers and readers; returns the keys with
  // their newest writes, for the next phase and its check.
  async function resizeUnder(
    t: TestContext,
    name: string,
    settings: ClusterSettings,
    seed: number,
  ): Promise<TestItem[]> {
    const view = computeStoreView(settings);
    const keys = items.map((item) => item.key);
    const writers = new WriterPool({
      view,
      keys: keys.filter((_, index) => index % 4 === seed % 4),
      writers: 256,
      writesPerSecond: WRITES_PER_SECOND,
      valueSize: 2048,
      seed,
      connect,
    });
    const readers = new ReaderPool({ view, keys, readers: 2, seed, connect });
    writers.start();
    readers.start();
    // The resize runs as an operator runs it, `astaire resize` in a process of its own, so that
    // the writers and readers of this process are not starved by it (nor it by them).
    const file = writeSettingsFile(
      `servers=${settings.servers.join(',')}\nnew_servers=${settings.newServers.join(',')}\n`,
    );
    let run: ProcessRun;
    let seconds: number;
    let writesDuring: number;
    try {
      await pause(300);
      const writesBefore = writers.stats().writes;
      const started = performance.now();
      run = await runAstaire(['resize', '--settings', file, '--parallel', '4', '--json']);
      seconds = (performance.now() - started) / 1000;
      writesDuring = writers.stats().writes - writesBefore;
      await pause(300);
    } finally {
      await readers.stop();
      await writers.stop();
    }
    assert.equal(run.status, 0, run.stderr);
    // The writers were at work while the resize ran (how fast is a figure, printed below).
    assert.ok(writesDuring >= 500, `${writesDuring} writes while the resize ran`);
    const summaries = summariesOf(run.stdout);
    assert.equal(summaries.length, new Set(settings.newServers).size, 'a summary per new server');
    const writerStats = writers.stats();
    const readerStats = readers.stats();
    assert.equal(writerStats.errors, 0, writerStats.firstError);
    assert.equal(readerStats.errors, 0, readerStats.firstError);
    for (const summary of summaries) {
      assert.ok(summary.isComplete, `${summary.target} complete`);
      assert.equal(summary.targetEvictions, 0, `${summary.target} evicted`);
    }
    const check = await checkAfterResize(settings, items, writers);
    const moved = summaries.reduce((sum, summary) => sum + summary.counts.keys, 0);
    t.diagnostic(
      `${name}: ${seconds.toFixed(1)} s, ${moved} keys moved into ${summaries.length} nodes; ` +
        `writes ${writerStats.writes} (${(writesDuring / seconds).toFixed(0)}/s while it ran), ` +
        `reads ${readerStats.reads}; ` +
        `copies checked ${check.copies}: lost ${check.lost}, older ${check.stale}`,
    );
    assert.equal(check.copies, KEYS * 2, 'every key checked on both its new replicas');
    assertNewestEverywhere(check);
    recordFigures(`scale: ${name}, 200,000 keys of 1-4 KB`, {
      writes: writerStats.writes,
      reads: readerStats.reads,
      keysChecked: check.keys,
      keysLost: check.lost,
      keysStale: check.stale,
    });
    // The next phase starts from each key's newest write.
    const newest = writers.newestWrites();
    return items.map((item) => {
      const write = newest.get(item.key.toString('hex'));
      return write === undefined ? item : { ...item, value: write.value, stamp: write.stamp };
    });
  }

  it('3 -> 4 and back to 3: every key on every new replica, none lost or older', async (t) => {
    items = await resizeUnder(t, '3 -> 4', { servers: three, newServers: four }, 1);
    items = await resizeUnder(t, '4 -> 3', { servers: four, newServers: three }, 2);
  });
});

interface SummaryLine {
  readonly target: string;
  readonly isComplete: boolean;
  readonly targetEvictions: number;
  readonly counts: { readonly keys: number };
}

/** The per-node summaries of `astaire resize --json` (its lines whose event is "summary"). */
function summariesOf(stdout: string): SummaryLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { event?: string } & SummaryLine)
    .filter((line) => line.event === 'summary');
}
