/**
 * Streams the keys of some vbuckets from one source replica into the target.
 *
 * The source's key list comes from a dump on a connection of its own: `lru_crawler metadump hash`
 * on stock memcached, a TAP dump on Clearwater's (see dump-batches.ts). Keys of the wanted
 * vbuckets are gathered into batches, each fetched from the source with pipelined meta gets
 * (a TAP dump carries the items whole, so nothing is fetched) and written to the target by the
 * inject rule, at most `batchesInFlight` batches at a time (the dump itself is never slowed down,
 * and memory stays bounded).
 *
 * The crawler skips items that are locked or referenced as it passes, so a dump of a live node is
 * not complete; the fork's TAP dump, walking its LRUs class by class, misses an item rewritten
 * into a slab class it has walked. After the first pass the source is dumped again and only keys
 * the target lacks are streamed; passes repeat until one finds nothing missing, or `maxPasses` is
 * reached (reported).
 */
import type { AstaireError } from '../errors.js';
import type { Dialect } from '../memcached/dialect.js';
import type { NodeClient } from '../memcached/node-client.js';
import type { NodeConnector } from '../transport/node-connector.js';
import { forEachDumpBatch, type DumpedKey } from './dump-batches.js';
import { fetchSourceItems, injectItems, type FetchedItems } from './inject.js';
import type { PauseGate } from './pause-gate.js';
import type { RateLimiter } from './rate-limiter.js';
import type { ResyncCounts } from './resync-counts.js';

export interface SourceStreamOptions {
  readonly source: string;
  readonly target: string;
  readonly vbuckets: ReadonlySet<number>;
  readonly vbucketCount: number;
  readonly connect: NodeConnector;
  readonly signal: AbortSignal;
  readonly rateLimiter: RateLimiter;
  /** Batches wait here while the resync is paused (see pause-gate.ts). */
  readonly gate: PauseGate;
  /** The counters of a vbucket, which the stream adds its outcomes to. */
  readonly countsFor: (vbucket: number) => ResyncCounts;
  /** Called after each batch with the keys and value bytes it moved from the source. */
  readonly onMoved?: (keys: number, bytes: number) => void;
  readonly onPass?: (report: PassReport) => void;
  /** Called once connected, with the number of items the source holds (for estimates). */
  readonly onSourceItems?: (items: number) => void;
  readonly onNotice?: (message: string) => void;
  /** Called once connected, with how the source streams (its memcached's dialect). */
  readonly onDialect?: (dialect: Dialect) => void;
  readonly tuning?: Partial<StreamTuning>;
}

export interface StreamTuning {
  /** Keys per fetch-and-inject batch. */
  readonly batchSize: number;
  /** Batches under way at once. */
  readonly batchesInFlight: number;
  /** Dump passes at most, the first included. */
  readonly maxPasses: number;
  /** How long to keep retrying while another crawler request runs on the source. */
  readonly crawlerBusyTimeoutMs: number;
  /** Times a run is retried after losing its connections (a dropped SSH link, a restart). */
  readonly reconnectAttempts: number;
  /** The first wait before a retry; each next one doubles. */
  readonly reconnectDelayMs: number;
  /** A connection with nothing in flight gets a `version` this often, so it never sits idle. */
  readonly idlePingMs: number;
}

export const DEFAULT_TUNING: StreamTuning = {
  batchSize: 256,
  batchesInFlight: 8,
  maxPasses: 4,
  crawlerBusyTimeoutMs: 10 * 60 * 1000,
  reconnectAttempts: 4,
  reconnectDelayMs: 500,
  idlePingMs: 30_000,
};

export interface PassReport {
  readonly source: string;
  readonly pass: number;
  /** Keys of the wanted vbuckets the dump listed. */
  readonly listed: number;
  /** Keys found missing from the target (passes after the first; in the first, every key). */
  readonly missing: number;
  /** Keys fetched from the source and written by the inject rule. */
  readonly streamed: number;
  readonly durationMs: number;
}

export interface SourceStreamResult {
  readonly passes: readonly PassReport[];
  /** True when the last pass found nothing missing. */
  readonly isConfirmed: boolean;
}

/** The source failed (as opposed to the target): its vbuckets can be tried on another replica. */
export class SourceFailure extends Error {
  constructor(
    readonly source: string,
    readonly reason: Error,
  ) {
    super(reason.message);
  }
}

export async function streamFromSource(options: SourceStreamOptions): Promise<SourceStreamResult> {
  const tuning = { ...DEFAULT_TUNING, ...options.tuning };
  const clients: NodeClient[] = [];
  const closeAll = () => clients.forEach((client) => client.close());
  let idlePings: NodeJS.Timeout | undefined;
  options.signal.addEventListener('abort', closeAll, { once: true });
  try {
    const open = async (node: string, purpose: string) => {
      const client = await options.connect(node, purpose);
      clients.push(client);
      return client;
    };
    // The first pass's dump connection is opened with the others, so that a source that cannot
    // be reached fails before the target is touched.
    let dump: NodeClient | undefined = await asSourceFailure(options, open(options.source, 'dump'));
    options.onDialect?.(dump.dialect);
    const fetch = await asSourceFailure(options, open(options.source, 'fetch'));
    const target = await open(options.target, 'inject');
    // A pause (or a low rate limit) can leave these connections silent for minutes; a firewall,
    // NAT or memcached's own idle_timeout could drop them meanwhile. A cheap request keeps them
    // in use; if one fails anyway, the next batch meets the failure and the stream is retried.
    idlePings = setInterval(() => {
      for (const client of clients) {
        if (client.connection.inFlight === 0) client.version().catch(() => undefined);
      }
    }, tuning.idlePingMs);
    idlePings.unref();
    if (options.onSourceItems !== undefined) {
      const stats = await asSourceFailure(options, fetch.stats());
      options.onSourceItems(Number(stats.get('curr_items') ?? 0) || 0);
    }

    const passes: PassReport[] = [];
    for (let pass = 1; pass <= tuning.maxPasses; pass++) {
      dump ??= await asSourceFailure(options, open(options.source, 'dump'));
      const report = await runPass(pass, { dump, fetch, target }, options, tuning);
      // A TAP dump ends with the node closing its connection: the next pass needs a new one.
      if (dump.dialect === 'clearwater') {
        clients.splice(clients.indexOf(dump), 1);
        dump = undefined;
      }
      passes.push(report);
      options.onPass?.(report);
      if (pass > 1 && report.missing === 0) return { passes, isConfirmed: true };
    }
    return { passes, isConfirmed: false };
  } catch (error) {
    options.signal.throwIfAborted();
    throw attribute(options, error);
  } finally {
    clearInterval(idlePings);
    options.signal.removeEventListener('abort', closeAll);
    closeAll();
  }
}

interface PassClients {
  readonly dump: NodeClient;
  readonly fetch: NodeClient;
  readonly target: NodeClient;
}

async function runPass(
  pass: number,
  clients: PassClients,
  options: SourceStreamOptions,
  tuning: StreamTuning,
): Promise<PassReport> {
  const started = Date.now();
  let missing = 0;
  let streamed = 0;

  const processBatch = async (keys: readonly DumpedKey[]) => {
    // Everything a batch reads is read after the gate, and read again if a pause came before its
    // writes could start: nothing read before a pause is written after it (see pause-gate.ts).
    let fetched: FetchedItems;
    let wanted: readonly DumpedKey[];
    let heldOver: number;
    for (;;) {
      const ticket = await options.gate.whenOpen(options.signal);
      // A TAP dump's items were read as it sent them, and cannot be read again: those read before
      // a pause are dropped, and counted missing, so that another pass reads them anew.
      const fresh = keys.filter(
        (k) => k.item === undefined || !options.gate.isHeldOverPause(k.item.readAtMs),
      );
      heldOver = keys.length - fresh.length;
      wanted = fresh;
      if (pass > 1 && fresh.length > 0) {
        const present = await clients.target.getMany(
          fresh.map((k) => k.key),
          {},
        );
        wanted = fresh.filter((_, index) => present[index] === undefined);
      }
      if (wanted.length === 0) {
        missing += heldOver;
        return;
      }
      fetched = await fetchSourceItems(clients.fetch, wanted);
      await options.rateLimiter.take(fetched.bytes, options.signal);
      if (options.gate.tryEnter(ticket)) break;
    }
    try {
      missing += wanted.length + heldOver;
      const { items, bytes, vanished } = fetched;
      for (const { vbucket } of vanished) options.countsFor(vbucket).vanished++;
      await injectItems(clients.target, items, options.countsFor);
      for (const item of items) {
        const counts = options.countsFor(item.vbucket);
        counts.keys++;
        counts.bytes += item.value.length;
      }
      streamed += items.length;
      options.onMoved?.(items.length, bytes);
    } finally {
      options.gate.leave();
    }
  };

  const listed = await forEachDumpBatch({
    dump: clients.dump,
    // `connect` checks every connection against the process first met at the node.
    confirmDumpEnd: async () => (await options.connect(options.source, 'dump end check')).close(),
    vbucketCount: options.vbucketCount,
    isWanted: (vbucket) => options.vbuckets.has(vbucket),
    batchSize: tuning.batchSize,
    batchesInFlight: tuning.batchesInFlight,
    crawlerBusyTimeoutMs: tuning.crawlerBusyTimeoutMs,
    signal: options.signal,
    ...(options.onNotice === undefined ? {} : { onNotice: options.onNotice }),
    processBatch,
  });
  return {
    source: options.source,
    pass,
    listed,
    missing,
    streamed,
    durationMs: Date.now() - started,
  };
}

async function asSourceFailure<T>(options: SourceStreamOptions, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw new SourceFailure(options.source, error as Error);
  }
}

// An error that names the source is the source's failure; anything else (the target, a bug) is not
// something another replica could fix, so it propagates as it is.
function attribute(options: SourceStreamOptions, error: unknown): unknown {
  if (error instanceof SourceFailure) return error;
  const node = (error as Partial<AstaireError>).place?.node;
  return node === options.source ? new SourceFailure(options.source, error as Error) : error;
}
