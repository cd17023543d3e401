/** Jobs (resync, resize, verify), their per-target progress from events, and their notices. */
import type {
  ConsoleEvent,
  ErrorPayload,
  JobSummary,
  PassReport,
  VbucketState,
} from '../../core/console/contract.js';
import { toErrorPayload, type ConsoleClient } from '../api/console-client.js';
import type { ConsoleState, SliceChange, SliceCreator } from './console-state.js';

/** What the events told about one target of a job. */
export interface TargetProgress {
  /** vbucket -> its latest state; only vbuckets an event named. */
  readonly vbuckets: Readonly<Record<number, VbucketState>>;
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
});

// A jobs:list answer may have been computed before a job-finished event that arrived first; a
// finished job never runs again, so the snapshot must not turn it back to running.
function mergeJobs(
  current: Readonly<Record<string, JobSummary>>,
  listed: readonly JobSummary[],
): Record<string, JobSummary> {
  const merged: Record<string, JobSummary> = {};
  for (const job of listed) {
    const known = current[job.id];
    merged[job.id] = known !== undefined && isFinished(known) && !isFinished(job) ? known : job;
  }
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
    let progress = job.targets[target];
    if (progress === undefined || !copiedTargets.has(key)) {
      progress = { ...progress, vbuckets: { ...progress?.vbuckets } };
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
      case 'vbucket-state':
        targetDraft(event.jobId, event.target).vbuckets[event.vbucket] = event.state;
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
  estimatedKeys?: number;
  lastPass?: PassReport;
}

interface MutableJob {
  targets: Record<string, MutableTarget>;
  checkedKeys?: number;
}

export const selectJob = (jobId: string) => (state: ConsoleState) => state.jobsById[jobId];

/** Every job, newest first: a derived array, so read it with `useShallow`. */
export const selectJobList = (state: ConsoleState): JobSummary[] =>
  Object.values(state.jobsById).sort((a, b) => b.startedAt.localeCompare(a.startedAt));

export const selectRunningJobCount = (state: ConsoleState): number =>
  Object.values(state.jobsById).filter((job) => job.state === 'running').length;

export const selectTargetProgress =
  (jobId: string, target: string) =>
  (state: ConsoleState): TargetProgress | undefined =>
    state.jobProgress[jobId]?.targets[target];
