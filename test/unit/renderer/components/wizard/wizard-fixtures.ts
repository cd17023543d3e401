/** Resize wizards at each step, as the service would send them, for the wizard's tests. */
import type {
  ClusterSummary,
  ResizeReport,
  ResizeWizard,
  WizardNodeStatus,
  WizardStep,
  WizardStepNumber,
} from '../../../../../core/console/contract.js';

export const OLD_SERVERS = ['127.0.0.11:11211', '127.0.0.12:11211', '127.0.0.13:11211'];
/** .13 leaves, .14 joins, .11 and .12 stay. */
export const NEW_SERVERS = ['127.0.0.11:11211', '127.0.0.12:11211', '127.0.0.14:11211'];
export const EVERY_NODE = [...OLD_SERVERS, '127.0.0.14:11211'];

export const CLUSTER: ClusterSummary = {
  id: 'c1',
  name: 'sprout-mem',
  servers: OLD_SERVERS,
  newServers: [],
  origin: 'saved',
};

export function nodes(state: WizardNodeStatus['state']): WizardNodeStatus[] {
  return EVERY_NODE.map((node) => ({ node, state }));
}

export function doneStep(step: WizardStepNumber, extra: Partial<WizardStep> = {}): WizardStep {
  return {
    step,
    state: 'succeeded',
    nodes: nodes('done'),
    startedAt: '2025-03-01T10:00:00Z',
    finishedAt: '2025-03-01T10:01:30Z',
    ...extra,
  };
}

export function pendingStep(step: WizardStepNumber, extra: Partial<WizardStep> = {}): WizardStep {
  return { step, state: 'pending', nodes: nodes('pending'), ...extra };
}

/** A wizard whose steps before `current` succeeded; `steps` replaces any of them by number. */
export function wizardAt(
  current: WizardStepNumber | 'complete',
  change: Partial<Omit<ResizeWizard, 'steps'>> & { readonly steps?: readonly WizardStep[] } = {},
): ResizeWizard {
  const numbers: WizardStepNumber[] = [1, 2, 3, 4, 5];
  const steps = numbers.map(
    (n) =>
      change.steps?.find((step) => step.step === n) ??
      (current === 'complete' || n < current ? doneStep(n) : pendingStep(n)),
  );
  return {
    clusterId: 'c1',
    clusterName: 'sprout-mem',
    startedAt: '2025-03-01T09:59:00Z',
    updatedAt: '2025-03-01T10:05:00Z',
    oldServers: OLD_SERVERS,
    newServers: NEW_SERVERS,
    remote: 'ssh',
    canReload: true,
    current,
    blockers: [],
    ...change,
    steps,
  };
}

export function report(change: Partial<ResizeReport> = {}): ResizeReport {
  const counts = {
    added: 900,
    replaced: 40,
    skippedNewer: 55,
    alreadyThere: 20,
    raced: 5,
    vanished: 0,
    keys: 1000,
    bytes: 2 * 1024 * 1024,
  };
  return {
    clusterName: 'sprout-mem',
    oldServers: OLD_SERVERS,
    newServers: NEW_SERVERS,
    startedAt: '2025-03-01T09:59:00Z',
    finishedAt: '2025-03-01T11:00:00Z',
    steps: [1, 2, 3, 4, 5].map((n) => doneStep(n as WizardStepNumber)),
    resyncs: [
      {
        target: '127.0.0.14:11211',
        full: false,
        startedAt: '2025-03-01T10:10:00Z',
        durationMs: 60_000,
        vbuckets: 43,
        done: 43,
        failed: [],
        cancelled: false,
        counts,
        perVbucket: {},
        sources: [],
        passes: [],
        unconfirmedKeys: 0,
        tagWritten: true,
        targetEvictions: 0,
        isComplete: true,
        error: undefined,
      },
    ],
    verify: {
      checked: 1000,
      missing: 0,
      stale: 0,
      repaired: 0,
      problems: [],
      failures: [],
      isClean: true,
    },
    ...change,
  };
}
