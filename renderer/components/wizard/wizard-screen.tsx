/**
 * The Resize tab: the selected cluster's resize wizard, fetched when the tab opens or another
 * cluster is selected and kept current by the service's wizard events, so a console closed and
 * opened again resumes where the resize stands.
 */
import { useEffect, useRef } from 'react';
import type { ResizeWizard } from '../../../core/console/contract.js';
import { selectSelectedCluster } from '../../store/clusters-slice.js';
import { selectWizardEntry } from '../../store/wizard-slice.js';
import { useConsole, useConsoleClient } from '../console-context.js';
import { formatTime } from '../format-time.js';
import { AbandonResize } from './abandon-resize.js';
import { BeginResize } from './begin-resize.js';
import { ResizeReportView } from './resize-report.js';
import { ServerChangeView } from './server-change-view.js';
import { ErrorBox } from './step-parts.js';
import { useStepFocus } from './use-step-focus.js';
import { WizardStepper } from './wizard-stepper.js';

export function WizardScreen() {
  const client = useConsoleClient();
  const cluster = useConsole(selectSelectedCluster);
  const clusterId = cluster?.id;
  const entry = useConsole(selectWizardEntry(clusterId));
  const loadWizard = useConsole((state) => state.loadWizard);
  useEffect(() => {
    if (clusterId !== undefined) void loadWizard(client, clusterId);
  }, [client, clusterId, loadWizard]);

  if (cluster === undefined) {
    return (
      <section className="panel empty">
        <p className="muted">Select a cluster to resize it.</p>
      </section>
    );
  }
  const retry = (
    <button
      type="button"
      onClick={() => void loadWizard(client, cluster.id)}
      disabled={entry.isLoading}
    >
      Try again
    </button>
  );
  if (!entry.hasLoaded) {
    // Until the service says whether a resize is in progress, nothing may begin another one.
    return (
      <section
        className="panel wizard"
        aria-busy={entry.isLoading}
        aria-label={`Resize ${cluster.name}`}
      >
        {entry.error !== null ? (
          <>
            <ErrorBox error={entry.error} lead="Could not read the resize of this cluster" />
            {retry}
          </>
        ) : (
          <p className="muted" role="status">
            Reading the resize of {cluster.name}…
          </p>
        )}
      </section>
    );
  }
  return (
    <>
      {entry.error !== null && (
        <div className="wizard-stale">
          <ErrorBox
            error={entry.error}
            lead="Could not refresh the resize; showing what was last read"
          />
          {retry}
        </div>
      )}
      {entry.wizard === null ? (
        <BeginResize cluster={cluster} />
      ) : (
        <WizardView wizard={entry.wizard} />
      )}
    </>
  );
}

function WizardView({ wizard }: { readonly wizard: ResizeWizard }) {
  const stepsDone = wizard.steps.filter((step) => step.state === 'succeeded').length;
  const section = useRef<HTMLElement>(null);
  useStepFocus(section, wizard.updatedAt);
  return (
    <section ref={section} className="panel wizard" aria-labelledby="wizard-heading">
      <div className="section-head">
        <h2 id="wizard-heading">Resize {wizard.clusterName}</h2>
        <p className="muted">
          {wizard.current === 'complete'
            ? 'Complete'
            : `Step ${wizard.current} of 5 (${stepsDone} done)`}
          . Started {formatTime(wizard.startedAt)}, updated {formatTime(wizard.updatedAt)}.
        </p>
        <AbandonResize wizard={wizard} />
      </div>
      <ServerChangeView oldServers={wizard.oldServers} newServers={wizard.newServers} />
      <p className="hint wizard-remote">
        {wizard.remote === 'ssh'
          ? 'Nodes are reached over SSH as the cluster’s profile says'
          : 'The cluster’s profile reaches no node over SSH: settings are written by hand'}
        {wizard.remote === 'ssh' &&
          (wizard.canReload ? ', and reloaded by its command.' : '; reloads are done by hand.')}
        {wizard.remote === 'by-hand' && ', and reloads done by hand.'}
      </p>
      <WizardStepper wizard={wizard} />
      {wizard.report !== undefined && <ResizeReportView report={wizard.report} />}
    </section>
  );
}
