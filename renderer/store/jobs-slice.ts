/** Jobs (resync, resize, verify), their per-target progress from events, and their notices. */
import type {
  ConsoleEvent,
  ErrorPayload,
  JobRequest,
  JobSummary,
  PassReport,
  VbucketState,
} from '../../core/console/contract.js';
import { toErrorPayload, type ConsoleClient } from '../api/console-client.js';
import type { ConsoleState, SliceChange, SliceCreator } from './console-state.js';
import { ownEntry } from '../../core/shared/own-entry.js';

/** How many of a target's vbuckets are in each state, kept as events arrive (never recounted). */
export interface VbucketTally {
  readonly pending: number;
  readonly streaming: number;
  readonly done: number;
  readonly failed: number;
}

/** What the events told about one target of a job. */
export interface TargetProgress {
  /** vbucket -> its latest state; only vbuckets an event named. */
  readonly vbuckets: Readonly<Record<number, VbucketState>>;
  /**
   * vbucket -> the source it was last streamed from. A failed state does not name its source, so
   * this is what a retry of one source, or the operator reading a failure, goes by.
   */
  readonly streamedFrom: Readonly<Record<number, string>>;
  readonly tally: VbucketTally;
  readonly estimatedKeys?: number;
  readonly lastPass?: PassReport;
}

export interface JobProgress {
  readonly targets: Readonly<Record<string, TargetProgress>>;
  /** verify jobs: keys checked so far. */
  readonly checkedKeys?: number;
}

export interface Notice {
  readonly seq: number;
  readonly jobId: string;
  readonly target?: string;
  readonly message: string;
}

/** Notices kept for the operator to read; older ones are dropped. */
export const NOTICE_CAPACITY = 200;

export interface JobsSlice {
  readonly jobsById: Readonly<Record<string, JobSummary>>;
  readonly jobProgress: Readonly<Record<string, JobProgress>>;
  /** Oldest first, at most NOTICE_CAPACITY. */
  readonly notices: readonly Notice[];
  readonly jobsError: ErrorPayload | null;
  loadJobs(client: ConsoleClient): Promise<void>;
  /**
   * Starts a job and records it at once (its job-started event may come after the operator is
   * already watching it). Rejects with the service's `ConsoleCallError` (JOB_CONFLICT, ...).
   */
  startJob(client: ConsoleClient, request: JobRequest): Promise<JobSummary>;
  /** Changes a running job's rate limit (bytes per second; 0 for none). Rejects as the service does. */
  setJobRate(client: ConsoleClient, jobId: string, bytesPerSecond: number): Promise<void>;
  /** Pauses or resumes a running job. Rejects as the service does. */
  setJobPaused(client: ConsoleClient, jobId: string, isPaused: boolean): Promise<void>;
  /** Asks a running job to stop; its job-finished event tells when it has. */
  cancelJob(client: ConsoleClient, jobId: string): Promise<void>;
}

export const createJobsSlice: SliceCreator<JobsSlice> = (set) => ({
  jobsById: {},
  jobProgress: {},
  notices: [],
  jobsError: null,

  async loadJobs(client) {
    try {
      const jobs = await client.invoke('jobs:list', null);
      set((state) => ({ jobsById: mergeJobs(state.jobsById, jobs), jobsError: null }));
    } catch (error) {
      set({ jobsError: toErrorPayload(error) });
    }
  },

  async startJob(client, request) {
    const job = await client.invoke('jobs:start', request);
    set((state) => ({
      jobsById: { ...state.jobsById, [job.id]: newerOf(state.jobsById[job.id], job) },
    }));
    return job;
  },

  async setJobRate(client, jobId, bytesPerSecond) {
    await client.invoke('jobs:set-rate', { jobId, bytesPerSecond });
    // The service changes the limit without an event: the summary here follows what it accepted.
    patchJob(set, jobId, { rateLimit: bytesPerSecond });
  },

  async setJobPaused(client, jobId, isPaused) {
    await client.invoke(isPaused ? 'jobs:pause' : 'jobs:resume', { jobId });
    patchJob(set, jobId, { isPaused });
  },

  async cancelJob(client, jobId) {
    await client.invoke('jobs:cancel', { jobId });
  },
});

function patchJob(
  set: Parameters<SliceCreator<JobsSlice>>[0],
  jobId: string,
  change: Pick<Partial<JobSummary>, 'rateLimit' | 'isPaused'>,
): void {
  set((state) => {
    const job = state.jobsById[jobId];
    if (job === undefined || isFinished(job)) return state;
    return { jobsById: { ...state.jobsById, [jobId]: { ...job, ...change } } };
  });
}

// A finished job never runs again: a later-computed running summary must not revive it.
function newerOf(known: JobSummary | undefined, incoming: JobSummary): JobSummary {
  return known !== undefined && isFinished(known) && !isFinished(incoming) ? known : incoming;
}

// A jobs:list answer may have been computed before a job-finished event that arrived first; a
// finished job never runs again, so the snapshot must not turn it back to running.
function mergeJobs(
  current: Readonly<Record<string, JobSummary>>,
  listed: readonly JobSummary[],
): Record<string, JobSummary> {
  const merged: Record<string, JobSummary> = {};
  for (const job of listed) merged[job.id] = newerOf(current[job.id], job);
  return merged;
}

function isFinished(job: JobSummary): boolean {
  return job.state !== 'running';
}

/** The jobs slice's part of a batch of new events (in seq order); undefined when none touch it. */
export function foldJobEvents(
  state: JobsSlice,
  events: readonly ConsoleEvent[],
): SliceChange<JobsSlice> | undefined {
  let jobsById: Record<string, JobSummary> | undefined;
  let jobProgress: Record<string, MutableJob> | undefined;
  const newNotices: Notice[] = [];
  // Each touched job and target is copied once per batch, then written in place.
  const copiedJobs = new Set<string>();
  const copiedTargets = new Set<string>();

  const jobDraft = (jobId: string): MutableJob => {
    jobProgress ??= { ...(state.jobProgress as Record<string, MutableJob>) };
    let job = jobProgress[jobId];
    if (job === undefined || !copiedJobs.has(jobId)) {
      job = { ...job, targets: { ...job?.targets } };
      jobProgress[jobId] = job;
      copiedJobs.add(jobId);
    }
    return job;
  };
  const targetDraft = (jobId: string, target: string): MutableTarget => {
    const job = jobDraft(jobId);
    const key = JSON.stringify([jobId, target]);
    let progress = ownEntry(job.targets, target);
    if (progress === undefined || !copiedTargets.has(key)) {
      progress = {
        ...progress,
        vbuckets: { ...progress?.vbuckets },
        streamedFrom: { ...progress?.streamedFrom },
        tally: { ...(progress?.tally ?? EMPTY_TALLY) },
      };
      job.targets[target] = progress;
      copiedTargets.add(key);
    }
    return progress;
  };

  for (const event of events) {
    switch (event.type) {
      case 'job-started':
      case 'job-finished':
        jobsById ??= { ...state.jobsById };
        jobsById[event.job.id] = event.job;
        break;
      case 'job-updated':
        // Updates come while a job runs; one that crossed its job-finished must not revive it.
        jobsById ??= { ...state.jobsById };
        jobsById[event.job.id] = newerOf(jobsById[event.job.id], event.job);
        break;
      case 'vbucket-state':
        setVbucketState(targetDraft(event.jobId, event.target), event.vbucket, event.state);
        break;
      case 'estimate':
        targetDraft(event.jobId, event.target).estimatedKeys = event.keys;
        break;
      case 'pass':
        targetDraft(event.jobId, event.target).lastPass = event.report;
        break;
      case 'verify-progress':
        jobDraft(event.jobId).checkedKeys = event.checkedKeys;
        break;
      case 'notice':
        newNotices.push({
          seq: event.seq,
          jobId: event.jobId,
          ...(event.target === undefined ? {} : { target: event.target }),
          message: event.message,
        });
        break;
      default:
        break;
    }
  }

  const change: SliceChange<JobsSlice> = {};
  if (jobsById !== undefined) change.jobsById = jobsById;
  if (jobProgress !== undefined) change.jobProgress = jobProgress;
  if (newNotices.length > 0) {
    change.notices = [...state.notices, ...newNotices].slice(-NOTICE_CAPACITY);
  }
  return Object.keys(change).length === 0 ? undefined : change;
}

interface MutableTarget {
  vbuckets: Record<number, VbucketState>;
  streamedFrom: Record<number, string>;
  tally: { -readonly [K in keyof VbucketTally]: number };
  estimatedKeys?: number;
  lastPass?: PassReport;
}

/** The tally of a target no event has named yet. */
export const EMPTY_TALLY: VbucketTally = { pending: 0, streaming: 0, done: 0, failed: 0 };

// The tally moves the vbucket from its old state's count to its new one: a batch of 1,024 events
// costs 1,024 small steps, and no reader ever counts the whole record again.
function setVbucketState(target: MutableTarget, vbucket: number, next: VbucketState): void {
  const previous = target.vbuckets[vbucket];
  if (previous !== undefined) target.tally[previous.state]--;
  target.tally[next.state]++;
  target.vbuckets[vbucket] = next;
  if (next.state === 'streaming' || next.state === 'done') {
    target.streamedFrom[vbucket] = next.source;
  }
}

interface MutableJob {
  targets: Record<string, MutableTarget>;
  checkedKeys?: number;
}

export const selectJob = (jobId: string) => (state: ConsoleState) => state.jobsById[jobId];

/** Every job, newest first: a derived array, so read it with `useShallow`. */
export const selectJobList = (state: ConsoleState): JobSummary[] =>
  Object.values(state.jobsById).sort((a, b) => b.startedAt.localeCompare(a.startedAt));

/** A cluster's jobs, newest first: a derived array, so read it with `useShallow`. */
export const selectClusterJobs =
  (clusterId: string | null) =>
  (state: ConsoleState): JobSummary[] =>
    selectJobList(state).filter((job) => job.clusterId === clusterId);

/**
 * The job the live view shows: the one the operator chose (`liveJobId`) when it belongs to the
 * selected cluster, else that cluster's newest running job, else its newest job; null when the
 * cluster has none.
 */
export const selectWatchedJobId = (state: ConsoleState): string | null => {
  const clusterId = state.selectedClusterId;
  const chosen = state.liveJobId === null ? undefined : state.jobsById[state.liveJobId];
  if (chosen !== undefined && chosen.clusterId === clusterId) return chosen.id;
  let newest: JobSummary | undefined;
  let newestRunning: JobSummary | undefined;
  for (const job of Object.values(state.jobsById)) {
    if (job.clusterId !== clusterId) continue;
    if (newest === undefined || job.startedAt > newest.startedAt) newest = job;
    if (
      !isFinished(job) &&
      (newestRunning === undefined || job.startedAt > newestRunning.startedAt)
    )
      newestRunning = job;
  }
  return (newestRunning ?? newest)?.id ?? null;
};

/** A job's notices, newest first, at most `limit`: derived, so read it with `useShallow`. */
export const selectJobNotices =
  (jobId: string, limit: number) =>
  (state: ConsoleState): Notice[] => {
    const notices: Notice[] = [];
    for (let i = state.notices.length - 1; i >= 0 && notices.length < limit; i--) {
      const notice = state.notices[i];
      if (notice?.jobId === jobId) notices.push(notice);
    }
    return notices;
  };

/** One target's vbucket states: its identity changes only when an event named that target. */
export const selectTargetVbuckets =
  (jobId: string, target: string) =>
  (state: ConsoleState): Readonly<Record<number, VbucketState>> | undefined =>
    ownEntry(state.jobProgress[jobId]?.targets, target)?.vbuckets;

export const selectTargetTally =
  (jobId: string, target: string) =>
  (state: ConsoleState): VbucketTally =>
    ownEntry(state.jobProgress[jobId]?.targets, target)?.tally ?? EMPTY_TALLY;
