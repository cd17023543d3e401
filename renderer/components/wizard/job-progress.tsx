/**
 * A compact summary of a job a wizard step started (step 3's resyncs, step 4's verify), from the
 * jobs slice; the live view has the rest.
 */
import type { JobSummary } from '../../../core/console/contract.js';
import { formatCount } from '../../../core/util/format-units.js';
import { useConsole } from '../console-context.js';
import { ErrorNotice } from '../error-notice.js';
import { JobBar, TargetProgressTable } from './target-progress-table.js';
import { GlyphText } from './target-tally.js';

// [glyph, word]: the glyph is hidden from screen readers, the word is what they say.
const JOB_STATES: Readonly<Record<JobSummary['state'], readonly [string, string]>> = {
  running: ['◐', 'running'],
  succeeded: ['✓', 'succeeded'],
  failed: ['✕', 'failed'],
  cancelled: ['⊘', 'cancelled'],
};

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
      {job !== undefined && job.kind !== 'verify' && targets.length > 0 && <JobBar jobId={jobId} />}
      {targets.length > 0 && (
        <TargetProgressTable jobId={jobId} job={job} progress={progress} targets={targets} />
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
