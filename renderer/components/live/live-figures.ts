/**
 * The numbers the live view shows, computed from the store without React: how far each target is,
 * when it will be done, and what the inject rule did. The ETA is honest: it says "estimating…"
 * until there is a basis (an estimate of the keys that covers every source, and a few seconds of
 * rate), and never shows a time it cannot back.
 */
import type { JobSummary, NodeCounters } from '../../../core/console/contract.js';
import { formatBytes, formatDuration, formatRate } from '../../../core/util/format-units.js';
import type { ConsoleState } from '../../store/console-state.js';
import { EMPTY_TALLY, type VbucketTally } from '../../store/jobs-slice.js';
import { recentRate, seriesKey } from '../../store/metrics-slice.js';
import { ownEntry } from '../../../core/shared/own-entry.js';

/** Seconds of samples the rate behind an ETA is averaged over. */
export const RATE_WINDOW = 10;
/** Samples needed before a rate is a basis for an ETA. */
export const MIN_RATE_SAMPLES = 3;

export type Eta =
  | { readonly kind: 'ended' }
  | { readonly kind: 'not-started' }
  | { readonly kind: 'paused' }
  | { readonly kind: 'estimating' }
  | { readonly kind: 'stalled' }
  | { readonly kind: 'finishing' }
  | { readonly kind: 'remaining'; readonly ms: number };

export interface EtaBasis {
  readonly isEnded: boolean;
  readonly isPaused: boolean;
  readonly tally: VbucketTally;
  readonly estimatedKeys: number | undefined;
  readonly movedKeys: number;
  readonly keysPerSecond: number;
  readonly rateSamples: number;
}

export function targetEta(basis: EtaBasis): Eta {
  const { tally } = basis;
  if (basis.isEnded) return { kind: 'ended' };
  if (tally.pending + tally.streaming + tally.done + tally.failed === 0) {
    return { kind: 'not-started' };
  }
  if (tally.pending + tally.streaming === 0) return { kind: 'finishing' };
  if (basis.isPaused) return { kind: 'paused' };
  // Each source adds its share to the estimate when it starts: while vbuckets wait for a source,
  // the estimate is short of the truth, and an ETA from it would be too early.
  if (basis.estimatedKeys === undefined || tally.pending > 0) return { kind: 'estimating' };
  if (basis.rateSamples < MIN_RATE_SAMPLES) return { kind: 'estimating' };
  const remaining = basis.estimatedKeys - basis.movedKeys;
  // Past the estimate, the sources are in their confirming passes (or the estimate was low).
  if (remaining <= 0) return { kind: 'finishing' };
  if (basis.keysPerSecond <= 0) return { kind: 'stalled' };
  return { kind: 'remaining', ms: (remaining / basis.keysPerSecond) * 1000 };
}

/**
 * The whole job's ETA: its targets run side by side, so it ends with the last; any target
 * without a basis (one not started yet among them) leaves the whole without one.
 */
export function overallEta(etas: readonly Eta[]): Eta {
  if (etas.length === 0 || etas.every((eta) => eta.kind === 'ended')) return { kind: 'ended' };
  const open = etas.filter((eta) => eta.kind !== 'ended');
  if (open.some((eta) => eta.kind === 'paused')) return { kind: 'paused' };
  if (open.some((eta) => eta.kind === 'estimating' || eta.kind === 'not-started')) {
    return { kind: 'estimating' };
  }
  if (open.some((eta) => eta.kind === 'stalled')) return { kind: 'stalled' };
  let ms = 0;
  for (const eta of open) if (eta.kind === 'remaining') ms = Math.max(ms, eta.ms);
  return ms === 0 ? { kind: 'finishing' } : { kind: 'remaining', ms };
}

export function describeEta(eta: Eta): string {
  switch (eta.kind) {
    case 'ended':
      return '—';
    case 'not-started':
      return 'not started';
    case 'paused':
      return 'paused';
    case 'estimating':
      return 'estimating…';
    case 'stalled':
      return 'stalled: no keys moved lately';
    case 'finishing':
      return 'finishing: confirming passes';
    case 'remaining':
      return `about ${formatDuration(eta.ms)} left`;
  }
}

/** Whether the target's resync has ended: its summary is in, or the whole job has ended. */
export function isTargetEnded(job: JobSummary, target: string): boolean {
  return job.state !== 'running' || job.resyncs.some((resync) => resync.target === target);
}

/** The target's own running totals (keys and bytes in, what the inject rule did). */
export function targetTotals(
  state: ConsoleState,
  jobId: string,
  target: string,
): NodeCounters | undefined {
  return ownEntry(state.totals[jobId], target)?.find((node) => node.role === 'target');
}

export function targetEtaOf(state: ConsoleState, jobId: string, target: string): Eta {
  const job = state.jobsById[jobId];
  const progress = ownEntry(state.jobProgress[jobId]?.targets, target);
  const rate = recentRate(state.throughput[seriesKey(jobId, target, target)], RATE_WINDOW);
  return targetEta({
    isEnded: job === undefined || isTargetEnded(job, target),
    isPaused: job?.isPaused ?? false,
    tally: progress?.tally ?? EMPTY_TALLY,
    estimatedKeys: progress?.estimatedKeys,
    movedKeys: targetTotals(state, jobId, target)?.keys ?? 0,
    keysPerSecond: rate.keysPerSecond,
    rateSamples: rate.samples,
  });
}

export function jobEtaOf(state: ConsoleState, jobId: string): Eta {
  const job = state.jobsById[jobId];
  if (job === undefined) return { kind: 'ended' };
  return overallEta(job.targets.map((target) => targetEtaOf(state, jobId, target)));
}

/** The target's rate over the last few seconds: what it takes in now, not on average. */
export function describeTargetRate(state: ConsoleState, jobId: string, target: string): string {
  const rate = recentRate(state.throughput[seriesKey(jobId, target, target)], 3);
  if (rate.samples === 0) return 'no rate yet';
  return `${formatBytes(rate.bytesPerSecond)}/s, ${formatRate(rate.keysPerSecond)} keys/s`;
}

// Rate limits and throughput are read in the units of format-units, the one rule for them.
export { formatRateLimit, MIB } from '../../../core/util/format-units.js';

/** What the inject rule did with the keys, in the order the operator reads them. */
export const COUNT_NAMES = [
  ['added', 'added', 'keys the target did not have'],
  ['replaced', 'replaced', 'keys the target had older, replaced by CAS'],
  [
    'skippedNewer',
    'skipped (newer)',
    'keys the target already had newer (or as new, with another value), left alone',
  ],
  ['alreadyThere', 'already there', 'keys the target already had, the same copy, left alone'],
  ['raced', 'raced', 'times a client changed a key between our read and our write'],
  ['vanished', 'vanished', 'keys deleted or expired before they were fetched'],
] as const;
