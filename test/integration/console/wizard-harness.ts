/**
 * A console service driven as the renderer drives it (validated calls, events followed), for the
 * resize wizard's integration tests: calls that throw the refusal they get back, and waits for the
 * wizard to reach a state.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ClusterStore } from '../../../core/console/cluster-store.js';
import { callService } from '../../support/console-calls.js';
import {
  ConsoleService,
  type ConsoleServiceOptions,
} from '../../../core/console/console-service.js';
import type {
  Channel,
  ConsoleEvent,
  RequestOf,
  ResizeWizard,
  ResponseOf,
  WizardStep,
  WizardStepNumber,
} from '../../../core/console/contract.js';

export class WizardHarness {
  readonly events: ConsoleEvent[] = [];
  private readonly latest = new Map<string, ResizeWizard>();
  private readonly waiters = new Set<() => void>();

  private constructor(readonly service: ConsoleService) {
    service.subscribe((event) => {
      this.events.push(event);
      if (event.type === 'wizard-changed') this.latest.set(event.wizard.clusterId, event.wizard);
      for (const wake of [...this.waiters]) wake();
    });
  }

  static async open(
    dataDir: string,
    options: Partial<ConsoleServiceOptions> = {},
  ): Promise<WizardHarness> {
    const service = new ConsoleService({
      mode: 'web',
      store: await ClusterStore.open(join(dataDir, 'clusters.json')),
      dataDir,
      ...options,
    });
    return new WizardHarness(service);
  }

  /** Calls a channel as the renderer does: validated, and unwrapped (a refusal throws it). */
  async call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    const value = await callService(this.service, channel, request);
    if (channel === 'wizard:begin' || channel === 'wizard:run-step') {
      const wizard = value as ResizeWizard;
      if (!this.latest.has(wizard.clusterId)) this.latest.set(wizard.clusterId, wizard);
    }
    return value;
  }

  /** The wizard once `isReached` holds for its latest state. */
  wizardWhen(
    clusterId: string,
    isReached: (wizard: ResizeWizard) => boolean,
    what: string,
    timeoutMs = 120_000,
  ): Promise<ResizeWizard> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const wizard = this.latest.get(clusterId);
        if (wizard === undefined || !isReached(wizard)) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(wizard);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        const last = this.latest.get(clusterId);
        reject(new Error(`wizard never reached: ${what}; last: ${JSON.stringify(last?.steps)}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Runs a step and waits for it to end (succeeded, failed, or waiting for a confirmation). */
  async runStep(
    clusterId: string,
    step: WizardStepNumber,
    options: { byHand?: boolean; full?: boolean; rateLimit?: number } = {},
  ): Promise<ResizeWizard> {
    await this.call('wizard:run-step', { clusterId, step, ...options });
    return this.wizardWhen(
      clusterId,
      (w) => stepIn(w, step).state !== 'running',
      `step ${step} ends`,
    );
  }

  async close(): Promise<void> {
    await this.service.close();
  }
}

export function stepIn(wizard: ResizeWizard, step: WizardStepNumber): WizardStep {
  const found = wizard.steps.find((s) => s.step === step);
  assert.ok(found, `step ${step}`);
  return found;
}

/** Fails with the step's own error when it did not succeed. */
export function assertSucceeded(wizard: ResizeWizard, step: WizardStepNumber): void {
  const state = stepIn(wizard, step);
  assert.equal(
    state.state,
    'succeeded',
    `step ${step}: ${state.error?.message ?? ''} ${JSON.stringify(state.nodes)}`,
  );
}
