/**
 * The blockers box's way forward short of an override: resync the vbuckets the blockers list,
 * then verify again. A clean verify clears the blockers; until then, what was done is said here.
 */
import type { ResizeWizard, WizardRepair } from '../../../core/console/contract.js';
import { useConsole, useConsoleClient } from '../console-context.js';
import { formatTime } from '../format-time.js';
import { ErrorBox } from './step-parts.js';
import { useCall } from './use-call.js';

export function RepairActions(props: {
  readonly wizard: ResizeWizard;
  readonly repair: WizardRepair;
}) {
  const { wizard, repair } = props;
  const client = useConsoleClient();
  const repairWizardBlockers = useConsole((state) => state.repairWizardBlockers);
  const call = useCall();
  const isVerifying = wizard.steps.some((step) => step.step === 4 && step.state === 'running');
  const isResyncing = repair.runningJobIds.length > 0;
  const isBusy = call.isRunning || isVerifying || isResyncing;
  // The next thing to do stands out: resync first, then verify what the resync restored.
  const isVerifyNext = repair.resyncedAt !== undefined || repair.vbuckets.length === 0;
  const run = (action: 'resync' | 'verify') =>
    void call.run(() => repairWizardBlockers(client, wizard.clusterId, action));
  return (
    <div className="wizard-repair">
      <p>
        Listed vbuckets: <span className="mono">{repair.vbuckets.join(', ')}</span>. A resync
        streams them again into the new nodes that will hold them, never over newer data.
      </p>
      <p className="hint" role="status">
        {repairStatus(repair, isVerifying)}
      </p>
      {call.error !== null && <ErrorBox error={call.error} lead="Not started" />}
      <div className="wizard-repair-buttons">
        <button
          type="button"
          className={isVerifyNext ? undefined : 'primary'}
          disabled={isBusy || repair.vbuckets.length === 0}
          onClick={() => run('resync')}
        >
          {isResyncing ? 'Resyncing the listed vbuckets…' : 'Resync the listed vbuckets'}
        </button>
        {repair.needsVerify && (
          <button
            type="button"
            className={isVerifyNext ? 'primary' : undefined}
            disabled={isBusy}
            onClick={() => run('verify')}
          >
            {isVerifying ? 'Verifying…' : 'Verify again'}
          </button>
        )}
      </div>
    </div>
  );
}

function repairStatus(repair: WizardRepair, isVerifying: boolean): string {
  if (isVerifying)
    return 'Verifying again: nothing is written; a clean verify clears the blockers.';
  const running = repair.runningJobIds.length;
  if (running > 0) {
    return `${running === 1 ? 'One resync' : `${running} resyncs`} of the listed vbuckets running (see the Live tab).`;
  }
  if (repair.resyncedAt !== undefined) {
    return `Resynced at ${formatTime(repair.resyncedAt)}: verify again to clear the blockers.`;
  }
  return repair.needsVerify
    ? 'Resync the listed vbuckets, then verify again.'
    : 'Resync the listed vbuckets: step 3 left them unfilled.';
}
