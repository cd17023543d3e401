/**
 * A compact summary of a job a wizard step started (step 3's resyncs, step 4's verify), from the
 * jobs slice; the live view has the rest.
 */
import type { JobSummary, ResyncSummaryJson } from '../../../core/console/contract.js';
import { formatCount } from '../../../core/util/format-units.js';
import type { TargetProgress } from '../../store/jobs-slice.js';
import { useConsole } from '../console-context.js';
import { ErrorNotice } from '../error-notice.js';

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
const TALLY_STATES: Readonly<Record<TargetTally['state'], readonly [string, string]>> = {
  waiting: ['○', 'waiting'],
  running: ['◐', 'resyncing'],
  complete: ['✓', 'complete'],
  incomplete: ['✕', 'incomplete'],
  cancelled: ['⊘', 'cancelled'],
};

const JOB_STATES: Readonly<Record<JobSummary['state'], readonly [string, string]>> = {
  running: ['◐', 'running'],
  succeeded: ['✓', 'succeeded'],
  failed: ['✕', 'failed'],
  cancelled: ['⊘', 'cancelled'],
};

function GlyphText({ glyphText }: { readonly glyphText: readonly [string, string] }) {
  return (
    <>
      <span aria-hidden="true">{glyphText[0]} </span>
      {glyphText[1]}
    </>
  );
}

export function JobProgress(props: { readonly jobId: string; readonly earlierRuns: number }) {
  const { jobId, earlierRuns } = props;
  const job = useConsole((state) => state.jobsById[jobId]);
  const progress = useConsole((state) => state.jobProgress[jobId]);
  const watchJob = useConsole((state) => state.watchJob);
  const targets = job?.targets ?? Object.keys(progress?.targets ?? {});

  return (
    <div className="wizard-job">
      <div className="section-head">
        <p>
          {job?.kind === 'verify' ? 'Verify' : 'Resync'} job <span className="mono">{jobId}</span>:{' '}
          {job === undefined ? (
            <span className="muted">waiting for its first report…</span>
          ) : (
            <span className={`job-state job-state-${job.state}`}>
              <GlyphText glyphText={JOB_STATES[job.state]} />
              {job.isPaused && ', paused'}
            </span>
          )}
          {earlierRuns > 0 && (
            <span className="muted">
              {' '}
              (after {earlierRuns} earlier {earlierRuns === 1 ? 'run' : 'runs'})
            </span>
          )}
        </p>
        <button type="button" onClick={() => watchJob(jobId)}>
          Open live view
        </button>
      </div>
      {job?.error !== undefined && <ErrorNotice error={job.error} what="The resync job failed" />}
      {targets.length > 0 && (
        <table className="node-table wizard-targets">
          <caption>Resync of each target</caption>
          <thead>
            <tr>
              <th scope="col">Target</th>
              <th scope="col">State</th>
              <th scope="col" className="number">
                vbuckets done
              </th>
              <th scope="col" className="number">
                Failed
              </th>
            </tr>
          </thead>
          <tbody>
            {targets.map((target) => {
              const tally = tallyTarget(target, job, progress?.targets[target]);
              return (
                <tr key={target} className={`tally-${tally.state}`}>
                  <th scope="row" className="mono">
                    {target}
                  </th>
                  <td>
                    <span className={`tally-state tally-state-${tally.state}`}>
                      <GlyphText glyphText={TALLY_STATES[tally.state]} />
                    </span>
                  </td>
                  <td className="number">
                    {tally.done} of {tally.worklist}
                  </td>
                  <td className={`number${tally.failed > 0 ? ' has-failed' : ''}`}>
                    {tally.failed}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {job?.kind === 'verify' && (
        <p>
          {job.verify !== undefined
            ? job.verify.isClean
              ? `✓ ${formatCount(job.verify.checked)} keys checked: none missing or stale.`
              : `✕ ${formatCount(job.verify.checked)} keys checked: ${formatCount(job.verify.missing)} missing, ${formatCount(job.verify.stale)} stale.`
            : `${formatCount(progress?.checkedKeys ?? 0)} keys checked so far.`}
        </p>
      )}
    </div>
  );
}
