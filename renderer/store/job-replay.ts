/**
 * Puts the service's job histories (`jobs:replay`) in place of what this window had built of
 * those jobs from events, so that a window opened late or reloaded shows each job as a window
 * open all along does. A history is turned back into the events that would have built it and
 * folded by the slices' own folds, so there is one way a job's progress is built.
 */
import type { ConsoleEvent, JobReplay, JobsReplay } from '../../core/console/contract.js';
import type { ConsoleState, SliceChange } from './console-state.js';
import { foldJobEvents, NOTICE_CAPACITY, type JobsSlice } from './jobs-slice.js';
import { foldMetricsEvents, type MetricsSlice, type ThroughputSeries } from './metrics-slice.js';

/** Events that tell a job's progress, as a history holds it (not its summary). */
export type JobProgressEvent = Extract<
  ConsoleEvent,
  { type: 'vbucket-state' | 'throughput' | 'estimate' | 'pass' | 'verify-progress' | 'notice' }
>;

const PROGRESS_TYPES = new Set<ConsoleEvent['type']>([
  'vbucket-state',
  'throughput',
  'estimate',
  'pass',
  'verify-progress',
  'notice',
]);

export function isJobProgressEvent(event: ConsoleEvent): event is JobProgressEvent {
  return PROGRESS_TYPES.has(event.type);
}

/**
 * The events that build `job`'s history, all numbered `seq` but its notices, which keep their
 * own. A vbucket whose latest state does not name the source it was streamed from (it failed
 * after streaming) is first streamed from it, as it was.
 */
export function historyEvents(job: JobReplay, seq: number): ConsoleEvent[] {
  const { jobId } = job;
  const events: ConsoleEvent[] = [];
  for (const target of job.targets) {
    const at = { jobId, target: target.target, seq };
    if (target.estimatedKeys !== undefined) {
      events.push({ ...at, type: 'estimate', keys: target.estimatedKeys });
    }
    for (const { vbucket, state, streamedFrom } of target.vbuckets) {
      const named = state.state === 'streaming' || state.state === 'done';
      if (!named && streamedFrom !== undefined) {
        const streaming = { state: 'streaming', source: streamedFrom } as const;
        events.push({ ...at, type: 'vbucket-state', vbucket, state: streaming });
      }
      events.push({ ...at, type: 'vbucket-state', vbucket, state });
    }
    if (target.samples.length > 0 || target.totals.length > 0) {
      events.push({ ...at, type: 'throughput', samples: target.samples, totals: target.totals });
    }
    if (target.lastPass !== undefined)
      events.push({ ...at, type: 'pass', report: target.lastPass });
  }
  if (job.checkedKeys !== undefined) {
    events.push({ type: 'verify-progress', jobId, checkedKeys: job.checkedKeys, seq });
  }
  for (const notice of job.notices) events.push({ type: 'notice', jobId, ...notice });
  return events;
}

/**
 * The store's change that replaces the replayed jobs' progress, throughput, totals and notices
 * with their histories, then folds on top `later`: events that arrived while the replay was on
 * its way (only those past `replay.seq` count; the rest are in the histories already).
 */
export function replayChange(
  state: ConsoleState,
  replay: JobsReplay,
  later: readonly ConsoleEvent[],
): SliceChange<ConsoleState> {
  const replayed = new Set(replay.jobs.map((job) => job.jobId));
  const cleared: ConsoleState = {
    ...state,
    jobProgress: withoutJobs(state.jobProgress, replayed),
    notices: state.notices.filter((notice) => !replayed.has(notice.jobId)),
    throughput: withoutSeries(state.throughput, replayed),
    totals: withoutJobs(state.totals, replayed),
  };
  const events = [
    ...replay.jobs.flatMap((job) => historyEvents(job, replay.seq)),
    ...laterProgress(later, replay.seq, replayed),
  ];
  // Notices folded apart from the others: a history's are older than other jobs' newest, and
  // the list is kept in seq order before it is cut to its capacity.
  const jobs: SliceChange<JobsSlice> = foldJobEvents({ ...cleared, notices: [] }, events) ?? {};
  const metrics: SliceChange<MetricsSlice> = foldMetricsEvents(cleared, events) ?? {};
  return {
    jobProgress: jobs.jobProgress ?? cleared.jobProgress,
    notices: [...cleared.notices, ...(jobs.notices ?? [])]
      .sort((a, b) => a.seq - b.seq)
      .slice(-NOTICE_CAPACITY),
    throughput: metrics.throughput ?? cleared.throughput,
    totals: metrics.totals ?? cleared.totals,
    // The series were replaced: a chart must redraw even where no sample came in.
    throughputRevision: state.throughputRevision + 1,
    replayedThrough: Math.max(state.replayedThrough, replay.seq),
  };
}

function laterProgress(
  later: readonly ConsoleEvent[],
  seq: number,
  replayed: ReadonlySet<string>,
): JobProgressEvent[] {
  const events: JobProgressEvent[] = [];
  let highest = seq;
  for (const event of later) {
    if (event.seq <= highest) continue;
    highest = event.seq;
    if (isJobProgressEvent(event) && replayed.has(event.jobId)) events.push(event);
  }
  return events;
}

function withoutJobs<T>(
  byJob: Readonly<Record<string, T>>,
  jobs: ReadonlySet<string>,
): Record<string, T> {
  return Object.fromEntries(Object.entries(byJob).filter(([jobId]) => !jobs.has(jobId)));
}

function withoutSeries(
  throughput: Readonly<Record<string, ThroughputSeries>>,
  jobs: ReadonlySet<string>,
): Record<string, ThroughputSeries> {
  return Object.fromEntries(Object.entries(throughput).filter(([, s]) => !jobs.has(s.jobId)));
}
