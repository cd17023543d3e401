/**
 * What the operator can do to a running job: throttle it, pause or resume it, cancel it. Each
 * answers with the service's own words when it is refused. A job that has ended has nothing left
 * to control: none are shown then.
 */
import { useState } from 'react';
import type { ErrorPayload, JobSummary } from '../../../core/console/contract.js';
import { toErrorPayload } from '../../api/console-client.js';
import { useConsole, useConsoleClient } from '../console-context.js';
import { ThrottleControl } from '../throttle/throttle-control.js';

export function JobControls({ job }: { readonly job: JobSummary }) {
  const client = useConsoleClient();
  const setJobRate = useConsole((state) => state.setJobRate);
  const setJobPaused = useConsole((state) => state.setJobPaused);
  const cancelJob = useConsole((state) => state.cancelJob);
  const [error, setError] = useState<{ action: string; payload: ErrorPayload } | null>(null);
  const [busy, setBusy] = useState<'pause' | 'cancel' | null>(null);
  const [isConfirmingCancel, setIsConfirmingCancel] = useState(false);
  const isEnded = job.state !== 'running';
  const isThrottled = job.kind !== 'verify';
  if (isEnded) return null;

  const run = async (action: string, call: () => Promise<void>) => {
    setError(null);
    try {
      await call();
    } catch (failure) {
      setError({ action, payload: toErrorPayload(failure) });
      throw failure;
    }
  };

  return (
    <section className="job-controls" aria-label="Job controls">
      {isThrottled && (
        <ThrottleControl
          label="Rate limit into each target"
          value={job.rateLimit}
          isDisabled={isEnded}
          onCommit={(rate) => run('change the rate limit', () => setJobRate(client, job.id, rate))}
        />
      )}
      <div className="job-buttons">
        {isThrottled && (
          <button
            type="button"
            disabled={isEnded || busy !== null}
            aria-pressed={job.isPaused}
            onClick={() => {
              setBusy('pause');
              run(job.isPaused ? 'resume' : 'pause', () =>
                setJobPaused(client, job.id, !job.isPaused),
              )
                .catch(() => {})
                .finally(() => setBusy(null));
            }}
          >
            {job.isPaused ? '▶ Resume' : '‖ Pause'}
          </button>
        )}
        {!isConfirmingCancel && (
          <button
            type="button"
            className="danger"
            disabled={isEnded || busy !== null}
            onClick={() => setIsConfirmingCancel(true)}
          >
            Cancel job…
          </button>
        )}
      </div>
      {isConfirmingCancel && !isEnded && (
        <div className="confirm" role="alertdialog" aria-labelledby={`cancel-${job.id}`}>
          <p id={`cancel-${job.id}`}>
            Cancel this {job.kind}? Vbuckets already streamed stay where they are; the rest are not
            streamed, and a target that has not finished gets no tag record (resync it later).
          </p>
          <div className="job-buttons">
            <button
              type="button"
              className="danger"
              disabled={busy !== null}
              onClick={() => {
                setBusy('cancel');
                run('cancel', () => cancelJob(client, job.id))
                  .then(() => setIsConfirmingCancel(false))
                  .catch(() => {})
                  .finally(() => setBusy(null));
              }}
            >
              {busy === 'cancel' ? 'Cancelling…' : 'Cancel the job'}
            </button>
            <button type="button" onClick={() => setIsConfirmingCancel(false)} autoFocus>
              Keep it running
            </button>
          </div>
        </div>
      )}
      {error !== null && (
        <p className="error" role="alert">
          Could not {error.action}: {error.payload.message}
          <span className="error-code mono"> ({error.payload.code})</span>
        </p>
      )}
    </section>
  );
}
