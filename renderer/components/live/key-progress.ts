/**
 * How far a resync is, in keys and bytes. Every vbucket of a target streams at once, so the
 * vbuckets done stay near zero until the end: progress is the keys moved against the keys the
 * sources' item counts say there are to move. Bytes have no estimate of their own (a source's
 * `bytes` stat counts item headers, which are not sent), so the bytes to come are the keys to come
 * at the average size moved so far.
 */
import type { JobSummary } from '../../../core/console/contract.js';
import { formatBytes, formatCount } from '../../../core/util/format-units.js';
import type { ConsoleState } from '../../store/console-state.js';
import type { BarReading } from './live-bar.js';
import { isTargetEnded, targetTotals } from './live-figures.js';
import { ownEntry } from '../../../core/shared/own-entry.js';

export interface KeyProgress {
  readonly movedKeys: number;
  readonly movedBytes: number;
  /** The keys to move in all; undefined until every source has counted its share. */
  readonly estimatedKeys: number | undefined;
  readonly isEnded: boolean;
}

const NOTHING_YET: KeyProgress = {
  movedKeys: 0,
  movedBytes: 0,
  estimatedKeys: undefined,
  isEnded: false,
};

/**
 * While running, a bar stops short of full: the estimate is a sample of the sources' item
 * counts, and the confirming passes still run once it is reached.
 */
export const RUNNING_CAP = 0.99;

/** The share done, from 0 to 1; undefined while there is no estimate to measure it against. */
export function progressFraction(progress: KeyProgress): number | undefined {
  if (progress.isEnded) return 1;
  const { estimatedKeys, movedKeys } = progress;
  if (estimatedKeys === undefined) return undefined;
  if (estimatedKeys <= 0) return movedKeys > 0 ? RUNNING_CAP : 0;
  return Math.min(RUNNING_CAP, movedKeys / estimatedKeys);
}

/** "42% · 12,345 of ~29,000 keys · 48.2 MiB of ~113 MiB", or what is known without an estimate. */
export function describeProgress(progress: KeyProgress): string {
  const { movedKeys, movedBytes, estimatedKeys } = progress;
  const bytes = formatBytes(movedBytes);
  if (progress.isEnded) return `${formatCount(movedKeys)} keys, ${bytes} moved`;
  if (estimatedKeys === undefined) {
    return `${formatCount(movedKeys)} keys, ${bytes} so far; counting the keys to move…`;
  }
  const fraction = progressFraction(progress) ?? 0;
  const ofBytes =
    movedKeys > 0 ? ` of ~${formatBytes((movedBytes / movedKeys) * estimatedKeys)}` : '';
  return (
    `${Math.floor(fraction * 100)}% · ${formatCount(movedKeys)} of ~${formatCount(estimatedKeys)} ` +
    `keys · ${bytes}${ofBytes}`
  );
}

/** One target's progress: its summary once it has ended, its running totals before. */
export function targetProgressOf(state: ConsoleState, jobId: string, target: string): KeyProgress {
  const job = state.jobsById[jobId];
  if (job === undefined) return NOTHING_YET;
  return progressIn(state, job, target);
}

function progressIn(state: ConsoleState, job: JobSummary, target: string): KeyProgress {
  const summary = job.resyncs.find((resync) => resync.target === target);
  if (summary !== undefined) {
    return {
      movedKeys: summary.counts.keys,
      movedBytes: summary.counts.bytes,
      estimatedKeys: summary.counts.keys,
      isEnded: true,
    };
  }
  const moved = targetTotals(state, job.id, target);
  const progress = ownEntry(state.jobProgress[job.id]?.targets, target);
  // A vbucket still pending waits for a source that has not counted its share yet.
  const isCounted = progress !== undefined && progress.tally.pending === 0;
  return {
    movedKeys: moved?.keys ?? 0,
    movedBytes: moved?.bytes ?? 0,
    estimatedKeys: isCounted ? progress.estimatedKeys : undefined,
    isEnded: isTargetEnded(job, target),
  };
}

/** All the job's targets together: the estimate only once every target has one. */
export function jobProgressOf(state: ConsoleState, jobId: string): KeyProgress {
  const job = state.jobsById[jobId];
  if (job === undefined) return NOTHING_YET;
  let movedKeys = 0;
  let movedBytes = 0;
  let estimatedKeys: number | undefined = 0;
  for (const target of job.targets) {
    const part = progressIn(state, job, target);
    movedKeys += part.movedKeys;
    movedBytes += part.movedBytes;
    const partEstimate = part.isEnded ? part.movedKeys : part.estimatedKeys;
    estimatedKeys =
      estimatedKeys === undefined || partEstimate === undefined
        ? undefined
        : estimatedKeys + partEstimate;
  }
  return { movedKeys, movedBytes, estimatedKeys, isEnded: job.state !== 'running' };
}

/** A bar's reading of a progress: its share and the words for it. */
export function readingOf(progress: KeyProgress): BarReading {
  return { fraction: progressFraction(progress), text: describeProgress(progress) };
}
