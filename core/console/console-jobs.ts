/**
 * The console's long-running jobs: resync of one node, resize (every node of new_servers, a few at
 * a time) and verify. Each job has an id, streams its progress as events, can be cancelled and, for
 * resyncs, throttled and paused while it runs. Two jobs never fill the same node at once: the
 * second is refused, since two resyncs racing into one target would only halve each other's speed.
 * The runner also remembers the rate the latest resync moved data at, for the plan's estimate.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { join } from 'node:path';
import { ConfigError, toErrorPayload, UsageError } from '../errors.js';
import type { ClusterSettings } from '../cluster/cluster-settings.js';
import type { StoreViewOptions } from '../cluster/store-view.js';
import {
  checkTarget,
  DEFAULT_RESIZE_PARALLEL,
  resizeTargets,
  ResyncJob,
  resyncWorklist,
  type ResyncObserver,
  type ResyncOptions,
  type ResyncSummary,
} from '../resync/resync-engine.js';
import { checkpointStoreIn } from '../resync/resync-checkpoint.js';
import type { MeasuredRate } from '../resize/plan-estimate.js';
import { summaryToJson } from '../resync/resync-summary-json.js';
import { verifyResize } from '../resync/verify.js';
import { withClusterAccess, type ClusterAccess } from '../transport/cluster-access.js';
import { runPool } from '../util/run-pool.js';
import { safeFileName } from '../util/safe-file-name.js';
import type { KnownCluster } from './cluster-store.js';
import type { ConsoleEventBody, JobRequest, JobState, JobSummary } from './contract.js';

/** Resyncs that moved less than this say more about their start and end than about the rate. */
export const MIN_MEASURED_BYTES = 1024 * 1024;

export interface JobRunnerOptions {
  readonly emit: (event: ConsoleEventBody) => void;
  /** Opens access to a cluster's nodes for one job; the job closes it when it ends. */
  readonly openAccess: (cluster: KnownCluster) => Promise<ClusterAccess>;
  /** The clients' vbucket and replica counts, when not Clearwater's 128 and 2. */
  readonly model?: StoreViewOptions;
  /**
   * Where resizes keep their checkpoints, a folder per cluster (see resync-checkpoint.ts); none
   * are kept without it.
   */
  readonly checkpointDir?: string;
}

interface RunningJob {
  summary: JobSummary;
  readonly controller: AbortController;
  readonly resyncs: Set<ResyncJob>;
  /** Settles when the job has ended and its end was announced. */
  finished: Promise<void>;
}

export class JobRunner {
  private readonly jobs = new Map<string, RunningJob>();
  // The last rate measured on each cluster: another cluster's nodes and links say nothing of it.
  private readonly rates = new Map<string, MeasuredRate>();

  constructor(private readonly options: JobRunnerOptions) {}

  /**
   * Checks the request (the cluster names every target; no other job fills them) and starts it.
   * @throws ConfigError when the request cannot run; nothing has started then.
   */
  start(request: JobRequest, cluster: KnownCluster): JobSummary {
    const { settings } = cluster.checked;
    const targets = this.targetsOf(request, cluster);
    for (const target of targets) checkTarget(settings, target);
    // A retry's vbuckets and source are checked against the worklist before anything starts.
    if (request.kind === 'resync') resyncWorklist(this.resyncRequest(request, settings));
    this.refuseConflicts(request.clusterId, targets);
    const id = randomUUID();
    const controller = new AbortController();
    // Each target's resync listens on the job's signal: a resize of many targets is not a leak.
    setMaxListeners(10 + targets.length * 2, controller.signal);
    const job: RunningJob = {
      summary: {
        id,
        kind: request.kind,
        clusterId: request.clusterId,
        targets,
        state: 'running',
        startedAt: new Date().toISOString(),
        rateLimit: request.kind === 'verify' ? 0 : (request.rateLimit ?? 0),
        isPaused: false,
        ...(request.kind === 'verify' ? {} : { full: request.full }),
        ...(request.kind === 'resync' ? retryFields(request) : {}),
        resyncs: [],
      },
      controller,
      resyncs: new Set(),
      finished: Promise.resolve(),
    };
    this.jobs.set(id, job);
    this.options.emit({ type: 'job-started', job: job.summary });
    job.finished = this.run(job, request, cluster);
    return job.summary;
  }

  list(): JobSummary[] {
    return [...this.jobs.values()].map((job) => job.summary);
  }

  /** Asks a running job to stop; it ends as `cancelled` once its work has wound down. */
  cancel(jobId: string): void {
    const job = this.running(jobId);
    job.controller.abort(new Error('cancelled by the operator'));
  }

  /** Changes a resync or resize's rate limit at once (bytes per second into each target). */
  setRate(jobId: string, bytesPerSecond: number): void {
    const job = this.running(jobId);
    if (job.summary.kind === 'verify') {
      throw new UsageError('NOT_THROTTLED', 'a verify job has no rate limit');
    }
    for (const resync of job.resyncs) resync.setRateLimit(bytesPerSecond);
    job.summary = { ...job.summary, rateLimit: bytesPerSecond };
    this.options.emit({ type: 'job-updated', job: job.summary });
  }

  /**
   * Pauses a resync or resize: nothing more is sent to its targets until it is resumed (the
   * sources' dumps go on, into spill queues). Resolves once the writes under way have finished.
   * Pausing a paused job does nothing.
   * @throws UsageError for a verify job, or a job that has ended.
   */
  async pause(jobId: string): Promise<void> {
    const job = this.pausable(jobId, 'paused');
    if (job.summary.isPaused) return;
    // Set before waiting, so that a target a resize starts meanwhile starts paused.
    job.summary = { ...job.summary, isPaused: true };
    await Promise.all([...job.resyncs].map((resync) => resync.pause()));
    if (job.summary.state === 'running' && job.summary.isPaused) {
      this.options.emit({ type: 'job-updated', job: job.summary });
    }
  }

  /** Resumes a paused job; resuming one that is not paused does nothing. */
  resume(jobId: string): void {
    const job = this.pausable(jobId, 'resumed');
    if (!job.summary.isPaused) return;
    job.summary = { ...job.summary, isPaused: false };
    for (const resync of job.resyncs) resync.resume();
    this.options.emit({ type: 'job-updated', job: job.summary });
  }

  /**
   * The rate the latest resync that moved at least MIN_MEASURED_BYTES ran at (its paused time left
   * out), or null when none has yet.
   */
  measuredRate(clusterId: string): MeasuredRate | null {
    return this.rates.get(clusterId) ?? null;
  }

  /** Cancels every running job and waits for all to end. */
  async close(): Promise<void> {
    for (const job of this.jobs.values()) {
      if (job.summary.state === 'running')
        job.controller.abort(new Error('the console is stopping'));
    }
    await Promise.all([...this.jobs.values()].map((job) => job.finished));
  }

  private targetsOf(request: JobRequest, cluster: KnownCluster): string[] {
    if (request.kind === 'resync') return [request.target];
    if (request.kind === 'verify') return [];
    return resizeTargets(cluster.checked.settings, `cluster "${cluster.summary.name}"`);
  }

  private refuseConflicts(clusterId: string, targets: readonly string[]): void {
    for (const job of this.jobs.values()) {
      if (job.summary.state !== 'running' || job.summary.clusterId !== clusterId) continue;
      const busy = targets.find((target) => job.summary.targets.includes(target));
      if (busy !== undefined) {
        throw new ConfigError(
          'JOB_CONFLICT',
          `${busy} is already being filled by job ${job.summary.id} (${job.summary.kind}); ` +
            'wait for it to end or cancel it first',
        );
      }
    }
  }

  private pausable(jobId: string, what: 'paused' | 'resumed'): RunningJob {
    if (this.jobs.get(jobId)?.summary.kind === 'verify') {
      throw new UsageError(
        'NOT_PAUSABLE',
        `job ${jobId} is a verify, which cannot be ${what}: it only reads, so cancel it and start ` +
          'it again later if it is in the way',
      );
    }
    return this.running(jobId);
  }

  // A resize saves its checkpoints as it goes, and reads them when asked to carry on.
  private checkpointFor(
    request: Exclude<JobRequest, { kind: 'verify' }>,
    target: string,
  ): Pick<ResyncOptions, 'checkpoint'> {
    const dir = this.options.checkpointDir;
    if (request.kind !== 'resize' || dir === undefined) return {};
    const store = checkpointStoreIn(join(dir, safeFileName(request.clusterId)), target);
    return { checkpoint: { store, resume: request.resume === true } };
  }

  private resyncRequest(
    request: Extract<JobRequest, { kind: 'resync' }>,
    settings: ClusterSettings,
  ) {
    return {
      ...this.options.model,
      target: request.target,
      settings,
      full: request.full,
      ...(request.vbuckets === undefined ? {} : { onlyVbuckets: request.vbuckets }),
      ...(request.source === undefined ? {} : { onlySource: request.source }),
    };
  }

  private recordRate(clusterId: string, summary: ResyncSummary, finishedAt: Date): void {
    const bytes = summary.counts.bytes;
    const seconds = (summary.durationMs - (summary.pausedMs ?? 0)) / 1000;
    if (bytes < MIN_MEASURED_BYTES || seconds <= 0) return;
    const time = finishedAt.toTimeString().slice(0, 5);
    this.rates.set(clusterId, {
      bytesPerSecond: bytes / seconds,
      basis: `measured on resync of ${summary.target} at ${time}`,
    });
  }

  private running(jobId: string): RunningJob {
    const job = this.jobs.get(jobId);
    if (job === undefined) throw new UsageError('UNKNOWN_JOB', `no job with id "${jobId}"`);
    if (job.summary.state !== 'running') {
      throw new UsageError('JOB_ENDED', `job ${jobId} has already ended (${job.summary.state})`);
    }
    return job;
  }

  private async run(job: RunningJob, request: JobRequest, cluster: KnownCluster): Promise<void> {
    const signal = job.controller.signal;
    let state: JobState;
    try {
      state = await withClusterAccess(
        () => this.options.openAccess(cluster),
        (access) =>
          request.kind === 'verify'
            ? this.runVerify(job, request.repair, cluster.checked.settings, access)
            : this.runResyncs(job, request, cluster.checked.settings, access),
      );
    } catch (error) {
      state = signal.aborted ? 'cancelled' : 'failed';
      job.summary = { ...job.summary, error: toErrorPayload(error) };
    }
    // An ended job is not paused: there is nothing left to resume.
    job.summary = { ...job.summary, state, isPaused: false, finishedAt: new Date().toISOString() };
    this.options.emit({ type: 'job-finished', job: job.summary });
  }

  private async runResyncs(
    job: RunningJob,
    request: Exclude<JobRequest, { kind: 'verify' }>,
    settings: ClusterSettings,
    access: ClusterAccess,
  ): Promise<JobState> {
    const signal = job.controller.signal;
    const parallel = request.kind === 'resize' ? (request.parallel ?? DEFAULT_RESIZE_PARALLEL) : 1;
    const summaries: ResyncSummary[] = [];
    await runPool(
      job.summary.targets,
      parallel,
      async (target) => {
        const resync = new ResyncJob({
          ...(request.kind === 'resync'
            ? this.resyncRequest(request, settings)
            : { ...this.options.model, target, settings, full: request.full }),
          connect: access.connect,
          signal,
          rateLimit: job.summary.rateLimit,
          observer: this.observerFor(job.summary.id, target),
          ...this.checkpointFor(request, target),
        });
        // A target started while the job is paused starts paused.
        if (job.summary.isPaused) void resync.pause();
        job.resyncs.add(resync);
        try {
          const summary = await resync.run();
          this.recordRate(request.clusterId, summary, new Date());
          summaries.push(summary);
          job.summary = {
            ...job.summary,
            resyncs: [...job.summary.resyncs, summaryToJson(summary)],
          };
        } finally {
          job.resyncs.delete(resync);
        }
      },
      () => signal.aborted,
    );
    if (signal.aborted) return 'cancelled';
    const isComplete =
      summaries.length === job.summary.targets.length && summaries.every((s) => s.isComplete);
    return isComplete ? 'succeeded' : 'failed';
  }

  private async runVerify(
    job: RunningJob,
    repair: boolean,
    settings: ClusterSettings,
    access: ClusterAccess,
  ): Promise<JobState> {
    const jobId = job.summary.id;
    const signal = job.controller.signal;
    const report = await verifyResize({
      ...this.options.model,
      settings,
      connect: access.connect,
      repair,
      signal,
      onNotice: (message) => this.options.emit({ type: 'notice', jobId, message }),
      onProgress: (checkedKeys) =>
        this.options.emit({ type: 'verify-progress', jobId, checkedKeys }),
    });
    job.summary = { ...job.summary, verify: report };
    if (signal.aborted) return 'cancelled';
    return report.isClean ? 'succeeded' : 'failed';
  }

  private observerFor(jobId: string, target: string): ResyncObserver {
    const emit = this.options.emit;
    return {
      onVbucketState: (vbucket, state) =>
        emit({ type: 'vbucket-state', jobId, target, vbucket, state }),
      onThroughput: (samples, totals) =>
        emit({ type: 'throughput', jobId, target, samples, totals }),
      onPass: (report) => emit({ type: 'pass', jobId, target, report }),
      onEstimate: (keys) => emit({ type: 'estimate', jobId, target, keys }),
      onNotice: (message) => emit({ type: 'notice', jobId, target, message }),
    };
  }
}

function retryFields(
  request: Extract<JobRequest, { kind: 'resync' }>,
): Pick<JobSummary, 'vbuckets' | 'source' | 'retryOf'> {
  return {
    ...(request.vbuckets === undefined
      ? {}
      : { vbuckets: [...new Set(request.vbuckets)].sort((a, b) => a - b) }),
    ...(request.source === undefined ? {} : { source: request.source }),
    ...(request.retryOf === undefined ? {} : { retryOf: request.retryOf }),
  };
}
