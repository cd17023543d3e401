/**
 * What steps 1, 2, 4 and 5 share: their status, the nodes they touch, and running them (over SSH,
 * or recording that the operator did them by hand), one call at a time.
 */
import type { ResizeWizard, WizardStep } from '../../../core/console/contract.js';
import type { ConsoleClient } from '../../api/console-client.js';
import { useConsole, useConsoleClient } from '../console-context.js';
import { nodeOrder } from '../node-order.js';
import { useCall, type Call } from './use-call.js';

export interface RemoteStep {
  readonly client: ConsoleClient;
  readonly call: Call;
  readonly status: WizardStep | undefined;
  /** The nodes the step lists (once it ran), else every node of the resize. */
  readonly nodes: readonly string[];
  readonly isFailed: boolean;
  runStep(byHand: boolean): void;
}

export function useRemoteStep(wizard: ResizeWizard, step: 1 | 2 | 4 | 5): RemoteStep {
  const client = useConsoleClient();
  const runWizardStep = useConsole((state) => state.runWizardStep);
  const call = useCall();
  const status = wizard.steps.find((candidate) => candidate.step === step);
  const nodes =
    status !== undefined && status.nodes.length > 0
      ? status.nodes.map((node) => node.node)
      : nodeOrder(wizard.oldServers, wizard.newServers);
  return {
    client,
    call,
    status,
    nodes,
    isFailed: status?.state === 'failed',
    runStep: (byHand) =>
      void call.run(() =>
        runWizardStep(client, {
          clusterId: wizard.clusterId,
          step,
          ...(byHand ? { byHand: true } : {}),
        }),
      ),
  };
}
