/**
 * Each cluster's resize plan as the service computes it: the preview (every vbucket's replicas now
 * and after, the worklists, the failure risk) and the estimate of the work (minimal or full).
 */
import type { ErrorPayload, PlanEstimate, PlanPreview } from '../../core/console/contract.js';
import { toErrorPayload, type ConsoleClient } from '../api/console-client.js';
import type { ConsoleState, SliceCreator } from './console-state.js';

/** One answer from the service as a screen shows it. */
export interface Fetched<T> {
  readonly isLoading: boolean;
  /** The last answer; null until one arrives, and after an error (an old plan is not shown). */
  readonly value: T | null;
  /** Kept until the next answer arrives. */
  readonly error: ErrorPayload | null;
}

export interface PlanSlice {
  readonly previewByCluster: Readonly<Record<string, Fetched<PlanPreview>>>;
  /** By `estimateKey(clusterId, full)`. */
  readonly estimateByKey: Readonly<Record<string, Fetched<PlanEstimate>>>;
  loadPreview(client: ConsoleClient, clusterId: string): Promise<void>;
  /** Samples the sources again for the minimal (`full` false) or full resyncs' estimate. */
  loadEstimate(client: ConsoleClient, clusterId: string, full: boolean): Promise<void>;
}

export function estimateKey(clusterId: string, full: boolean): string {
  return JSON.stringify([clusterId, full]);
}

export const createPlanSlice: SliceCreator<PlanSlice> = (set) => {
  // Per entry, the latest request: an answer to an older one (the cluster was edited meanwhile,
  // or the operator asked again) arrives late and must not replace the newer one.
  let requests = 0;
  const latest = new Map<string, number>();

  async function fetchInto<T>(
    field: 'previewByCluster' | 'estimateByKey',
    key: string,
    call: () => Promise<T>,
  ): Promise<void> {
    const requestId = ++requests;
    const latestKey = `${field} ${key}`;
    latest.set(latestKey, requestId);
    const update = (change: Partial<Fetched<T>>) =>
      set((state) => {
        const entries = state[field] as Readonly<Record<string, Fetched<T>>>;
        const previous = entries[key] ?? NOT_FETCHED;
        return { [field]: { ...entries, [key]: { ...previous, ...change } } };
      });
    update({ isLoading: true });
    try {
      const value = await call();
      if (latest.get(latestKey) === requestId) update({ isLoading: false, value, error: null });
    } catch (error) {
      if (latest.get(latestKey) === requestId) {
        update({ isLoading: false, value: null, error: toErrorPayload(error) });
      }
    }
  }

  return {
    previewByCluster: {},
    estimateByKey: {},

    loadPreview(client, clusterId) {
      return fetchInto('previewByCluster', clusterId, () =>
        client.invoke('plan:preview', { clusterId }),
      );
    },

    loadEstimate(client, clusterId, full) {
      return fetchInto('estimateByKey', estimateKey(clusterId, full), () =>
        client.invoke('plan:estimate', { clusterId, full }),
      );
    },
  };
};

const NOT_FETCHED: Fetched<never> = { isLoading: false, value: null, error: null };

export const selectPreview =
  (clusterId: string) =>
  (state: ConsoleState): Fetched<PlanPreview> =>
    state.previewByCluster[clusterId] ?? NOT_FETCHED;

export const selectEstimate =
  (clusterId: string, full: boolean) =>
  (state: ConsoleState): Fetched<PlanEstimate> =>
    state.estimateByKey[estimateKey(clusterId, full)] ?? NOT_FETCHED;
