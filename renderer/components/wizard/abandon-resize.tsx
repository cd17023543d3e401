/**
 * Abandoning (or, once complete, closing) a resize: behind a confirmation that says what it does
 * and does not do, and disabled while a step runs (the service refuses it then).
 */
import { useId, useState } from 'react';
import type { ResizeWizard } from '../../../core/console/contract.js';
import { useConsole, useConsoleClient } from '../console-context.js';
import { ErrorBox } from './step-parts.js';
import { useCall } from './use-call.js';

export function AbandonResize({ wizard }: { readonly wizard: ResizeWizard }) {
  const client = useConsoleClient();
  const abandonWizard = useConsole((state) => state.abandonWizard);
  const call = useCall();
  const [isConfirming, setConfirming] = useState(false);
  const id = useId();
  const isComplete = wizard.current === 'complete';
  const runningStep = wizard.steps.find((step) => step.state === 'running');
  const label = isComplete ? 'Close this resize' : 'Abandon resize';

  return (
    <div className="wizard-abandon">
      <button
        type="button"
        className={isComplete ? undefined : 'danger-outline'}
        disabled={runningStep !== undefined || isConfirming}
        aria-describedby={runningStep === undefined ? undefined : `${id}-why`}
        onClick={() => {
          call.clearError();
          setConfirming(true);
        }}
      >
        {label}…
      </button>
      {runningStep !== undefined && (
        <p id={`${id}-why`} className="hint">
          Step {runningStep.step} is running: wait for it to end first.
        </p>
      )}
      {isConfirming && (
        <div
          className="wizard-confirm"
          role="alertdialog"
          aria-labelledby={`${id}-title`}
          aria-describedby={`${id}-text`}
        >
          <p id={`${id}-title`}>
            <strong>
              {isComplete
                ? `Close the resize of ${wizard.clusterName}?`
                : `Abandon the resize of ${wizard.clusterName}?`}
            </strong>
          </p>
          <p id={`${id}-text`}>
            {isComplete
              ? 'Its report is no longer shown here: save it first. The activity log keeps every action.'
              : 'The console stops following it. Nothing already done is undone: each node keeps the cluster_settings it holds now, so check them before the cluster is resized again.'}
          </p>
          {call.error !== null && <ErrorBox error={call.error} lead="Not abandoned" />}
          <div className="wizard-confirm-buttons">
            <button
              type="button"
              className={isComplete ? 'primary' : 'danger'}
              disabled={call.isRunning || runningStep !== undefined}
              onClick={() =>
                void call
                  .run(() => abandonWizard(client, wizard.clusterId))
                  .then((isDone) => isDone && setConfirming(false))
              }
            >
              {call.isRunning ? 'Working…' : isComplete ? 'Close it' : 'Abandon the resize'}
            </button>
            <button type="button" onClick={() => setConfirming(false)} disabled={call.isRunning}>
              {isComplete ? 'Keep it' : 'Keep going'}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
