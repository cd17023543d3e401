/** Steps 2 and 5: every node reads cluster_settings again, by the profile's command or by hand. */
import type { ResizeWizard } from '../../../core/console/contract.js';
import { ByHandConfirm, ErrorBox } from './step-parts.js';
import { useRemoteStep } from './use-remote-step.js';

export function ReloadStep(props: { readonly wizard: ResizeWizard; readonly step: 2 | 5 }) {
  const { wizard, step } = props;
  const { call, status, nodes, isFailed, runStep } = useRemoteStep(wizard, step);

  if (status?.state === 'running') {
    return (
      <p className="step-running" role="status">
        Reloading on every node: each node’s state above changes as it is done.
      </p>
    );
  }

  const byHand = (
    <>
      <p>
        Reload cluster_settings on each of these nodes yourself, then confirm:{' '}
        <span className="mono">{nodes.join(', ')}</span>.
      </p>
      <ByHandConfirm
        statement={`I have reloaded cluster_settings on every node (${nodes.length})`}
        buttonLabel={`Confirm step ${step} done by hand`}
        isDisabled={false}
        isRunning={call.isRunning}
        onConfirm={() => runStep(true)}
      />
    </>
  );
  const canReload = wizard.remote === 'ssh' && wizard.canReload;

  return (
    <div className="reload-step">
      <p>
        {step === 2
          ? 'Each node reads its cluster_settings again, so that it works with both lists while the resize runs.'
          : 'Each node reads its cluster_settings again, so that it works with the new servers list alone.'}
      </p>
      {call.error !== null && <ErrorBox error={call.error} lead={`Step ${step} did not run`} />}
      {canReload ? (
        <>
          <p className="hint">Runs the reload command of the cluster’s profile on every node.</p>
          <button
            type="button"
            className="primary"
            disabled={call.isRunning}
            onClick={() => runStep(false)}
          >
            {call.isRunning
              ? 'Starting…'
              : isFailed
                ? 'Retry the reload on every node'
                : 'Reload every node'}
          </button>
          <details className="by-hand-fallback">
            <summary>Do this step by hand instead</summary>
            {byHand}
          </details>
        </>
      ) : (
        <>
          <p className="hint">
            {wizard.remote === 'by-hand'
              ? 'This cluster’s nodes are changed by hand, so the console cannot reload them.'
              : 'The cluster’s profile has no reload command, so reloads are done by hand.'}
          </p>
          {byHand}
        </>
      )}
    </div>
  );
}
