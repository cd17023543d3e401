/**
 * The five steps as a vertical stepper: steps done are collapsed to a line (open them to see
 * what happened), the current one is open, and later ones are locked with the reason.
 */
import type { ResizeWizard, WizardStep, WizardStepNumber } from '../../../core/console/contract.js';
import { formatDuration } from '../../../core/util/format-units.js';
import { Blockers, overrideOutcome, writeBlockedReason } from './blockers.js';
import { ReloadStep } from './reload-step.js';
import { ResyncStep } from './resync-step.js';
import { SettingsStep } from './settings-step.js';
import { ErrorBox, NodeStatusTable, STEP_TITLES, StepTimes } from './step-parts.js';

const STEPS: readonly WizardStepNumber[] = [1, 2, 3, 4, 5];

const LOCKED_REASONS: Readonly<Record<WizardStepNumber, string>> = {
  1: 'Opens once the resize has begun.',
  2: 'Opens once every node holds servers and new_servers (step 1).',
  3: 'Opens once every node has reloaded cluster_settings (step 2).',
  4: 'Opens once every node is resynced (step 3).',
  5: 'Opens once the new servers list is written (step 4).',
};

// [glyph, word]: colour is never the only sign of a step's state.
const STEP_STATES: Readonly<Record<WizardStep['state'], readonly [string, string]>> = {
  pending: ['○', 'Not started'],
  running: ['◐', 'Running'],
  succeeded: ['✓', 'Done'],
  failed: ['✕', 'Failed'],
};

type Place = 'done' | 'current' | 'locked';

export function WizardStepper({ wizard }: { readonly wizard: ResizeWizard }) {
  return (
    <ol className="wizard-steps" aria-label="Resize steps">
      {STEPS.map((number) => (
        <WizardStepItem key={number} wizard={wizard} number={number} />
      ))}
    </ol>
  );
}

function placeOf(wizard: ResizeWizard, number: WizardStepNumber): Place {
  if (wizard.current === 'complete' || number < wizard.current) return 'done';
  return number === wizard.current ? 'current' : 'locked';
}

function WizardStepItem(props: {
  readonly wizard: ResizeWizard;
  readonly number: WizardStepNumber;
}) {
  const { wizard, number } = props;
  const step = wizard.steps.find((candidate) => candidate.step === number);
  const place = placeOf(wizard, number);
  const state = step?.state ?? 'pending';
  // A locked step's marker is greyed and its status says so in words (no lock glyph: common
  // system fonts on Linux lack one, and an empty box says nothing).
  const [glyph, word] = place === 'locked' ? ['', 'Locked'] : STEP_STATES[state];
  const head = (
    <div className="step-head">
      <span className="step-marker" aria-hidden="true">
        {place === 'done' ? '✓' : number}
      </span>
      <h3>
        <span className="visually-hidden">Step {number}: </span>
        {STEP_TITLES[number]}
      </h3>
      <span className={`step-status step-status-${place === 'locked' ? 'locked' : state}`}>
        {glyph !== '' && <span aria-hidden="true">{glyph} </span>}
        {word}
      </span>
    </div>
  );
  const status = (
    <>
      <StepTimes step={step} />
      {step?.error !== undefined && <ErrorBox error={step.error} lead={`Step ${number} failed`} />}
      <NodeStatusTable
        nodes={step?.nodes ?? []}
        oldServers={wizard.oldServers}
        newServers={wizard.newServers}
        caption={`Each node in step ${number}`}
      />
    </>
  );

  return (
    <li
      className={`wizard-step wizard-step-${place} step-state-${state}`}
      aria-current={place === 'current' ? 'step' : undefined}
    >
      {head}
      {place === 'locked' && <p className="step-locked-reason">{LOCKED_REASONS[number]}</p>}
      {place === 'done' && (
        <details className="step-done">
          <summary>
            {doneSummary(step)}
            {number === 4 && ` ${overrideOutcome(wizard)}`}
          </summary>
          {status}
        </details>
      )}
      {place === 'current' && (
        <div className="step-body">
          {number === 4 && <Blockers wizard={wizard} />}
          {status}
          <StepActions wizard={wizard} number={number} />
        </div>
      )}
    </li>
  );
}

function StepActions(props: { readonly wizard: ResizeWizard; readonly number: WizardStepNumber }) {
  const { wizard, number } = props;
  switch (number) {
    case 1:
      return <SettingsStep wizard={wizard} step={1} blockedReason={null} />;
    case 2:
      return <ReloadStep wizard={wizard} step={2} />;
    case 3:
      return <ResyncStep wizard={wizard} />;
    case 4:
      return <SettingsStep wizard={wizard} step={4} blockedReason={writeBlockedReason(wizard)} />;
    case 5:
      return <ReloadStep wizard={wizard} step={5} />;
  }
}

/** A done step in one line: how it was done, on how many nodes, and how long it took. */
export function doneSummary(step: WizardStep | undefined): string {
  if (step === undefined) return 'Done.';
  const how =
    step.byHand === true
      ? 'Confirmed done by hand'
      : step.jobIds !== undefined && step.jobIds.length > 0
        ? `Done by ${step.jobIds.length === 1 ? 'job' : 'jobs'} ${step.jobIds.join(', ')}`
        : step.nodes.length > 0
          ? `Done on ${step.nodes.filter((node) => node.state === 'done').length} of ${step.nodes.length} nodes`
          : 'Done';
  const ms =
    step.startedAt === undefined || step.finishedAt === undefined
      ? NaN
      : Date.parse(step.finishedAt) - Date.parse(step.startedAt);
  return Number.isFinite(ms) ? `${how}, took ${formatDuration(ms)}.` : `${how}.`;
}
