/**
 * The frame of a fault scenario under live writers: seed a 3 -> 4 resize, keep clients writing
 * through the resize view while the resync of the new node runs (and a fault is injected), then
 * check that every new replica holds each key's newest write.
 *
 * A write that a faulted node did not take (it was stopped) is not on that node, and a resync of
 * another target never puts it there. checkNewestOnReplicas knows nothing of the writes' failed
 * nodes (it expects the newest write everywhere), so such keys are checked here instead when a
 * scenario asks: strictly on the replicas that took the newest write, and on a replica that refused
 * it only for being there and not newer (counted as excused). A scenario that resyncs the faulted
 * node itself afterwards checks every copy strictly: the resync must have repaired it.
 */
import assert from 'node:assert/strict';
import type { ClusterSettings } from '../../core/cluster/cluster-settings.js';
import { computeStoreView, type StoreView } from '../../core/cluster/store-view.js';
import { vbucketOfKey } from '../../core/cluster/vbucket-hash.js';
import type { ResyncSummary } from '../../core/resync/resync-engine.js';
import { isNewerStamp, stampNow } from '../../core/resync/timestamp.js';
import { directConnector, type NodeConnector } from '../../core/transport/node-connector.js';
import { ClusterClients, makeDataset, seedCluster, type TestItem } from './cluster-data.js';
import {
  WriterPool,
  checkNewestOnReplicas,
  type ExpectedItem,
  type NewestWrite,
  type WriterStats,
} from './live-traffic.js';

/** Settings of a 3 -> 4 resize of `nodes` (the first three hold the data, the fourth joins). */
export function resizeSettings(nodes: readonly string[]): ClusterSettings {
  return { servers: nodes.slice(0, 3), newServers: nodes.slice(0, 4) };
}

/**
 * Empties every node and seeds `count` keys through the old view, a minute older than any write
 * the writers make.
 */
export async function seedResize(
  settings: ClusterSettings,
  seed: number,
  count: number,
  valueBytes: number,
): Promise<TestItem[]> {
  const clients = new ClusterClients(directConnector({ timeoutMs: 5000 }));
  try {
    const olderStamp = stampNow(Date.now() - 60_000);
    const items = makeDataset({ seed, count, valueSizes: [valueBytes] }).map((item) => ({
      ...item,
      stamp: olderStamp,
    }));
    const nodes = [...new Set([...settings.servers, ...settings.newServers])];
    await seedCluster(clients, nodes, settings.servers, items);
    return items;
  } finally {
    await clients.close();
  }
}

// Pools started and not yet stopped: a scenario that fails midway must not leave writers behind,
// which would go on writing to its addresses after its nodes are gone (and into whatever test
// claims those addresses next).
const running = new Set<WriterPool>();

/** Writers on every other seeded key, through the resize view, started and settled. */
export async function startWriters(
  settings: ClusterSettings,
  items: readonly TestItem[],
  seed: number,
  options: {
    readonly writesPerSecond?: number;
    readonly valueSize?: number;
    readonly connect?: NodeConnector;
  } = {},
): Promise<WriterPool> {
  const writers = new WriterPool({
    view: computeStoreView(settings),
    keys: items.filter((_, i) => i % 2 === 0).map((item) => item.key),
    writers: 8,
    writesPerSecond: options.writesPerSecond ?? 300,
    seed,
    ...(options.valueSize === undefined ? {} : { valueSize: options.valueSize }),
    ...(options.connect === undefined ? {} : { connect: options.connect }),
  });
  writers.start();
  running.add(writers);
  // Let the writers settle into their rate before the fault scenario starts.
  await pause(300);
  return writers;
}

/** Starts stopped writers again; their newest writes so far still count. */
export function restartWriters(writers: WriterPool): void {
  writers.start();
  running.add(writers);
}

/** Stops the writers a moment after the run, so writes racing its end are in. */
export async function stopWriters(writers: WriterPool): Promise<WriterStats> {
  await pause(300);
  running.delete(writers);
  return writers.stop();
}

/** Stops every pool still running (for afterEach: a failed scenario skips its own stop). */
export async function stopLeftWriters(): Promise<void> {
  const left = [...running];
  running.clear();
  await Promise.all(left.map((writers) => writers.stop()));
}

/** What the new replicas held once the resize and its faults were over. */
export interface ResizeCheck {
  /** Keys looked at (each on its two new replicas). */
  readonly keys: number;
  /** Copies looked at: two per key. */
  readonly copies: number;
  readonly lost: number;
  readonly stale: number;
  readonly wrong: number;
  /**
   * Copies on a node that refused the key's newest write (it was stopped): present and not newer
   * than the newest write, but allowed to be older.
   */
  readonly excused: number;
  readonly examples: readonly string[];
}

/**
 * Checks every new replica of every seeded key against the key's newest version. With
 * `excuseRefusedWrites`, a copy on a node that refused the key's newest write need only be present
 * and not newer (see the file comment); without, every copy must be the newest.
 */
export async function checkAfterResize(
  settings: ClusterSettings,
  items: readonly TestItem[],
  writers: WriterPool,
  options: { readonly excuseRefusedWrites?: boolean } = {},
): Promise<ResizeCheck> {
  const after = computeStoreView({ servers: settings.newServers, newServers: [] });
  const connect = directConnector({ timeoutMs: 5000 });
  const newest = writers.newestWrites();
  const strict: ExpectedItem[] = [];
  const refused: NewestWrite[] = [];
  for (const item of items) {
    const write = newest.get(item.key.toString('hex'));
    if (write === undefined) strict.push(item);
    else if (options.excuseRefusedWrites === true && write.failedNodes.length > 0)
      refused.push(write);
    else strict.push(write);
  }
  const check = await checkNewestOnReplicas(after, strict, connect);
  const partial = await checkRefused(after, refused, connect);
  return {
    keys: items.length,
    copies: check.checked + partial.copies,
    lost: check.lost + partial.lost,
    stale: check.stale + partial.stale,
    wrong: check.wrong + partial.wrong,
    excused: partial.excused,
    examples: [...check.examples, ...partial.examples],
  };
}

// The keys whose newest write some node refused: strict on the nodes that took it, presence only
// on those that refused it.
async function checkRefused(
  view: StoreView,
  writes: readonly NewestWrite[],
  connect: NodeConnector,
): Promise<Omit<ResizeCheck, 'keys'>> {
  const counts = { copies: 0, lost: 0, stale: 0, wrong: 0, excused: 0 };
  const examples: string[] = [];
  const perNode = new Map<string, NewestWrite[]>();
  for (const write of writes) {
    const vbucket = view.vbuckets[vbucketOfKey(write.key, view.vbuckets.length)];
    for (const node of new Set(vbucket?.currentReplicas ?? [])) {
      perNode.set(node, [...(perNode.get(node) ?? []), write]);
    }
  }
  for (const [node, list] of perNode) {
    const client = await connect(node, 'test check');
    try {
      const found = await client.getMany(
        list.map((write) => write.key),
        { value: true, clientFlags: true },
      );
      list.forEach((write, index) => {
        counts.copies++;
        const copy = found[index];
        const name = `${node} ${write.key.toString('latin1')}`;
        const isRefused = write.failedNodes.includes(node);
        if (copy?.clientFlags === undefined) {
          counts.lost++;
          if (examples.length < 10) examples.push(`${name}: missing`);
        } else if (isNewerStamp(copy.clientFlags, write.stamp)) {
          counts.wrong++;
          if (examples.length < 10) examples.push(`${name}: newer than any write`);
        } else if (isRefused) {
          counts.excused++;
        } else if (copy.clientFlags !== write.stamp) {
          counts.stale++;
          if (examples.length < 10) examples.push(`${name}: stamp ${copy.clientFlags}`);
        } else if (copy.value?.equals(write.value) !== true) {
          counts.wrong++;
          if (examples.length < 10) examples.push(`${name}: other bytes`);
        }
      });
    } finally {
      client.close();
    }
  }
  return { ...counts, examples };
}

/** Fails unless no copy was lost, older than its newest write, or other bytes. */
export function assertNewestEverywhere(check: ResizeCheck): void {
  assert.equal(check.lost, 0, check.examples.join('\n'));
  assert.equal(check.stale, 0, check.examples.join('\n'));
  assert.equal(check.wrong, 0, check.examples.join('\n'));
}

/** Keys added (or replaced as older) on the target by these runs. */
export function keysMoved(summaries: readonly ResyncSummary[]): number {
  return summaries.reduce((sum, s) => sum + s.counts.added, 0);
}

/** Resolves once `predicate` holds (polled every 20 ms), or rejects after `timeoutMs`. */
export async function until(
  predicate: () => boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(20);
  }
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
