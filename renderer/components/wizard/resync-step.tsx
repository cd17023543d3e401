/** Step 3: resync every node that gains vbuckets, with the operator's choice of kind and rate. */
import { useId, useState } from 'react';
import type { ResizeWizard } from '../../../core/console/contract.js';
import { useConsole, useConsoleClient } from '../console-context.js';
import { ThrottleControl } from '../throttle/throttle-control.js';
import { JobProgress } from './job-progress.js';
import { ErrorBox } from './step-parts.js';
import { useCall } from './use-call.js';

export function ResyncStep({ wizard }: { readonly wizard: ResizeWizard }) {
  const status = wizard.steps.find((candidate) => candidate.step === 3);
  const jobIds = status?.jobIds ?? [];
  const latest = jobIds.at(-1);
  return (
    <div className="resync-step">
      <p>
        Every node that gains vbuckets is filled with their keys from the replicas that hold them
        now. The cluster keeps serving while it runs.
      </p>
      {latest !== undefined && <JobProgress jobId={latest} earlierRuns={jobIds.length - 1} />}
      {status?.state === 'running' ? (
        <p className="step-running" role="status">
          Resyncing. The step is done when every target holds its whole worklist.
        </p>
      ) : (
        <ResyncOptions wizard={wizard} isRetry={status?.state === 'failed'} />
      )}
    </div>
  );
}

function ResyncOptions(props: { readonly wizard: ResizeWizard; readonly isRetry: boolean }) {
  const { wizard, isRetry } = props;
  const client = useConsoleClient();
  const runWizardStep = useConsole((state) => state.runWizardStep);
  const call = useCall();
  const [isFull, setFull] = useState(false);
  const [rateLimit, setRateLimit] = useState(0);
  const [hasRateTypo, setRateTypo] = useState(false);
  const id = useId();

  return (
    <form
      className="resync-options"
      onSubmit={(event) => {
        event.preventDefault();
        if (hasRateTypo) return;
        void call.run(() =>
          runWizardStep(client, { clusterId: wizard.clusterId, step: 3, full: isFull, rateLimit }),
        );
      }}
    >
      <fieldset>
        <legend>What to copy</legend>
        <label>
          <input
            type="radio"
            name={`${id}-kind`}
            checked={!isFull}
            onChange={() => setFull(false)}
          />{' '}
          Minimal: only the vbuckets each node gains (its worklist)
        </label>
        <label>
          <input type="radio" name={`${id}-kind`} checked={isFull} onChange={() => setFull(true)} />{' '}
          Full: every vbucket each node will hold (slower)
        </label>
      </fieldset>
      <ThrottleControl
        label="Rate limit per target"
        value={rateLimit}
        debounceMs={0}
        onCommit={setRateLimit}
        onTypo={setRateTypo}
        hint="It can be changed while the resync runs."
      />
      {call.error !== null && <ErrorBox error={call.error} lead="The resync did not start" />}
      <button type="submit" className="primary" disabled={call.isRunning || hasRateTypo}>
        {call.isRunning ? 'Starting…' : isRetry ? 'Retry the resync' : 'Start the resync'}
      </button>
    </form>
  );
}
