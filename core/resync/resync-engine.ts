/**
 * The resync of one target node: take its worklist and stream every listed vbucket from its first
 * replica that can serve it, sources in parallel; when a source fails, its unfinished vbuckets are
 * retried from their next replica; a vbucket no replica could serve is failed, with the reasons.
 * A vbucket is done only when a source streamed it to the end. When every vbucket is done, the tag
 * record is written on the target.
 *
 * A resync can be paused (nothing is sent to the target until it resumes; see pause-gate.ts), and
 * restricted to some vbuckets of its worklist or to one source (a retry of what failed); a
 * restricted resync never writes the tag record, which says the whole node was resynced.
 */
import { setMaxListeners } from 'node:events';
import {
  AstaireError,
  ConfigError,
  NodeRestartedError,
  toErrorPayload,
  type ErrorPayload,
} from '../errors.js';
import type { ClusterSettings } from '../cluster/cluster-settings.js';
import { computeStoreView, DEFAULT_REPLICAS, type StoreView } from '../cluster/store-view.js';
import { DEFAULT_VBUCKETS } from '../cluster/vbucket-hash.js';
import { computeWorklist, nodeRole, type Worklist } from '../cluster/worklist.js';
import type { Dialect } from '../memcached/dialect.js';
import type { NodeClient } from '../memcached/node-client.js';
import type { NodeConnector } from '../transport/node-connector.js';
import { RestartWatch } from './node-process.js';
import {
  startCheckpoint,
  type CheckpointStore,
  type CheckpointWriter,
} from './resync-checkpoint.js';
import { PauseGate } from './pause-gate.js';
import { RateLimiter } from './rate-limiter.js';
import { addCounts, emptyCounts, type ResyncCounts } from './resync-counts.js';
import {
  DEFAULT_TUNING,
  SourceFailure,
  streamFromSource,
  type PassReport,
  type StreamTuning,
} from './source-stream.js';
import { sourceShare, vbucketsHeld } from './source-share.js';
import { writeTagRecord } from './tag-record.js';
import { sleep } from '../util/sleep.js';
import { getOrCreate } from '../util/get-or-create.js';

export type VbucketState =
  | { readonly state: 'pending' }
  | { readonly state: 'streaming'; readonly source: string }
  | { readonly state: 'done'; readonly source: string }
  | { readonly state: 'failed'; readonly reason: string };

/** A node's running totals. For the target, keys and bytes came in; for a source, went out. */
export interface NodeCounters {
  readonly node: string;
  readonly role: 'target' | 'source';
  readonly keys: number;
  readonly bytes: number;
  /** For a source, once known: how it streams (a metadump and gets, or a TAP dump). */
  readonly dialect?: Dialect;
  /** For the target: what the inject rule did with the keys so far. */
  readonly counts?: ResyncCounts;
}

/** Rates over the last second for one node. */
export interface ThroughputSample {
  readonly at: number;
  readonly node: string;
  readonly role: 'target' | 'source';
  readonly keysPerSecond: number;
  readonly bytesPerSecond: number;
}

/** What a resync tells whoever watches it (the CLI's progress bar, the console). */
export interface ResyncObserver {
  onVbucketState?(vbucket: number, state: VbucketState): void;
  onThroughput?(samples: readonly ThroughputSample[], totals: readonly NodeCounters[]): void;
  onPass?(report: PassReport): void;
  onNotice?(message: string): void;
  /**
   * A new estimate of the keys this resync will move, from each source's item count and the share
   * of its vbuckets being streamed; it grows as sources start.
   */
  onEstimate?(estimatedKeys: number): void;
}

/** What decides a resync's worklist: the settings, the model, and any restriction (a retry). */
export interface WorklistRequest {
  /** The node to fill, as named in cluster_settings. */
  readonly target: string;
  readonly settings: ClusterSettings;
  /** Stream every vbucket the target will hold, not only those it lacks (after a restart). */
  readonly full: boolean;
  /** The number of vbuckets in the model (128 unless told otherwise). */
  readonly vbuckets?: number;
  readonly replicas?: number;
  /** Only these vbuckets of the worklist (a retry); each must be in it. */
  readonly onlyVbuckets?: readonly number[];
  /**
   * Stream only from this replica, never failing over to another. With `onlyVbuckets` it must be
   * a replica of each of them; without, the worklist keeps only the vbuckets it is a replica of.
   */
  readonly onlySource?: string;
}

export interface ResyncOptions extends WorklistRequest {
  readonly connect: NodeConnector;
  readonly signal?: AbortSignal;
  /** Bytes per second into the target; 0 for no limit. Change it with `setRateLimit`. */
  readonly rateLimit?: number;
  readonly observer?: ResyncObserver;
  readonly tuning?: Partial<StreamTuning>;
  /**
   * Save which vbuckets finish, as they finish (see resync-checkpoint.ts); with `resume`, first
   * take as done those an earlier run of the same resync finished on the same target process.
   * Ignored by a restricted resync (a retry).
   */
  readonly checkpoint?: { readonly store: CheckpointStore; readonly resume: boolean };
}

export interface VbucketFailure {
  readonly vbucket: number;
  readonly reason: string;
}

export interface ResyncSummary {
  readonly target: string;
  readonly full: boolean;
  readonly startedAt: string;
  readonly durationMs: number;
  /** The worklist's vbuckets, and those streamed to the end. */
  readonly vbuckets: number;
  readonly done: number;
  readonly failed: readonly VbucketFailure[];
  readonly cancelled: boolean;
  readonly counts: ResyncCounts;
  readonly perVbucket: ReadonlyMap<number, ResyncCounts>;
  readonly sources: readonly {
    readonly node: string;
    readonly keys: number;
    readonly bytes: number;
    /** How it streamed: stock memcached's metadump and gets, or Clearwater's TAP dump. */
    readonly dialect?: Dialect;
    readonly failure?: string;
  }[];
  readonly passes: readonly PassReport[];
  /** Keys the last pass of some source still found missing (0 when every source confirmed). */
  readonly unconfirmedKeys: number;
  readonly tagWritten: boolean;
  /** Items the target evicted while it was filled (any is data lost: the resync is then failed). */
  readonly targetEvictions: number;
  /** Vbuckets an earlier run had finished, taken from its checkpoint and not streamed again. */
  readonly resumedVbuckets?: number;
  /** Time spent paused, when it was paused (a rate measured over the resync leaves it out). */
  readonly pausedMs?: number;
  /** Set when only part of the worklist was streamed (a retry); no tag record is written then. */
  readonly restrictedTo?: {
    readonly vbuckets: readonly number[];
    readonly source?: string;
    /** The size of the whole worklist the vbuckets were taken from. */
    readonly worklistSize: number;
  };
  /**
   * True when every vbucket of the worklist (of the restricted list, for a retry) was streamed to
   * the end and the target kept it all.
   */
  readonly isComplete: boolean;
  /** Why the whole resync stopped (the target failed), when it did. */
  readonly error: ErrorPayload | undefined;
}

export class ResyncJob {
  private readonly limiter: RateLimiter;
  private readonly gate = new PauseGate();

  constructor(private readonly options: ResyncOptions) {
    this.limiter = new RateLimiter(options.rateLimit ?? 0);
  }

  /** Changes the target's rate limit at once (bytes per second; 0 for none). */
  setRateLimit(bytesPerSecond: number): void {
    this.limiter.setLimit(bytesPerSecond);
  }

  /**
   * Stops sending to the target (before or while the job runs); resolves once the writes under
   * way have finished. The sources' dumps go on into their spill queues.
   */
  pause(): Promise<void> {
    return this.gate.pause();
  }

  resume(): void {
    this.gate.resume();
  }

  get isPaused(): boolean {
    return this.gate.isPaused;
  }

  /**
   * The vbuckets this job will stream, and from which replicas, in order.
   * @throws ConfigError when the target or a restriction does not fit the settings.
   */
  worklist(): Worklist {
    return resyncWorklist(this.options).worklist;
  }

  async run(): Promise<ResyncSummary> {
    const { view, worklist, wholeSize } = resyncWorklist(this.options);
    const restrictedTo = isRestricted(this.options)
      ? {
          vbuckets: [...worklist.keys()],
          ...(this.options.onlySource === undefined ? {} : { source: this.options.onlySource }),
          worklistSize: wholeSize,
        }
      : undefined;
    return new ResyncRun(
      this.options,
      this.limiter,
      this.gate,
      worklist,
      vbucketsHeld(view),
      restrictedTo,
    ).execute();
  }
}

/**
 * The worklist a resync streams, restricted as asked, with the store view it came from and the
 * size of the whole worklist.
 * @throws ConfigError TARGET_NOT_IN_SETTINGS, VBUCKET_NOT_IN_WORKLIST, SOURCE_NOT_A_REPLICA.
 */
export function resyncWorklist(request: WorklistRequest): {
  view: StoreView;
  worklist: Worklist;
  wholeSize: number;
} {
  const { settings, target, full } = request;
  checkTarget(settings, target);
  const view = computeStoreView(settings, {
    ...(request.vbuckets === undefined ? {} : { vbuckets: request.vbuckets }),
    ...(request.replicas === undefined ? {} : { replicas: request.replicas }),
  });
  const whole = computeWorklist(view, target, { full });
  return { view, worklist: restrictWorklist(whole, request), wholeSize: whole.size };
}

function isRestricted(request: WorklistRequest): boolean {
  return request.onlyVbuckets !== undefined || request.onlySource !== undefined;
}

function restrictWorklist(whole: Worklist, request: WorklistRequest): Worklist {
  if (!isRestricted(request)) return whole;
  const { target, onlySource } = request;
  const kind = request.full ? 'full' : 'minimal';
  let vbuckets: number[];
  if (request.onlyVbuckets === undefined) {
    vbuckets = [...whole.keys()].filter((v) => whole.get(v)?.includes(onlySource ?? '') === true);
    if (vbuckets.length === 0) {
      throw new ConfigError(
        'SOURCE_NOT_A_REPLICA',
        `${onlySource ?? ''} is a replica of none of the ${whole.size} vbuckets of ${target}'s ` +
          `${kind} worklist, so it has nothing to stream to it; see "astaire worklist" for the ` +
          'replicas of each vbucket',
      );
    }
  } else {
    vbuckets = [...new Set(request.onlyVbuckets)].sort((a, b) => a - b);
    for (const vbucket of vbuckets) {
      if (whole.has(vbucket)) continue;
      throw new ConfigError(
        'VBUCKET_NOT_IN_WORKLIST',
        `vbucket ${vbucket} is not in ${target}'s ${kind} worklist (${describeVbuckets(whole)}); ` +
          (request.full
            ? 'the target will not hold it, so there is nothing to stream'
            : 'the target holds it already, or will not hold it: a full resync streams every ' +
              'vbucket it will hold'),
      );
    }
  }
  const restricted = new Map<number, readonly string[]>();
  for (const vbucket of vbuckets) {
    const sources = whole.get(vbucket) ?? [];
    if (onlySource === undefined) {
      restricted.set(vbucket, sources);
    } else if (sources.includes(onlySource)) {
      restricted.set(vbucket, [onlySource]);
    } else {
      throw new ConfigError(
        'SOURCE_NOT_A_REPLICA',
        `${onlySource} is not a replica of vbucket ${vbucket} (its replicas: ${sources.join(', ')}), ` +
          `so it cannot stream it to ${target}; name one of those, or leave the source out`,
      );
    }
  }
  return restricted;
}

function describeVbuckets(worklist: Worklist): string {
  if (worklist.size === 0) return 'it is empty';
  const listed = [...worklist.keys()].sort((a, b) => a - b);
  const shown = listed.slice(0, 24).join(', ');
  return `it lists ${listed.length}: ${shown}${listed.length > 24 ? ', ...' : ''}`;
}

/** How many nodes a resize fills at once unless told otherwise. */
export const DEFAULT_RESIZE_PARALLEL = 2;

/**
 * The nodes a resize fills: every node of new_servers, once each, in order.
 * @throws ConfigError NO_RESIZE when there is no new_servers list; `where` names the settings.
 */
export function resizeTargets(settings: ClusterSettings, where: string): string[] {
  if (settings.newServers.length === 0) {
    throw new ConfigError(
      'NO_RESIZE',
      'there is no new_servers list, so no resize is in progress; to refill one node after a ' +
        'restart, give that node a full resync (astaire resync --full --target NODE)',
      { file: where },
    );
  }
  return [...new Set(settings.newServers)];
}

/** @throws ConfigError when `target` is in neither list of `settings`: it cannot be resynced. */
export function checkTarget(settings: ClusterSettings, target: string): void {
  if (nodeRole(settings, target) !== 'not-a-member') return;
  throw new ConfigError(
    'TARGET_NOT_IN_SETTINGS',
    `${target} is not named in cluster_settings (servers: ${settings.servers.join(', ') || 'none'}; ` +
      `new_servers: ${settings.newServers.join(', ') || 'none'})`,
  );
}

/** One execution's mutable state, kept out of the job so a job is reusable. */
class ResyncRun {
  private readonly startedAt = new Date();
  private readonly controller = new AbortController();
  private readonly signal: AbortSignal;
  private readonly vbucketCount: number;
  private readonly state = new Map<number, VbucketState>();
  private readonly candidates = new Map<number, string[]>();
  private readonly failedSources = new Map<string, string>();
  private readonly queued = new Map<string, Set<number>>();
  private readonly workers = new Map<string, Promise<void>>();
  private readonly perVbucket = new Map<number, ResyncCounts>();
  private readonly moved = new Map<string, { keys: number; bytes: number }>();
  private readonly sourceDialects = new Map<string, Dialect>();
  private readonly passes: PassReport[] = [];
  private unconfirmedKeys = 0;
  private readonly reconnects = new Map<string, number>();
  private readonly tuning: StreamTuning;
  private estimatedKeys = 0;
  // The vbuckets each source's item count was already taken into the estimate for.
  private readonly estimatedFrom = new Map<string, Set<number>>();
  private fatal: unknown;
  // Every connection of the run goes through it: a node restarted mid-run is caught at the next
  // connection the run makes to it (each retry after a dropped connection makes one).
  private readonly watch: RestartWatch;
  private checkpoint: CheckpointWriter | undefined;
  private resumedVbuckets = 0;
  // The gate belongs to the job, which may have been paused before this run.
  private readonly pausedBefore: number;

  constructor(
    private readonly options: ResyncOptions,
    private readonly limiter: RateLimiter,
    private readonly gate: PauseGate,
    worklist: Worklist,
    private readonly heldBy: ReadonlyMap<string, number>,
    private readonly restrictedTo: ResyncSummary['restrictedTo'],
  ) {
    this.vbucketCount = options.vbuckets ?? DEFAULT_VBUCKETS;
    this.tuning = { ...DEFAULT_TUNING, ...options.tuning };
    this.pausedBefore = gate.pausedMs;
    this.watch = new RestartWatch(options.connect);
    const external = options.signal;
    this.signal =
      external === undefined
        ? this.controller.signal
        : AbortSignal.any([external, this.controller.signal]);
    for (const [vbucket, sources] of worklist) {
      this.candidates.set(vbucket, [...new Set(sources)]);
      this.setState(vbucket, { state: 'pending' });
    }
    // Every batch in flight waits on this signal (the pause gate, the rate limit) and every source
    // stream closes its connections on it: that many listeners at once is the design, not a leak,
    // so Node's warning (at 11) is raised to what a run can really hold.
    const sourceCount = new Set([...this.candidates.values()].flat()).size;
    setMaxListeners(10 + sourceCount * (this.tuning.batchesInFlight + 4), this.signal);
  }

  async execute(): Promise<ResyncSummary> {
    if (this.restrictedTo !== undefined) {
      const { vbuckets, source, worklistSize } = this.restrictedTo;
      this.options.observer?.onNotice?.(
        `streaming ${vbuckets.length} of the ${worklistSize} vbuckets of ${this.options.target}'s ` +
          `worklist${source === undefined ? '' : `, only from ${source}`}: the tag record, which ` +
          'says the whole node was resynced, will not be written',
      );
    }
    const evictionsBefore = await this.openCheckpoint(await this.targetEvictions());
    const ticker = this.startThroughputTicker();
    try {
      for (const vbucket of this.candidates.keys()) {
        if (this.state.get(vbucket)?.state !== 'done') this.assign(vbucket);
      }
      // Failover queues vbuckets on other sources as workers end; go on until nothing is queued
      // and no worker runs.
      for (;;) {
        this.startWorkers();
        if (this.workers.size === 0) break;
        await Promise.race(this.workers.values());
      }
    } finally {
      clearInterval(ticker);
      this.emitThroughput();
    }
    if (this.fatal !== undefined) this.failUnfinished();

    // The end writes to the target (the tag record): a paused resync waits to be resumed, and a
    // pause waits for the end as it does for a batch.
    const isEntered = await this.gate.enter(this.signal).then(
      () => true,
      () => false,
    );
    try {
      return await this.finish(evictionsBefore);
    } finally {
      if (isEntered) this.gate.leave();
      await this.checkpoint?.flush();
    }
  }

  /**
   * Starts the run's checkpoint and, when asked to resume, takes as done what an earlier run of
   * this resync finished on this same target process. Returns the eviction reading to count from:
   * the first run's, when resuming.
   */
  private async openCheckpoint(evictions: number | undefined): Promise<number | undefined> {
    const option = this.options.checkpoint;
    const targetProcess = this.watch.processOf(this.options.target);
    // A retry streams part of the worklist on purpose; an unknown process cannot be checked later.
    if (option === undefined || this.restrictedTo !== undefined || targetProcess === undefined) {
      return evictions;
    }
    const { settings } = this.options;
    const started = await startCheckpoint({
      ...option,
      scope: {
        target: this.options.target,
        settings: { servers: settings.servers, newServers: settings.newServers },
        full: this.options.full,
        vbucketCount: this.vbucketCount,
        replicaCount: this.options.replicas ?? DEFAULT_REPLICAS,
      },
      targetProcess,
      worklist: new Set(this.state.keys()),
      evictions,
      startedAt: this.startedAt.toISOString(),
      notice: (message) => this.options.observer?.onNotice?.(message),
    });
    this.checkpoint = started.writer;
    for (const [vbucket, source] of started.done) this.setState(vbucket, { state: 'done', source });
    this.resumedVbuckets = started.done.size;
    return started.evictionsAtStart;
  }

  /** Reads the target's evictions and, when all is well, writes the tag record. */
  private async finish(evictionsBefore: number | undefined): Promise<ResyncSummary> {
    // A target that evicts while being filled has lost data (some of it just streamed): that is
    // a failed resync, however many vbuckets were streamed. One connection reads the evictions and
    // then, if all is well, writes the tag record.
    let targetEvictions = 0;
    let tagWritten = false;
    let isComplete = false;
    const client =
      this.fatal === undefined
        ? await this.connectToFinish().catch((error: unknown) => {
            this.fatal = error;
            this.failUnfinished();
            return undefined;
          })
        : undefined;
    const cancelled = this.fatal === undefined && this.options.signal?.aborted === true;
    const failed: VbucketFailure[] = [];
    let done = 0;
    for (const [vbucket, state] of this.state) {
      if (state.state === 'done') done++;
      else if (state.state === 'failed') failed.push({ vbucket, reason: state.reason });
    }
    if (client !== undefined) {
      try {
        const evictionsAfter = await evictionsOf(client);
        // Without a reading from the start, every eviction the node ever made counts: a resync must
        // never be called complete on a target that may have dropped what it was sent.
        targetEvictions = Math.max(0, evictionsAfter - (evictionsBefore ?? 0));
        if (targetEvictions > 0) {
          this.options.observer?.onNotice?.(
            `${this.options.target} evicted ${targetEvictions} items during the resync: it is too small for ` +
              'its share of the data (raise its memory limit, -m), so the resync is not complete',
          );
        }
        isComplete = !cancelled && done === this.state.size && targetEvictions === 0;
        if (isComplete && this.restrictedTo === undefined) {
          await writeTagRecord(client, {
            resyncedAt: new Date().toISOString(),
            full: this.options.full,
            tool: 'astaire-console',
          });
          tagWritten = true;
        }
      } finally {
        client.close();
      }
    }
    const error = this.fatal === undefined ? undefined : toErrorPayload(this.fatal);
    return this.summary({
      done,
      failed,
      cancelled,
      isComplete,
      tagWritten,
      error,
      targetEvictions,
    });
  }

  /**
   * The connection that ends the run. A dropped link is retried as a stream's would be: after the
   * whole worklist was streamed, a blip must not cost the tag record.
   */
  private async connectToFinish(): Promise<NodeClient> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.watch.connector(this.options.target, 'finish');
      } catch (error) {
        if (!isTransient(error) || attempt > this.tuning.reconnectAttempts) throw error;
        await sleep(this.reconnectDelay(attempt));
      }
    }
  }

  /** The wait before reconnect `attempt` (from 1): the first delay, doubled each time. */
  private reconnectDelay(attempt: number): number {
    return this.tuning.reconnectDelayMs * 2 ** (attempt - 1);
  }

  /**
   * After a fatal failure: what was pending can no longer be streamed, and when the target was
   * restarted, what was streamed to it is gone too (so is its tag record).
   */
  private failUnfinished(): void {
    const message = (this.fatal as Error).message;
    const isTargetRestart =
      this.fatal instanceof NodeRestartedError && this.fatal.place.node === this.options.target;
    for (const [vbucket, state] of this.state) {
      if (state.state === 'pending' || state.state === 'streaming') {
        this.setState(vbucket, { state: 'failed', reason: `not streamed: ${message}` });
      } else if (state.state === 'done' && isTargetRestart) {
        this.setState(vbucket, { state: 'failed', reason: `streamed, then lost: ${message}` });
      }
    }
    if (isTargetRestart) {
      this.options.observer?.onNotice?.(
        `${this.options.target} was restarted during the resync: everything it held is gone, its ` +
          `tag record with it. Resync it in full (astaire resync --full) once it is back.`,
      );
    }
  }

  private summary(
    outcome: Pick<
      ResyncSummary,
      'done' | 'failed' | 'cancelled' | 'isComplete' | 'tagWritten' | 'targetEvictions'
    > & {
      readonly error: ErrorPayload | undefined;
    },
  ): ResyncSummary {
    const counts = this.totalCounts();
    const sourceNames = new Set([...this.moved.keys(), ...this.failedSources.keys()]);
    const pausedMs = this.gate.pausedMs - this.pausedBefore;
    return {
      ...(pausedMs > 0 ? { pausedMs } : {}),
      ...(this.resumedVbuckets > 0 ? { resumedVbuckets: this.resumedVbuckets } : {}),
      ...(this.restrictedTo === undefined ? {} : { restrictedTo: this.restrictedTo }),
      target: this.options.target,
      full: this.options.full,
      startedAt: this.startedAt.toISOString(),
      durationMs: Date.now() - this.startedAt.getTime(),
      vbuckets: this.state.size,
      ...outcome,
      counts,
      perVbucket: this.perVbucket,
      sources: [...sourceNames].map((node) => {
        const moved = this.moved.get(node) ?? { keys: 0, bytes: 0 };
        const failure = this.failedSources.get(node);
        const dialect = this.sourceDialects.get(node);
        return {
          node,
          ...moved,
          ...(dialect === undefined ? {} : { dialect }),
          ...(failure === undefined ? {} : { failure }),
        };
      }),
      passes: this.passes,
      unconfirmedKeys: this.unconfirmedKeys,
    };
  }

  /** Queues a vbucket on its first replica that has not failed, or fails it. */
  private assign(vbucket: number): void {
    const source = (this.candidates.get(vbucket) ?? []).find(
      (node) => !this.failedSources.has(node),
    );
    if (source === undefined) {
      const reasons = (this.candidates.get(vbucket) ?? []).map(
        (node) => `${node}: ${this.failedSources.get(node) ?? 'not tried'}`,
      );
      this.setState(vbucket, {
        state: 'failed',
        reason:
          reasons.length === 0
            ? 'no replica holds it'
            : `no replica could serve it (${reasons.join('; ')})`,
      });
      return;
    }
    getOrCreate(this.queued, source, () => new Set<number>()).add(vbucket);
  }

  /** Starts a worker for every source with queued vbuckets and none running. */
  private startWorkers(): void {
    for (const [source, queue] of this.queued) {
      if (this.workers.has(source) || queue.size === 0) continue;
      const worker = this.work(source).finally(() => this.workers.delete(source));
      this.workers.set(source, worker);
    }
  }

  // One worker per source streams whatever is queued for it, one dump at a time (a node runs one
  // crawler request at a time), until its queue is empty or it fails.
  private async work(source: string): Promise<void> {
    for (;;) {
      const vbuckets = this.queued.get(source);
      this.queued.delete(source);
      if (vbuckets === undefined || vbuckets.size === 0) return;
      if (this.signal.aborted || this.fatal !== undefined) {
        for (const vbucket of vbuckets) this.setState(vbucket, { state: 'pending' });
        return;
      }
      for (const vbucket of vbuckets) this.setState(vbucket, { state: 'streaming', source });
      try {
        const result = await streamFromSource({
          source,
          target: this.options.target,
          vbuckets,
          vbucketCount: this.vbucketCount,
          connect: this.watch.connector,
          signal: this.signal,
          rateLimiter: this.limiter,
          gate: this.gate,
          countsFor: (vbucket) => this.countsFor(vbucket),
          onMoved: (keys, bytes) => {
            const moved = getOrCreate(this.moved, source, () => ({ keys: 0, bytes: 0 }));
            moved.keys += keys;
            moved.bytes += bytes;
          },
          onPass: (report) => {
            this.passes.push(report);
            this.options.observer?.onPass?.(report);
          },
          onNotice: (message) => this.options.observer?.onNotice?.(message),
          onDialect: (dialect) => this.sourceDialects.set(source, dialect),
          onSourceItems: (items) => {
            // A stream started again (after a dropped link) is not more keys to move.
            const counted = getOrCreate(this.estimatedFrom, source, () => new Set<number>());
            const fresh = [...vbuckets].filter((vbucket) => !counted.has(vbucket));
            for (const vbucket of fresh) counted.add(vbucket);
            this.estimatedKeys += items * sourceShare(fresh.length, this.heldBy.get(source) ?? 0);
            this.options.observer?.onEstimate?.(Math.round(this.estimatedKeys));
          },
          tuning: this.tuning,
        });
        if (!result.isConfirmed) {
          const last = result.passes[result.passes.length - 1];
          this.unconfirmedKeys += last?.missing ?? 0;
          this.options.observer?.onNotice?.(
            `${source}: ${last?.missing ?? 0} keys were still missing from ${this.options.target} in pass ` +
              `${last?.pass ?? 0}; they were streamed, but no pass confirmed them (is the target evicting?)`,
          );
        }
        // Saved before it is announced: what an operator saw done is never streamed again.
        await this.checkpoint?.recordDone(vbuckets, source);
        for (const vbucket of vbuckets) this.setState(vbucket, { state: 'done', source });
      } catch (error) {
        if (this.signal.aborted) {
          for (const vbucket of vbuckets) this.setState(vbucket, { state: 'pending' });
          return;
        }
        // A lost connection (a dropped SSH link, a node restarting) may come back: wait and stream
        // these vbuckets again from the same source, from the start (the inject rule makes a
        // repeat harmless), before giving up on the source or the target.
        const cause = error instanceof SourceFailure ? error.reason : error;
        const attempt = (this.reconnects.get(source) ?? 0) + 1;
        if (isTransient(cause) && attempt <= this.tuning.reconnectAttempts) {
          this.reconnects.set(source, attempt);
          const delay = this.reconnectDelay(attempt);
          this.options.observer?.onNotice?.(
            `${(cause as Error).message}; streaming ${source}'s ${vbuckets.size} unfinished vbuckets again in ` +
              `${(delay / 1000).toFixed(1)} s (attempt ${attempt} of ${this.tuning.reconnectAttempts})`,
          );
          for (const vbucket of vbuckets) this.setState(vbucket, { state: 'pending' });
          try {
            await sleep(delay, this.signal);
          } catch {
            return; // cancelled while waiting: the vbuckets stay pending
          }
          const queue = getOrCreate(this.queued, source, () => new Set<number>());
          for (const vbucket of vbuckets) queue.add(vbucket);
          continue;
        }
        if (!(error instanceof SourceFailure)) {
          // The target failed (or a bug): no other replica can help. Stop everything.
          this.fatal ??= error;
          for (const vbucket of vbuckets) {
            this.setState(vbucket, { state: 'failed', reason: (error as Error).message });
          }
          this.controller.abort(error);
          return;
        }
        this.failedSources.set(source, error.reason.message);
        this.options.observer?.onNotice?.(
          `${source} failed (${error.reason.message}); its ${vbuckets.size} vbuckets go to their next replica`,
        );
        // This source's vbuckets, and any queued on it meanwhile, move on to their next replica.
        const late = this.queued.get(source) ?? [];
        this.queued.delete(source);
        for (const vbucket of [...vbuckets, ...late]) {
          this.setState(vbucket, { state: 'pending' });
          this.assign(vbucket);
        }
        this.startWorkers();
        return;
      }
    }
  }

  /** The target's eviction counter at the start; undefined when it cannot be reached yet. */
  private async targetEvictions(): Promise<number | undefined> {
    try {
      const client = await this.watch.connector(this.options.target, 'stats');
      try {
        return await evictionsOf(client);
      } finally {
        client.close();
      }
    } catch {
      return undefined; // the streams will meet the same failure and report it
    }
  }

  private countsFor(vbucket: number): ResyncCounts {
    return getOrCreate(this.perVbucket, vbucket, emptyCounts);
  }

  private totalCounts(): ResyncCounts {
    const total = emptyCounts();
    for (const counts of this.perVbucket.values()) addCounts(total, counts);
    return total;
  }

  private setState(vbucket: number, state: VbucketState): void {
    this.state.set(vbucket, state);
    this.options.observer?.onVbucketState?.(vbucket, state);
  }

  private lastTotals = new Map<string, { keys: number; bytes: number; at: number }>();

  private startThroughputTicker(): NodeJS.Timeout {
    const ticker = setInterval(() => this.emitThroughput(), 1000);
    ticker.unref();
    return ticker;
  }

  private emitThroughput(): void {
    const observer = this.options.observer;
    if (observer?.onThroughput === undefined) return;
    const now = Date.now();
    let targetKeys = 0;
    let targetBytes = 0;
    const totals: NodeCounters[] = [];
    for (const [node, moved] of this.moved) {
      targetKeys += moved.keys;
      targetBytes += moved.bytes;
      const dialect = this.sourceDialects.get(node);
      totals.push({
        node,
        role: 'source',
        keys: moved.keys,
        bytes: moved.bytes,
        ...(dialect === undefined ? {} : { dialect }),
      });
    }
    const counts = this.totalCounts();
    totals.unshift({
      node: this.options.target,
      role: 'target',
      keys: targetKeys,
      bytes: targetBytes,
      counts,
    });
    const samples = totals.map((total): ThroughputSample => {
      const key = `${total.role}:${total.node}`;
      const last = this.lastTotals.get(key) ?? { keys: 0, bytes: 0, at: this.startedAt.getTime() };
      const seconds = Math.max(0.001, (now - last.at) / 1000);
      this.lastTotals.set(key, { keys: total.keys, bytes: total.bytes, at: now });
      return {
        at: now,
        node: total.node,
        role: total.role,
        keysPerSecond: (total.keys - last.keys) / seconds,
        bytesPerSecond: (total.bytes - last.bytes) / seconds,
      };
    });
    observer.onThroughput(samples, totals);
  }
}

/** Errors a retry may cure: the connection, not the data or the configuration. */
function isTransient(error: unknown): boolean {
  return (
    error instanceof AstaireError &&
    (error.stage === 'connect' || error.stage === 'timeout' || error.stage === 'channel')
  );
}

async function evictionsOf(client: NodeClient): Promise<number> {
  return Number((await client.stats()).get('evictions') ?? 0);
}
