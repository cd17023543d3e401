/**
 * The order the live view lists a job's targets in: those moving keys first, then those waiting
 * for a source, then those that ended short, then the complete ones; a target with nothing to
 * fetch (its worklist empty: it already holds every vbucket it will own) is not listed on its own,
 * but counted in one line.
 */
import type { JobSummary } from '../../../core/console/contract.js';
import type { ConsoleState } from '../../store/console-state.js';
import { EMPTY_TALLY } from '../../store/jobs-slice.js';
import { ownEntry } from '../../../core/shared/own-entry.js';

export type TargetStanding = 'active' | 'waiting' | 'short' | 'complete' | 'up-to-date';

const RANK: Readonly<Record<TargetStanding, number>> = {
  active: 0,
  waiting: 1,
  short: 2,
  complete: 3,
  'up-to-date': 4,
};

export function standingOf(state: ConsoleState, job: JobSummary, target: string): TargetStanding {
  const summary = job.resyncs.find((resync) => resync.target === target);
  if (summary !== undefined) {
    if (summary.vbuckets === 0 && summary.isComplete) return 'up-to-date';
    return summary.isComplete ? 'complete' : 'short';
  }
  if (job.state !== 'running') return 'short';
  const tally = ownEntry(state.jobProgress[job.id]?.targets, target)?.tally ?? EMPTY_TALLY;
  const isStarted = tally.pending + tally.streaming + tally.done + tally.failed > 0;
  return isStarted ? 'active' : 'waiting';
}

export interface TargetArrangement {
  /** The targets to show one by one, in order. */
  readonly listed: readonly string[];
  /** The targets with nothing to fetch, in the job's order. */
  readonly upToDate: readonly string[];
}

/** Sorts by standing; within one, the job's own order, so that equals never swap places. */
export function arrangeTargets(
  targets: readonly string[],
  standings: readonly TargetStanding[],
): TargetArrangement {
  const ranked = targets.map((target, index) => ({ target, index, standing: standings[index] }));
  const listed = ranked
    .filter((entry) => entry.standing !== 'up-to-date')
    .sort(
      (a, b) => RANK[a.standing ?? 'waiting'] - RANK[b.standing ?? 'waiting'] || a.index - b.index,
    )
    .map((entry) => entry.target);
  const upToDate = ranked
    .filter((entry) => entry.standing === 'up-to-date')
    .map((entry) => entry.target);
  return { listed, upToDate };
}
