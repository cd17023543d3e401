/** Step 1 before anything is recorded: the operator chooses the new server list. */
import { useId, useState } from 'react';
import type { ClusterSummary } from '../../../core/console/contract.js';
import { formatList } from '../../../core/shared/server-list.js';
import { useConsole, useConsoleClient } from '../console-context.js';
import { ImpliedPortHint } from '../implied-port-hint.js';
import { checkNewServers } from './server-change.js';
import { ServerChangeView } from './server-change-view.js';
import { ErrorBox, STEP_TITLES } from './step-parts.js';
import { useCall } from './use-call.js';

export function BeginResize({ cluster }: { readonly cluster: ClusterSummary }) {
  const client = useConsoleClient();
  const beginWizard = useConsole((state) => state.beginWizard);
  // A resize half-recorded in the cluster's definition (new_servers) is offered as it stands.
  const [text, setText] = useState(() => formatList(cluster.newServers));
  const call = useCall();
  const id = useId();
  const check = checkNewServers(text, cluster.servers);
  const hasText = text.trim() !== '';

  return (
    <section className="panel wizard" aria-labelledby={`${id}-heading`}>
      <div className="section-head">
        <h2 id={`${id}-heading`}>Resize {cluster.name}</h2>
        <p className="muted">No resize in progress.</p>
      </div>
      <ol className="wizard-steps" aria-label="Resize steps">
        <li className="wizard-step wizard-step-current" aria-current="step">
          <div className="step-head">
            <span className="step-marker" aria-hidden="true">
              1
            </span>
            <h3>{STEP_TITLES[1]}</h3>
            <span className="step-status">Current step</span>
          </div>
          <div className="step-body">
            <h4>First, choose the new server list</h4>
            <p>
              The current servers of {cluster.name} are listed on the left. Enter the list the
              cluster should have once the resize is over: nodes that stay, and nodes that join.
            </p>
            <div className="wizard-columns">
              <div>
                <p className="field-label">Current servers</p>
                <ul className="server-list mono">
                  {cluster.servers.map((node) => (
                    <li key={node}>{node}</li>
                  ))}
                </ul>
              </div>
              <div>
                <label htmlFor={`${id}-servers`} className="field-label">
                  New servers
                </label>
                <textarea
                  id={`${id}-servers`}
                  value={text}
                  onChange={(event) => setText(event.target.value)}
                  aria-describedby={`${id}-hint`}
                  aria-invalid={hasText && check.problems.length > 0}
                  rows={Math.max(4, cluster.servers.length + 2)}
                  spellCheck={false}
                />
                <p id={`${id}-hint`} className="hint">
                  host:port, one per line, in the order cluster_settings should list them.
                  {cluster.newServers.length > 0 && ' Filled in from the cluster’s new_servers.'}
                </p>
                <ImpliedPortHint entries={check.withImpliedPort} />
              </div>
            </div>
            {hasText && check.problems.length > 0 && (
              <ul className="wizard-problems" aria-label="Problems with the new server list">
                {check.problems.map((problem) => (
                  <li key={problem}>
                    <span aria-hidden="true">✕ </span>
                    {problem}
                  </li>
                ))}
              </ul>
            )}
            {check.servers.length > 0 && (
              <ServerChangeView oldServers={cluster.servers} newServers={check.servers} />
            )}
            <p className="hint">
              Beginning records the resize; nothing is written to any node until you have seen what
              this step would change on each of them, and asked for the write.
            </p>
            {call.error !== null && <ErrorBox error={call.error} lead="The resize did not begin" />}
            <button
              type="button"
              className="primary"
              disabled={check.problems.length > 0 || call.isRunning}
              onClick={() => void call.run(() => beginWizard(client, cluster.id, check.servers))}
            >
              {call.isRunning ? 'Beginning…' : 'Begin the resize'}
            </button>
          </div>
        </li>
        {([2, 3, 4, 5] as const).map((step) => (
          <li key={step} className="wizard-step wizard-step-locked">
            <div className="step-head">
              <span className="step-marker" aria-hidden="true">
                {step}
              </span>
              <h3>{STEP_TITLES[step]}</h3>
              <span className="step-status step-status-locked">Locked</span>
            </div>
            <p className="step-locked-reason">Opens once the resize has begun.</p>
          </li>
        ))}
      </ol>
    </section>
  );
}
