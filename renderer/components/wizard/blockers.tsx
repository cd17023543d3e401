/**
 * Step 4's gate: why the new servers list may not be written yet, and the operator's logged
 * override. Writing it too early drops the old replicas while new ones still miss keys.
 */
import { useId, useState } from 'react';
import type { ResizeWizard } from '../../../core/console/contract.js';
import { useConsole, useConsoleClient } from '../console-context.js';
import { formatTime } from '../format-time.js';
import { RepairActions } from './repair-actions.js';
import { ErrorBox } from './step-parts.js';
import { useCall } from './use-call.js';

/** The service refuses shorter reasons: whoever reviews the resize must learn why. */
export const MIN_OVERRIDE_REASON = 10;

/** Why step 4's write may not go ahead now; null when it may. */
export function writeBlockedReason(wizard: ResizeWizard): string | null {
  if (wizard.blockers.length === 0 || wizard.override !== undefined) return null;
  return 'Disabled while the blockers listed above stand.';
}

export function Blockers({ wizard }: { readonly wizard: ResizeWizard }) {
  if (wizard.blockers.length === 0) {
    return (
      <div className="wizard-blockers is-clear" role="status">
        <p>
          <span aria-hidden="true">✓ </span>Nothing blocks writing the new servers list.
        </p>
        {wizard.override !== undefined && <OverrideNote override={wizard.override} />}
      </div>
    );
  }
  return (
    <div className="wizard-blockers" role="alert" aria-labelledby="wizard-blockers-heading">
      <h4 id="wizard-blockers-heading">
        <span aria-hidden="true">⚠ </span>
        The new servers list cannot be written yet
      </h4>
      <ul>
        {wizard.blockers.map((blocker) => (
          <li key={blocker}>{blocker}</li>
        ))}
      </ul>
      {wizard.override === undefined && wizard.repair !== undefined && (
        <RepairActions wizard={wizard} repair={wizard.repair} />
      )}
      {wizard.override !== undefined ? (
        <OverrideNote override={wizard.override} />
      ) : (
        <OverrideForm clusterId={wizard.clusterId} />
      )}
    </div>
  );
}

/** How step 4 went through, for its Done line: an override is never left unsaid. */
export function overrideOutcome(wizard: ResizeWizard): string {
  const { override } = wizard;
  return override === undefined
    ? 'No override: a clean verify let the write through.'
    : `Went through an override (${formatTime(override.at)}): “${override.reason}”.`;
}

function OverrideNote({ override }: { readonly override: NonNullable<ResizeWizard['override']> }) {
  return (
    <p className="wizard-override-note">
      <strong>Overridden</strong> {formatTime(override.at)}: “{override.reason}”. The override is in
      the activity log and the resize report.
    </p>
  );
}

function OverrideForm({ clusterId }: { readonly clusterId: string }) {
  const client = useConsoleClient();
  const overrideWizardBlockers = useConsole((state) => state.overrideWizardBlockers);
  const call = useCall();
  const [reason, setReason] = useState('');
  const id = useId();
  const length = reason.trim().length;
  return (
    <details className="override">
      <summary>Override the blockers…</summary>
      <p className="wizard-warning">
        <span aria-hidden="true">⚠ </span>
        Writing the new servers list while these blockers stand can lose keys for good: nodes
        leaving the cluster stop being read. The override, with your reason and the time, is logged
        in the activity log and the resize report.
      </p>
      <label htmlFor={`${id}-reason`} className="field-label">
        Why it is safe to go ahead
      </label>
      <textarea
        id={`${id}-reason`}
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        rows={3}
        aria-describedby={`${id}-count`}
        maxLength={2000}
      />
      <p id={`${id}-count`} className="hint">
        {length < MIN_OVERRIDE_REASON
          ? `At least ${MIN_OVERRIDE_REASON} characters (${length} so far).`
          : `${length} characters.`}
      </p>
      {call.error !== null && <ErrorBox error={call.error} lead="The override was refused" />}
      <button
        type="button"
        className="danger"
        disabled={length < MIN_OVERRIDE_REASON || call.isRunning}
        onClick={() =>
          void call.run(() => overrideWizardBlockers(client, clusterId, reason.trim()))
        }
      >
        {call.isRunning ? 'Recording…' : 'Override and allow the write'}
      </button>
    </details>
  );
}
