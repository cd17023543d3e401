/**
 * Steps 1 and 4: what would be written into each node's cluster_settings, shown before anything
 * is, then the write over SSH (or the operator's confirmation that it was written by hand).
 */
import { useEffect, useState } from 'react';
import type { ResizeWizard, SettingsPreview } from '../../../core/console/contract.js';
import { selectWizardEntry, type SettingsPreviewEntry } from '../../store/wizard-slice.js';
import { useConsole } from '../console-context.js';
import { JobProgress } from './job-progress.js';
import { ByHandConfirm, ErrorBox } from './step-parts.js';
import { useRemoteStep } from './use-remote-step.js';

export function SettingsStep(props: {
  readonly wizard: ResizeWizard;
  readonly step: 1 | 4;
  /** Why the write may not go ahead now (step 4's blockers); null when it may. */
  readonly blockedReason: string | null;
}) {
  const { wizard, step, blockedReason } = props;
  const { client, call, status, nodes, isFailed, runStep } = useRemoteStep(wizard, step);
  const entry = useConsole(selectWizardEntry(wizard.clusterId));
  const previewWizardSettings = useConsole((state) => state.previewWizardSettings);
  const isStepRunning = status?.state === 'running';
  const preview = entry.preview?.step === step ? entry.preview : null;
  // Fetched when the step opens, and again once a write changed the files (the store drops it).
  const needsPreview = !isStepRunning && preview === null;
  useEffect(() => {
    if (needsPreview) void previewWizardSettings(client, wizard.clusterId, step);
  }, [needsPreview, client, wizard.clusterId, step, previewWizardSettings]);

  // Step 4 verifies through a job: its progress, and once over its outcome, stay in view.
  const verifyJobId = step === 4 ? status?.jobIds?.at(-1) : undefined;
  const verifyJob =
    verifyJobId === undefined ? null : (
      <JobProgress jobId={verifyJobId} earlierRuns={(status?.jobIds?.length ?? 1) - 1} />
    );

  if (isStepRunning) {
    // With a verify's findings standing and no override, step 4 can only be verifying again.
    const isVerifyAgain = wizard.override === undefined && wizard.repair?.needsVerify === true;
    return (
      <>
        {verifyJob}
        <p className="step-running" role="status">
          {step === 1
            ? 'Writing on every node: each node’s state above changes as it is done.'
            : isVerifyAgain
              ? 'Verifying again: nothing is written.'
              : 'Verifying, then writing on every node: each node’s state above changes as it is done.'}
        </p>
      </>
    );
  }

  const shown = preview?.preview ?? null;
  const unreadable = shown?.nodes.filter((node) => node.error !== undefined) ?? [];
  const refresh = () => void previewWizardSettings(client, wizard.clusterId, step);
  const byHand = (
    <>
      <p>
        Write the text above into cluster_settings on every node:{' '}
        <span className="mono">{nodes.join(', ')}</span>. Keep a copy of each file before you edit
        it: by hand, the console cannot keep backups.
      </p>
      <ByHandConfirm
        statement={`I have written it on every node (${nodes.length})`}
        buttonLabel={`Confirm step ${step} done by hand`}
        isDisabled={shown === null || blockedReason !== null}
        isRunning={call.isRunning}
        onConfirm={() => runStep(true)}
      />
    </>
  );

  return (
    <div className="settings-step">
      <p>
        {step === 1
          ? 'Every node’s cluster_settings gets servers (the current list, unchanged) and new_servers (the new list). Nodes go on as before until they reload it in step 2.'
          : 'First every moved key is checked on its new replicas; then every node’s cluster_settings gets servers set to the new list, and new_servers removed.'}
      </p>
      {verifyJob}
      <PreviewPanel entry={preview} remote={wizard.remote} onRefresh={refresh} />
      {call.error !== null && <ErrorBox error={call.error} lead={`Step ${step} did not run`} />}
      {wizard.remote === 'ssh' ? (
        <>
          <p className="hint">
            Before it writes a node’s cluster_settings, the service keeps a backup of the file on
            that node; the node’s line above names the backup once it is written.
          </p>
          {unreadable.length > 0 && (
            <p className="wizard-warning" role="alert">
              <span aria-hidden="true">⚠ </span>
              {unreadable.length === 1 ? 'One node' : `${unreadable.length} nodes`} could not be
              read, so what the write would change there is unknown. Fix the access and refresh the
              preview, or do this step by hand.
            </p>
          )}
          {blockedReason !== null && <p className="hint">{blockedReason}</p>}
          <button
            type="button"
            className="primary"
            disabled={
              call.isRunning ||
              shown === null ||
              preview?.isLoading === true ||
              unreadable.length > 0 ||
              blockedReason !== null
            }
            onClick={() => runStep(false)}
          >
            {call.isRunning
              ? 'Starting…'
              : step === 1
                ? isFailed
                  ? 'Retry the write on every node'
                  : 'Write on every node'
                : isFailed
                  ? 'Retry: verify and write'
                  : 'Verify and write'}
          </button>
          <details className="by-hand-fallback">
            <summary>Do this step by hand instead</summary>
            {byHand}
          </details>
        </>
      ) : (
        byHand
      )}
    </div>
  );
}

function PreviewPanel(props: {
  readonly entry: SettingsPreviewEntry | null;
  readonly remote: ResizeWizard['remote'];
  onRefresh(): void;
}) {
  const { entry, remote, onRefresh } = props;
  const preview = entry?.preview ?? null;
  const isLoading = entry === null || entry.isLoading;
  return (
    <div className="settings-preview" aria-busy={isLoading}>
      <div className="section-head">
        <h4>{remote === 'ssh' ? 'What the write changes on each node' : 'What to write'}</h4>
        <button type="button" onClick={onRefresh} disabled={isLoading}>
          {isLoading ? 'Reading…' : 'Refresh'}
        </button>
      </div>
      {entry !== null && entry.error !== null && (
        <ErrorBox error={entry.error} lead="Could not preview the write" />
      )}
      {preview === null ? (
        isLoading && (
          <p className="muted" role="status">
            {remote === 'ssh' ? 'Reading cluster_settings on every node…' : 'Preparing the text…'}
          </p>
        )
      ) : remote === 'ssh' ? (
        <NodeDiffs preview={preview} />
      ) : (
        <SettingsText text={preview.text} />
      )}
    </div>
  );
}

function NodeDiffs({ preview }: { readonly preview: SettingsPreview }) {
  return (
    <>
      <ul className="node-diffs">
        {preview.nodes.map((node) => (
          <li key={node.node}>
            <p className="mono node-diff-name">{node.node}</p>
            {node.error !== undefined ? (
              <ErrorBox error={node.error} lead="Could not read cluster_settings" />
            ) : node.diff === undefined || node.diff.trim() === '' ? (
              <p className="muted">
                <span aria-hidden="true">= </span>Already holds these lists: nothing to change.
              </p>
            ) : (
              <Diff text={node.diff} />
            )}
          </li>
        ))}
      </ul>
      <details className="settings-text-details">
        <summary>The lines every node will hold</summary>
        <SettingsText text={preview.text} />
      </details>
    </>
  );
}

/** A unified diff, each line classed by its sign (the sign itself stays, so colour is not the only cue). */
function Diff({ text }: { readonly text: string }) {
  const lines = text.replace(/\n$/, '').split('\n');
  return (
    <pre className="settings-diff" aria-label="Changes to cluster_settings">
      {lines.map((line, index) => (
        <span key={index} className={`diff-line ${diffLineClass(line)}`}>
          {line}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}

function diffLineClass(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---')) return 'diff-file';
  if (line.startsWith('@@')) return 'diff-hunk';
  if (line.startsWith('+')) return 'diff-added';
  if (line.startsWith('-')) return 'diff-removed';
  return 'diff-context';
}

function SettingsText({ text }: { readonly text: string }) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <div className="settings-text">
      <pre className="mono">{text}</pre>
      <button type="button" onClick={() => void copy()}>
        Copy
      </button>
      <span className="muted" role="status">
        {copied === 'yes'
          ? 'Copied.'
          : copied === 'failed'
            ? 'Could not copy: select the text.'
            : ''}
      </span>
    </div>
  );
}
