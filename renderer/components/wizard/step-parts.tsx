/** The pieces every step of the resize wizard shows: node statuses, times, errors, confirmations. */
import { useId, useState } from 'react';
import type {
  ErrorPayload,
  WizardNodeStatus,
  WizardStep,
  WizardStepNumber,
} from '../../../core/console/contract.js';
import { formatDuration } from '../../../core/util/format-units.js';
import { formatTime } from '../format-time.js';
import { nodeRole } from './server-change.js';

export const STEP_TITLES: Readonly<Record<WizardStepNumber, string>> = {
  1: 'Write servers and new_servers on every node',
  2: 'Reload cluster_settings on every node',
  3: 'Resync every node',
  4: 'Verify, then write the new servers list',
  5: 'Reload again and finish',
};

// A glyph beside every state's word, so that colour is never the only sign.
const NODE_STATES: Readonly<
  Record<WizardNodeStatus['state'], { readonly glyph: string; readonly label: string }>
> = {
  pending: { glyph: '○', label: 'pending' },
  running: { glyph: '◐', label: 'running' },
  done: { glyph: '✓', label: 'done' },
  failed: { glyph: '✕', label: 'failed' },
  'by-hand': { glyph: '✎', label: 'by hand' },
};

const ROLE_GLYPHS = { joins: '+', leaves: '−', stays: '=' } as const;

export function NodeStatusTable(props: {
  readonly nodes: readonly WizardNodeStatus[];
  readonly oldServers: readonly string[];
  readonly newServers: readonly string[];
  readonly caption: string;
}) {
  const { nodes, oldServers, newServers, caption } = props;
  if (nodes.length === 0) return null;
  return (
    <table className="node-table wizard-nodes">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Node</th>
          <th scope="col">In the resize</th>
          <th scope="col">State</th>
          <th scope="col">What happened</th>
        </tr>
      </thead>
      <tbody>
        {nodes.map((status) => {
          const role = nodeRole(status.node, oldServers, newServers);
          const state = NODE_STATES[status.state];
          return (
            <tr key={status.node} className={`node-state-${status.state}`}>
              <th scope="row" className="mono">
                {status.node}
              </th>
              <td className={`node-role node-role-${role}`}>
                <span aria-hidden="true">{ROLE_GLYPHS[role]} </span>
                {role}
              </td>
              <td>
                <span className={`node-state node-state-${status.state}`}>
                  <span aria-hidden="true">{state.glyph} </span>
                  {state.label}
                </span>
              </td>
              <td className="node-message">{status.message ?? ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** When a step started and finished (or how long it has run), in one line. */
export function StepTimes({ step }: { readonly step: WizardStep | undefined }) {
  if (step?.startedAt === undefined) return <p className="step-times muted">Not started yet.</p>;
  const took =
    step.finishedAt === undefined
      ? undefined
      : Date.parse(step.finishedAt) - Date.parse(step.startedAt);
  return (
    <p className="step-times muted">
      Started {formatTime(step.startedAt)}
      {step.finishedAt !== undefined && (
        <>
          , finished {formatTime(step.finishedAt)}
          {took !== undefined && Number.isFinite(took) && ` (took ${formatDuration(took)})`}
        </>
      )}
      {step.byHand === true && ', done by hand'}
    </p>
  );
}

/** A failure from the service, with its code so that it can be looked up. */
export function ErrorBox(props: { readonly error: ErrorPayload; readonly lead?: string }) {
  const { error, lead } = props;
  return (
    <p className="error" role="alert">
      {lead !== undefined && `${lead}: `}
      {error.message} <span className="error-code mono">({error.code})</span>
    </p>
  );
}

/**
 * For a step the operator does by hand: a checkbox stating what was done, and a button that
 * stays disabled until it is ticked, so that no stray click confirms work nobody did.
 */
export function ByHandConfirm(props: {
  readonly statement: string;
  readonly buttonLabel: string;
  readonly isDisabled: boolean;
  readonly isRunning: boolean;
  onConfirm(): void;
}) {
  const { statement, buttonLabel, isDisabled, isRunning, onConfirm } = props;
  const [isTicked, setTicked] = useState(false);
  const id = useId();
  return (
    <div className="by-hand-confirm">
      <input
        id={id}
        type="checkbox"
        checked={isTicked}
        onChange={(event) => setTicked(event.target.checked)}
      />
      <label htmlFor={id}>{statement}</label>
      <button
        type="button"
        className="primary"
        disabled={!isTicked || isDisabled || isRunning}
        onClick={onConfirm}
      >
        {isRunning ? 'Recording…' : buttonLabel}
      </button>
    </div>
  );
}
