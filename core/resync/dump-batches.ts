/**
 * The pipeline every whole-node pass shares (resync, verify): dump a node's keys, keep those of
 * the wanted vbuckets, and hand them on in batches, with at most `batchesInFlight` batches under
 * way. Stock memcached's keys come from its LRU crawler (`lru_crawler metadump`); Clearwater's
 * memcached has no crawler, and its items come whole from a TAP dump (tap-dump.ts). The dump
 * itself is never slowed down: memcached would stall its clients meanwhile. Keys waiting for a
 * batch are held in memory up to a limit and on disk beyond, so memory stays bounded whatever the
 * number of keys. Astaire's own records are never handed on.
 */
import { CrawlerBusyError, DumpRefusedError, type MemcachedClient } from '../memcached/client.js';
import type { DumpEntry } from '../memcached/decode.js';
import type { NodeClient } from '../memcached/node-client.js';
import { vbucketOfKey } from '../cluster/vbucket-hash.js';
import { untilAborted } from '../util/abortable.js';
import { sleep } from '../util/sleep.js';
import { SpillingKeyQueue, type QueuedKey } from './spilling-key-queue.js';
import { isAstaireRecord } from './tag-record.js';
import { tapDumpItems } from './tap-dump.js';

/** A key of a wanted vbucket as a dump listed it; with its item when the dump carried it (TAP). */
export type DumpedKey = QueuedKey;

export interface DumpBatchOptions {
  /** A client used for nothing else while the dump runs. */
  readonly dump: NodeClient;
  /**
   * Called after a TAP dump ends, before it is trusted as whole: throws unless the node is still
   * the process that was dumped. A TAP dump ends with the node closing the connection, which a
   * node that died mid-dump does too.
   */
  readonly confirmDumpEnd: () => Promise<void>;
  readonly vbucketCount: number;
  readonly isWanted: (vbucket: number) => boolean;
  readonly batchSize: number;
  readonly batchesInFlight: number;
  /** Listed keys kept in memory while they wait for a batch; beyond, they wait on disk. */
  readonly memoryKeys?: number;
  /** How long to keep retrying while another crawler request runs on the node. */
  readonly crawlerBusyTimeoutMs: number;
  readonly signal: AbortSignal;
  readonly onNotice?: (message: string) => void;
  /** Does the work for one batch; a rejection stops the dump and fails the pass with its error. */
  readonly processBatch: (keys: readonly DumpedKey[]) => Promise<void>;
}

// memcached runs one crawler request at a time: a second dump of a node is refused as BUSY, or,
// while the first waits for its reader, left unanswered. So within this process (a resize runs
// several targets that dump the same sources) dumps of one node take turns instead of polling. A
// turn lasts as long as the dump itself, not its batches: once the dump is read the crawler is
// free, and another target's dump must not wait for this one's batches (which a paused resync
// holds back for as long as it is paused).
const dumpTurns = new Map<string, Promise<void>>();

async function takeDumpTurn(node: string, signal: AbortSignal): Promise<() => void> {
  const previous = dumpTurns.get(node) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const turn = previous.then(() => mine);
  dumpTurns.set(node, turn);
  const done = () => {
    release();
    if (dumpTurns.get(node) === turn) dumpTurns.delete(node);
  };
  try {
    await untilAborted(previous, signal);
  } catch (error) {
    done();
    throw error;
  }
  return done;
}

/** Runs one dump through `processBatch`; resolves with the number of wanted keys listed. */
export async function forEachDumpBatch(options: DumpBatchOptions): Promise<number> {
  const { dump } = options;
  // The dump is read as fast as it comes, never paused (see SpillingKeyQueue for why); keys wait
  // in the queue until a batch slot is free.
  const queue = new SpillingKeyQueue(options.memoryKeys);
  let listed = 0;
  let inFlight = 0;
  let isDumpDone = false;
  let failure: unknown;
  let drained: (() => void) | undefined;

  const pump = () => {
    while (failure === undefined && inFlight < options.batchesInFlight) {
      if (queue.size < options.batchSize && !isDumpDone) return;
      const keys = queue.take(options.batchSize);
      if (keys.length === 0) break;
      inFlight++;
      options
        .processBatch(keys)
        .catch((error: unknown) => {
          failure ??= error;
          // Stop the dump at once: the pass has failed, and the reason is `failure`.
          dump.close();
        })
        .finally(() => {
          inFlight--;
          pump();
        });
    }
    if (inFlight === 0 && (isDumpDone || failure !== undefined)) drained?.();
  };

  const onKey = (key: Buffer, item?: DumpedKey['item']) => {
    if (failure !== undefined || isAstaireRecord(key)) return;
    const vbucket = vbucketOfKey(key, options.vbucketCount);
    if (!options.isWanted(vbucket)) return;
    listed++;
    queue.push(key, vbucket, item);
    if (queue.size >= options.batchSize) pump();
  };

  try {
    const release = await takeDumpTurn(dump.node, options.signal);
    try {
      if (dump.dialect === 'stock') {
        await dumpWithRetry(options, dump, (entry: DumpEntry) => onKey(entry.key));
      } else {
        try {
          await tapDumpItems(dump, wantedList(options), onKey);
        } finally {
          // A stopped dump is still being read to its end: the node's turn lasts until then, so
          // that no second dump of it (a retry) starts meanwhile.
          await dump.whenDumpDrained();
        }
        await options.confirmDumpEnd();
      }
    } catch (error) {
      // The dump failed (or was stopped by a failed batch): no batch starts any more, and those
      // under way finish before the pass fails, so none writes after it has ended.
      failure ??= error;
    } finally {
      release();
    }
    isDumpDone = true;
    const settled = new Promise<void>((resolve) => (drained = resolve));
    pump();
    await settled;
    if (failure !== undefined) throw failure;
    return listed;
  } finally {
    queue.close();
  }
}

function wantedList(options: DumpBatchOptions): number[] {
  const wanted: number[] = [];
  for (let vbucket = 0; vbucket < options.vbucketCount; vbucket++) {
    if (options.isWanted(vbucket)) wanted.push(vbucket);
  }
  return wanted;
}

// Only one crawler request runs on a node at a time, and several targets of a resize may dump the
// same source: wait for our turn, with backoff, rather than fail.
async function dumpWithRetry(
  options: DumpBatchOptions,
  dump: MemcachedClient,
  onEntry: (entry: DumpEntry) => void,
): Promise<void> {
  const giveUpAt = Date.now() + options.crawlerBusyTimeoutMs;
  let walk: 'hash' | 'all' = 'hash';
  for (let delay = 50; ; delay = Math.min(delay * 2, 2000)) {
    try {
      await dump.metadump(walk, onEntry);
      return;
    } catch (error) {
      if (error instanceof DumpRefusedError && error.code === 'DUMP_HASH_UNSUPPORTED') {
        options.onNotice?.(`${dump.node} cannot walk its hash table; dumping its LRUs instead`);
        walk = 'all';
        continue;
      }
      if (!(error instanceof CrawlerBusyError) || Date.now() + delay > giveUpAt) throw error;
      if (delay === 50) options.onNotice?.(`${dump.node}: its LRU crawler is busy; waiting for it`);
      await sleep(delay, options.signal);
    }
  }
}
