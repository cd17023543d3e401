/**
 * Verification of a resize: every key on a current replica must be on each of its vbucket's new
 * replicas with an equal or newer timestamp. Each current server is dumped once; its keys are
 * checked in batches against the new replicas. With `repair`, what is missing or stale is streamed
 * from the server where it was found, by the same inject rule as the resync (never replacing newer
 * data). With no resize in progress, the replicas of each vbucket are checked against each other.
 */
import { toErrorPayload, type ErrorPayload } from '../errors.js';
import type { ClusterSettings } from '../cluster/cluster-settings.js';
import { computeStoreView, type StoreViewOptions } from '../cluster/store-view.js';
import type { NodeClient } from '../memcached/node-client.js';
import type { NodeConnector } from '../transport/node-connector.js';
import { forEachDumpBatch, type DumpedKey } from './dump-batches.js';
import { RestartWatch } from './node-process.js';
import { fetchSourceItems, injectItems } from './inject.js';
import { emptyCounts, type ResyncCounts } from './resync-counts.js';
import { DEFAULT_TUNING, type StreamTuning } from './source-stream.js';
import { isNewerStamp } from './timestamp.js';
import { getOrCreate } from '../util/get-or-create.js';

export interface VerifyOptions extends StoreViewOptions {
  readonly settings: ClusterSettings;
  readonly connect: NodeConnector;
  readonly repair?: boolean;
  readonly signal?: AbortSignal;
  readonly tuning?: Partial<StreamTuning>;
  readonly onNotice?: (message: string) => void;
  /** Called after each batch with the running number of keys checked. */
  readonly onProgress?: (checkedKeys: number) => void;
}

export interface VbucketVerification {
  readonly vbucket: number;
  /** Key copies checked: one per key and new replica. */
  checked: number;
  missing: number;
  stale: number;
  repaired: number;
}

export interface VerifyReport {
  readonly checked: number;
  readonly missing: number;
  readonly stale: number;
  readonly repaired: number;
  /** Only vbuckets where something was missing or stale. */
  readonly problems: readonly VbucketVerification[];
  /** Nodes that could not be checked (or checked against), and why. */
  readonly failures: readonly { readonly node: string; readonly error: ErrorPayload }[];
  /** True when every key was checked and nothing is left missing or stale. */
  readonly isClean: boolean;
}

export async function verifyResize(options: VerifyOptions): Promise<VerifyReport> {
  const view = computeStoreView(options.settings, options);
  const tuning = { ...DEFAULT_TUNING, ...options.tuning };
  const signal = options.signal ?? new AbortController().signal;
  const perVbucket = new Map<number, VbucketVerification>();
  const failures: { node: string; error: ErrorPayload }[] = [];
  let checkedKeys = 0;

  const statsFor = (vbucket: number) =>
    getOrCreate(perVbucket, vbucket, () => ({
      vbucket,
      checked: 0,
      missing: 0,
      stale: 0,
      repaired: 0,
    }));
  // For each vbucket, the replicas that must hold its keys once the resize is over.
  const futureOf = (vbucket: number) => {
    const allocation = view.vbuckets[vbucket];
    return allocation === undefined
      ? []
      : [...new Set(allocation.newReplicas ?? allocation.currentReplicas)];
  };

  // Every connection is checked against the process first met at its node: a node restarted
  // during the check (or dead at the end of its TAP dump) fails instead of passing as checked.
  const connect = new RestartWatch(options.connect).connector;
  const checks: Checks = {
    futureOf,
    statsFor,
    repair: options.repair === true,
    found: new Set<string>(),
  };
  const holders = [...new Set(view.vbuckets.flatMap((v) => v.currentReplicas))];
  await Promise.all(
    holders.map(async (source) => {
      const wanted = new Set(
        view.vbuckets
          .filter(
            (v) => v.currentReplicas.includes(source) && futureOf(v.id).some((r) => r !== source),
          )
          .map((v) => v.id),
      );
      if (wanted.size === 0) return;
      // Promises, not clients, are cached: concurrent batches asking for the same node at once
      // must share one connection, not race to open several.
      const clients = new Map<string, Promise<NodeClient>>();
      const open = (node: string, purpose: string) =>
        getOrCreate(clients, `${node} ${purpose}`, () => connect(node, purpose));
      try {
        const dump = await open(source, 'verify dump');
        const fetch = await open(source, 'verify fetch');
        await forEachDumpBatch({
          dump,
          confirmDumpEnd: async () => (await connect(source, 'verify dump end check')).close(),
          vbucketCount: view.vbuckets.length,
          isWanted: (vbucket) => wanted.has(vbucket),
          batchSize: tuning.batchSize,
          batchesInFlight: tuning.batchesInFlight,
          crawlerBusyTimeoutMs: tuning.crawlerBusyTimeoutMs,
          signal,
          ...(options.onNotice === undefined ? {} : { onNotice: options.onNotice }),
          processBatch: async (keys) => {
            checkedKeys += await checkBatch(keys, source, fetch, open, checks);
            options.onProgress?.(checkedKeys);
          },
        });
      } catch (error) {
        signal.throwIfAborted();
        failures.push({ node: source, error: toErrorPayload(error) });
      } finally {
        const opened = await Promise.allSettled(clients.values());
        for (const result of opened) if (result.status === 'fulfilled') result.value.close();
      }
    }),
  );

  let checked = 0;
  let missing = 0;
  let stale = 0;
  let repaired = 0;
  for (const stats of perVbucket.values()) {
    checked += stats.checked;
    missing += stats.missing;
    stale += stats.stale;
    repaired += stats.repaired;
  }
  const problems = [...perVbucket.values()]
    .filter((v) => v.missing > 0 || v.stale > 0)
    .sort((a, b) => a.vbucket - b.vbucket);
  const unrepaired = missing + stale - repaired;
  return {
    checked,
    missing,
    stale,
    repaired,
    problems,
    failures,
    isClean: failures.length === 0 && unrepaired === 0,
  };
}

/** What every batch of a verification shares. */
interface Checks {
  /** The replicas that must hold a vbucket's keys once the resize is over. */
  readonly futureOf: (vbucket: number) => string[];
  readonly statsFor: (vbucket: number) => VbucketVerification;
  readonly repair: boolean;
  /**
   * Missing or stale copies found so far, as `replica key-hex`: a key held by two current
   * replicas is checked from both, and a copy found missing is counted (and repaired) once.
   */
  readonly found: Set<string>;
}

/** Checks one batch of a source's keys on their new replicas; returns the key copies checked. */
async function checkBatch(
  keys: readonly DumpedKey[],
  source: string,
  fetch: NodeClient,
  open: (node: string, purpose: string) => Promise<NodeClient>,
  checks: Checks,
): Promise<number> {
  const atSource = await fetch.getMany(
    keys.map((k) => k.key),
    { clientFlags: true },
  );
  // Group the keys still on the source by the replica that must also hold them.
  const byReplica = new Map<string, { key: DumpedKey; stamp: number }[]>();
  keys.forEach((key, index) => {
    const stamp = atSource[index]?.clientFlags;
    if (stamp === undefined) return; // gone from the source since the dump: nothing to check
    for (const replica of checks.futureOf(key.vbucket)) {
      if (replica !== source) getOrCreate(byReplica, replica, () => []).push({ key, stamp });
    }
  });

  let checked = 0;
  for (const [replica, entries] of byReplica) {
    const client = await open(replica, 'verify check');
    const there = await client.getMany(
      entries.map((e) => e.key.key),
      { clientFlags: true },
    );
    const toRepair: { key: DumpedKey; stamp: number }[] = [];
    entries.forEach(({ key, stamp }, index) => {
      const stats = checks.statsFor(key.vbucket);
      stats.checked++;
      checked++;
      const copy = there[index];
      const isMissing = copy === undefined;
      if (!isMissing && !isNewerStamp(stamp, copy.clientFlags ?? 0)) return;
      const name = `${replica} ${key.key.toString('hex')}`;
      if (checks.found.has(name)) return;
      checks.found.add(name);
      if (isMissing) stats.missing++;
      else stats.stale++;
      toRepair.push({ key, stamp });
    });
    if (checks.repair && toRepair.length > 0) {
      await repairKeys(toRepair, fetch, await open(replica, 'verify repair'), checks.statsFor);
    }
  }
  return checked;
}

async function repairKeys(
  entries: readonly { key: DumpedKey; stamp: number }[],
  fetch: NodeClient,
  target: NodeClient,
  statsFor: (vbucket: number) => VbucketVerification,
): Promise<void> {
  // An item a TAP dump carried is as old as the dump: repair only with one that is still the
  // source's current copy (its stamp as just read). Any other stays counted unrepaired, for a
  // resync or another verify to mend, rather than be written as a copy older than the source's.
  const keys = entries
    .filter(({ key, stamp }) => key.item === undefined || key.item.clientFlags === stamp)
    .map(({ key }) => key);
  const { items } = await fetchSourceItems(fetch, keys);
  const counts = new Map<number, ResyncCounts>();
  await injectItems(target, items, (vbucket) => getOrCreate(counts, vbucket, emptyCounts));
  for (const [vbucket, c] of counts) {
    // A key found newer (or the same copy) on the target meanwhile needed no repair: it is fixed
    // all the same.
    statsFor(vbucket).repaired += c.added + c.replaced + c.skippedNewer + c.alreadyThere;
  }
}
