/**
 * Where each target of a wizard's resync stands, counted from its vbuckets' states or, once it
 * has ended, from its summary.
 */
import type { JobSummary, ResyncSummaryJson } from '../../../core/console/contract.js';
import type { TargetProgress } from '../../store/jobs-slice.js';

/** One target's resync, as counted from its vbuckets' states or, once over, its summary. */
export interface TargetTally {
  readonly target: string;
  readonly state: 'waiting' | 'running' | 'complete' | 'incomplete' | 'cancelled';
  /** The vbuckets of the target's worklist (each is announced as pending when it starts). */
  readonly worklist: number;
  readonly done: number;
  readonly failed: number;
}

export function tallyTarget(
  target: string,
  job: JobSummary | undefined,
  progress: TargetProgress | undefined,
): TargetTally {
  const summary: ResyncSummaryJson | undefined = job?.resyncs.find((r) => r.target === target);
  if (summary !== undefined) {
    return {
      target,
      state: summary.isComplete ? 'complete' : summary.cancelled ? 'cancelled' : 'incomplete',
      worklist: summary.vbuckets,
      done: summary.done,
      failed: summary.failed.length,
    };
  }
  // The jobs slice keeps each target's counts by state as events arrive.
  const tally = progress?.tally ?? { pending: 0, streaming: 0, done: 0, failed: 0 };
  const { done, failed } = tally;
  const isStarted = tally.streaming + done + failed > 0;
  return {
    target,
    state:
      job !== undefined && job.state !== 'running'
        ? job.state === 'cancelled'
          ? 'cancelled'
          : 'incomplete'
        : isStarted
          ? 'running'
          : 'waiting',
    worklist: tally.pending + tally.streaming + done + failed,
    done,
    failed,
  };
}

// [glyph, word]: the glyph is hidden from screen readers, the word is what they say.
export const TALLY_STATES: Readonly<Record<TargetTally['state'], readonly [string, string]>> = {
  waiting: ['○', 'waiting'],
  running: ['◐', 'resyncing'],
  complete: ['✓', 'complete'],
  incomplete: ['✕', 'incomplete'],
  cancelled: ['⊘', 'cancelled'],
};

export function GlyphText({ glyphText }: { readonly glyphText: readonly [string, string] }) {
  return (
    <>
      <span aria-hidden="true">{glyphText[0]} </span>
      {glyphText[1]}
    </>
  );
}
