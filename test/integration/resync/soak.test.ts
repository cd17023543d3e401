/**
 * Soak: a cluster resized 3 -> 4 -> 3 over and over for minutes (ASTAIRE_SOAK_SECONDS, default
 * 150), with writers on during every resize and the resyncs running in this process. After each
 * resize every new replica must hold each key's newest write; across the cycles this process's
 * memory and open file descriptors must stay flat.
 *
 * Between cycles some keys are rewritten through the 3-node view, so the node that left keeps
 * older copies of them; when it rejoins, the resync must replace those leftovers (an older item on
 * the target is replaced, a newer one never is).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClusterSettings } from '../../../core/cluster/cluster-settings.js';
import { computeStoreView } from '../../../core/cluster/store-view.js';
import { vbucketOfKey } from '../../../core/cluster/vbucket-hash.js';
import { ResyncJob, type ResyncSummary } from '../../../core/resync/resync-engine.js';
import { isNewerStamp, stampNow } from '../../../core/resync/timestamp.js';
import { directConnector } from '../../../core/transport/node-connector.js';
import {
  ClusterClients,
  flushAll,
  makeDataset,
  writeThroughView,
  type TestItem,
} from '../../support/cluster-data.js';
import { recordFigures } from '../../support/figures.js';
import {
  WriterPool,
  checkNewestOnReplicas,
  type ExpectedItem,
  type NewestCheck,
} from '../../support/live-traffic.js';
import { startCluster, type MemcachedCluster } from '../../support/memcached-process.js';
import {
  sampleProcessUsage,
  slopePerStep,
  type ProcessUsage,
} from '../../support/process-usage.js';

const connect = directConnector();

const SOAK_SECONDS = soakSeconds();
/** Whatever the duration: one warm-up cycle and one to compare it with. */
const MIN_CYCLES = 2;
const KEYS = 3000;
const VALUE_BYTES = 500;
// Bytes per second into each target, so that each resize lasts a few seconds. The limiter lets a
// second's worth go at once; a 3 -> 4 resize moves about 0.65 MB to the new node, a 4 -> 3 one about
// 0.2 MB to each node that stays.
const GROW_RATE_LIMIT = 150_000;
const SHRINK_RATE_LIMIT = 60_000;
const WRITERS = 8;
const WRITES_PER_SECOND = 300;
/** Keys rewritten through the 3-node view after each cycle, while the fourth node is out. */
const REWRITTEN_KEYS = 600;

function soakSeconds(): number {
  const text = process.env.ASTAIRE_SOAK_SECONDS;
  if (text === undefined || text === '') return 150;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new Error(`ASTAIRE_SOAK_SECONDS must be a positive number of seconds, not "${text}"`);
  }
  return seconds;
}

interface ResizeFigures {
  readonly summaries: readonly ResyncSummary[];
  readonly writesDuringRun: number;
  readonly runMs: number;
}

const MB = 1024 * 1024;
const mb = (bytes: number) => (bytes / MB).toFixed(2);
// Measured here (heapUsed + external after a full GC): about 12.6 MB after cycle 1, settling near
// 13.8 MB by cycle 5 (Buffer pools and connection buffers reaching their steady size), then flat
// to within 0.15 MB over 22 cycles. So 4 MB of growth is three times the settling, and a least-
// squares slope over cycles 2.. of 0.25 MB per cycle is twice what the settling alone gives in a
// 40 s run (6 cycles): a leak of 1 MB per cycle fails both in a default run, the slope in any run
// of four cycles or more.
const MEMORY_GROWTH_LIMIT = 4 * MB;
const MIN_CYCLES_FOR_SLOPE = 4;
const MEMORY_SLOPE_LIMIT = 0.25 * MB;

describe('soak: 3 -> 4 -> 3 resizes over and over with writers on', () => {
  let cluster: MemcachedCluster;
  let three: string[];
  let four: string[];

  before(async () => {
    cluster = await startCluster(4);
    four = cluster.addresses.slice(0, 4);
    three = four.slice(0, 3);
  });
  after(() => cluster.stop());

  // Seeds the keys through the 3-node view, a minute older than any write the test makes.
  async function seed(): Promise<TestItem[]> {
    const clients = new ClusterClients();
    try {
      await flushAll(clients, cluster.addresses);
      const olderStamp = stampNow(Date.now() - 60_000);
      const items = makeDataset({ seed: 71, count: KEYS, valueSizes: [VALUE_BYTES] }).map(
        (item) => ({ ...item, stamp: olderStamp }),
      );
      await writeThroughView(computeStoreView({ servers: three, newServers: [] }), items, clients);
      return items;
    } finally {
      await clients.close();
    }
  }

  // Resyncs every node of new_servers at once while writers write through the resize view.
  async function resizeUnder(
    settings: ClusterSettings,
    rateLimit: number,
    keys: readonly Buffer[],
    seedNumber: number,
    newest: Map<string, ExpectedItem>,
  ): Promise<ResizeFigures> {
    const writers = new WriterPool({
      view: computeStoreView(settings),
      keys,
      writers: WRITERS,
      writesPerSecond: WRITES_PER_SECOND,
      valueSize: VALUE_BYTES,
      seed: seedNumber,
    });
    writers.start();
    let summaries: ResyncSummary[];
    let writesDuringRun: number;
    let runMs: number;
    try {
      // Let the writers settle into their rate before the resync starts.
      await sleep(300);
      const writesBefore = writers.stats().writes;
      const startedAt = performance.now();
      summaries = await Promise.all(
        [...new Set(settings.newServers)].map((target) =>
          new ResyncJob({ target, settings, full: false, connect, rateLimit }).run(),
        ),
      );
      runMs = performance.now() - startedAt;
      writesDuringRun = writers.stats().writes - writesBefore;
      await sleep(300);
    } finally {
      const stats = await writers.stop();
      for (const [id, write] of writers.newestWrites()) newest.set(id, write);
      assert.equal(stats.errors, 0, `writer errors, first: ${stats.firstError ?? ''}`);
    }
    for (const summary of summaries) {
      assert.ok(summary.isComplete, `${summary.target}: ${JSON.stringify(summary.failed)}`);
      assert.equal(summary.unconfirmedKeys, 0, `${summary.target}: keys left unconfirmed`);
    }
    return { summaries, writesDuringRun, runMs };
  }

  // Every key's newest version on each of its replicas under the view after the resize.
  async function checkNewReplicas(
    settings: ClusterSettings,
    newest: ReadonlyMap<string, ExpectedItem>,
  ): Promise<NewestCheck> {
    const check = await checkNewestOnReplicas(
      computeStoreView({ servers: settings.newServers, newServers: [] }),
      newest.values(),
      connect,
    );
    const resize = `${settings.servers.length} -> ${settings.newServers.length}`;
    // Each key has two new replicas.
    assert.equal(check.checked, KEYS * 2, `${resize}: copies checked`);
    assert.equal(check.lost, 0, `${resize}: ${check.examples.join('\n')}`);
    assert.equal(check.stale, 0, `${resize}: ${check.examples.join('\n')}`);
    assert.equal(check.wrong, 0, `${resize}: ${check.examples.join('\n')}`);
    return check;
  }

  // Writes `keys` anew through the 3-node view: the fourth node, out now, keeps older copies.
  async function rewriteWithoutFourth(
    keys: readonly Buffer[],
    newest: Map<string, ExpectedItem>,
    seedNumber: number,
  ): Promise<void> {
    const fresh = makeDataset({ seed: seedNumber, count: keys.length, valueSizes: [VALUE_BYTES] });
    const items = keys.map((key, i): TestItem => {
      const previous = newest.get(key.toString('hex'));
      let stamp = stampNow();
      if (previous !== undefined && !isNewerStamp(stamp, previous.stamp)) {
        stamp = (previous.stamp + 1) % 0x1_0000_0000;
      }
      return { key, value: (fresh[i] as TestItem).value, stamp, exptime: 0 };
    });
    const clients = new ClusterClients();
    try {
      await writeThroughView(computeStoreView({ servers: three, newServers: [] }), items, clients);
    } finally {
      await clients.close();
    }
    for (const item of items) newest.set(item.key.toString('hex'), item);
  }

  // Copies on `node` older than the key's newest version, among the keys it will hold in `view`.
  async function olderCopiesOn(
    node: string,
    settings: ClusterSettings,
    newest: ReadonlyMap<string, ExpectedItem>,
  ): Promise<number> {
    const view = computeStoreView(settings);
    const held = [...newest.values()].filter((item) =>
      view.vbuckets[vbucketOfKey(item.key, view.vbuckets.length)]?.newReplicas?.includes(node),
    );
    const client = await connect(node, 'test leftovers');
    try {
      let older = 0;
      for (let i = 0; i < held.length; i += 500) {
        const slice = held.slice(i, i + 500);
        const found = await client.getMany(
          slice.map((item) => item.key),
          { clientFlags: true },
        );
        slice.forEach((item, index) => {
          const flags = found[index]?.clientFlags;
          if (flags !== undefined && isNewerStamp(item.stamp, flags)) older++;
        });
      }
      return older;
    } finally {
      client.close();
    }
  }

  function reportUsage(t: TestContext, usage: readonly ProcessUsage[]): void {
    t.diagnostic(`heapUsed MB per cycle: ${usage.map((u) => mb(u.heapUsed)).join(' ')}`);
    t.diagnostic(`external MB per cycle: ${usage.map((u) => mb(u.external)).join(' ')}`);
    t.diagnostic(`rss MB per cycle: ${usage.map((u) => mb(u.rss)).join(' ')}`);
    t.diagnostic(`open fds per cycle: ${usage.map((u) => u.fds).join(' ')}`);
  }

  it(
    'every new replica holds the newest writes, and memory and descriptors stay flat',
    { timeout: (SOAK_SECONDS + 300) * 1000 },
    async (t) => {
      const startedAt = performance.now();
      const items = await seed();
      const keys = items.map((item) => item.key);
      const grow: ClusterSettings = { servers: three, newServers: four };
      const shrink: ClusterSettings = { servers: four, newServers: three };
      const joining = four[3] as string;
      const newest = new Map<string, ExpectedItem>(
        items.map((item) => [item.key.toString('hex'), item]),
      );
      const usage: ProcessUsage[] = [];
      let writes = 0;
      let keysChecked = 0;
      let olderLeftovers = 0;
      let leftoversReplaced = 0;
      let resizes = 0;
      let keysLost = 0;
      let keysStale = 0;

      const deadline = startedAt + SOAK_SECONDS * 1000;
      for (let cycle = 1; cycle <= MIN_CYCLES || performance.now() < deadline; cycle++) {
        const leftovers = cycle === 1 ? 0 : await olderCopiesOn(joining, grow, newest);
        olderLeftovers += leftovers;
        const figures: ResizeFigures[] = [];
        for (const [settings, rateLimit] of [
          [grow, GROW_RATE_LIMIT],
          [shrink, SHRINK_RATE_LIMIT],
        ] as const) {
          // A different third of the keys is written during each resize.
          const written = keys.filter((_, i) => i % 3 === resizes % 3);
          const resize = await resizeUnder(settings, rateLimit, written, 100 + resizes, newest);
          const check = await checkNewReplicas(settings, newest);
          keysLost += check.lost;
          keysStale += check.stale;
          resizes++;
          writes += resize.writesDuringRun;
          keysChecked += KEYS;
          figures.push(resize);
        }
        const replaced = (figures[0] as ResizeFigures).summaries.find((s) => s.target === joining)
          ?.counts.replaced;
        leftoversReplaced += replaced ?? 0;
        const first = ((cycle - 1) * REWRITTEN_KEYS) % KEYS;
        await rewriteWithoutFourth(keys.slice(first, first + REWRITTEN_KEYS), newest, 1000 + cycle);

        const sample = await sampleProcessUsage();
        usage.push(sample);
        t.diagnostic(
          `cycle ${cycle}: 3 -> 4 in ${Math.round(figures[0]?.runMs ?? 0)} ms, ` +
            `4 -> 3 in ${Math.round(figures[1]?.runMs ?? 0)} ms; writes during the resyncs ` +
            `${figures.reduce((sum, f) => sum + f.writesDuringRun, 0)}; older leftovers on ` +
            `${joining} before it rejoined ${leftovers}, replaced ${replaced ?? 0}; heapUsed ` +
            `${mb(sample.heapUsed)} MB, external ${mb(sample.external)} MB, fds ${sample.fds}`,
        );
        for (const resize of figures) {
          assert.ok(resize.runMs >= 1000, 'each resync ran long enough for writes to race it');
          assert.ok(resize.writesDuringRun >= 100, 'the writers wrote during each resync');
        }
      }

      const cycles = usage.length;
      t.diagnostic(
        `${cycles} cycles (${resizes} resizes) in ${Math.round((performance.now() - startedAt) / 1000)} s; ` +
          `writes ${writes}; keys checked ${keysChecked}; older leftovers found on the rejoining ` +
          `node ${olderLeftovers}, replaced by its resyncs ${leftoversReplaced}`,
      );
      reportUsage(t, usage);

      // The rejoining node did hold older copies, and its resyncs replaced them (then the checks
      // above found none stale).
      assert.ok(olderLeftovers > 0, 'the rejoining node held older copies of some keys');
      assert.ok(leftoversReplaced > 0, 'the resyncs replaced older copies on the rejoining node');

      // Cycle 1 warms up (connection pools, JIT, lazily built tables); later cycles must not add.
      const warm = usage[0] as ProcessUsage;
      const last = usage[cycles - 1] as ProcessUsage;
      assert.ok(
        last.fds <= warm.fds + 2,
        `open descriptors grew from ${warm.fds} after cycle 1 to ${last.fds} after cycle ${cycles}`,
      );
      // JS memory: the V8 heap and the Buffers outside it, where a leaked value or chunk would be
      // (a leaked Buffer barely shows in heapUsed). RSS is printed, not asserted: it follows the
      // allocator's arenas more than what the process holds.
      const memory = usage.map((u) => u.heapUsed + u.external);
      const growth = (memory[cycles - 1] as number) - (memory[0] as number);
      assert.ok(
        growth < MEMORY_GROWTH_LIMIT,
        `JS memory grew ${mb(growth)} MB from cycle 1 to cycle ${cycles}`,
      );
      if (cycles >= MIN_CYCLES_FOR_SLOPE) {
        const slope = slopePerStep(memory.slice(1));
        t.diagnostic(`JS memory slope over cycles 2..${cycles}: ${mb(slope)} MB per cycle`);
        assert.ok(slope < MEMORY_SLOPE_LIMIT, `JS memory grows ${mb(slope)} MB per cycle`);
      }

      recordFigures('soak: 3 -> 4 -> 3', { writes, keysChecked, keysLost, keysStale });
    },
  );
});
