/** Saved clusters (and the demo cluster), which one is selected, and each one's node status. */
import type {
  ClusterDefinition,
  ClusterStatusReport,
  ClusterSummary,
  ErrorPayload,
} from '../../core/console/contract.js';
import { toErrorPayload, type ConsoleClient } from '../api/console-client.js';
import type { ConsoleState, SliceCreator } from './console-state.js';

/** One cluster's last status check. */
export interface ClusterStatusEntry {
  readonly isLoading: boolean;
  /** The last report that arrived; kept while a refresh runs. */
  readonly report: ClusterStatusReport | null;
  readonly error: ErrorPayload | null;
}

export interface ClustersSlice {
  readonly clusters: readonly ClusterSummary[];
  /** Until the first clusters:list answers. */
  readonly isLoadingClusters: boolean;
  readonly clustersError: ErrorPayload | null;
  readonly selectedClusterId: string | null;
  readonly statusByCluster: Readonly<Record<string, ClusterStatusEntry>>;
  loadClusters(client: ConsoleClient): Promise<void>;
  /**
   * Saves a cluster (a new one, or the one with `id`) and selects it. Rejects with the service's
   * `ConsoleCallError` (the form shows its message, which names the field at fault).
   */
  saveCluster(
    client: ConsoleClient,
    definition: ClusterDefinition,
    id?: string,
  ): Promise<ClusterSummary>;
  /** Forgets a saved cluster. Rejects with the service's `ConsoleCallError`. */
  removeCluster(client: ConsoleClient, id: string): Promise<void>;
  /** Selects a cluster and checks its nodes. */
  selectCluster(client: ConsoleClient, clusterId: string): Promise<void>;
  /**
   * Reads a cluster's status afresh. `isOperatorTest`: the operator asked (Test connections), so
   * the service logs it; the console's own reads (a cluster selected, a tab opened) are not.
   */
  refreshStatus(
    client: ConsoleClient,
    clusterId: string,
    options?: { readonly isOperatorTest?: boolean },
  ): Promise<void>;
}

export const createClustersSlice: SliceCreator<ClustersSlice> = (set, get) => {
  // Per cluster, the latest status request: an older answer that arrives later is dropped.
  let statusRequests = 0;
  const latestStatusRequest = new Map<string, number>();
  return {
    clusters: [],
    isLoadingClusters: true,
    clustersError: null,
    selectedClusterId: null,
    statusByCluster: {},

    async loadClusters(client) {
      const isFirstList = get().isLoadingClusters;
      try {
        const clusters = await client.invoke('clusters:list', null);
        set((state) => ({
          clusters,
          isLoadingClusters: false,
          clustersError: null,
          // A cluster removed elsewhere cannot stay selected.
          selectedClusterId: clusters.some((cluster) => cluster.id === state.selectedClusterId)
            ? state.selectedClusterId
            : null,
        }));
        // The demo (npm run demo, --demo) opens on its own cluster, not on an empty page.
        const demo = clusters.find((cluster) => cluster.origin === 'demo');
        if (isFirstList && demo !== undefined && get().selectedClusterId === null) {
          void get().selectCluster(client, demo.id);
        }
      } catch (error) {
        set({ isLoadingClusters: false, clustersError: toErrorPayload(error) });
      }
    },

    async saveCluster(client, definition, id) {
      const saved = await client.invoke('clusters:save', {
        ...(id === undefined ? {} : { id }),
        definition,
      });
      set((state) => ({
        clusters: [...state.clusters.filter((cluster) => cluster.id !== saved.id), saved],
      }));
      void get().selectCluster(client, saved.id);
      return saved;
    },

    async removeCluster(client, id) {
      await client.invoke('clusters:remove', { id });
      set((state) => {
        const statusByCluster = { ...state.statusByCluster };
        delete statusByCluster[id];
        return {
          clusters: state.clusters.filter((cluster) => cluster.id !== id),
          selectedClusterId: state.selectedClusterId === id ? null : state.selectedClusterId,
          statusByCluster,
        };
      });
    },

    async selectCluster(client, clusterId) {
      set({ selectedClusterId: clusterId });
      await get().refreshStatus(client, clusterId);
    },

    async refreshStatus(client, clusterId, options = {}) {
      const requestId = ++statusRequests;
      latestStatusRequest.set(clusterId, requestId);
      const update = (change: Partial<ClusterStatusEntry>) =>
        set((state) => {
          const previous = state.statusByCluster[clusterId] ?? NO_STATUS;
          return {
            statusByCluster: { ...state.statusByCluster, [clusterId]: { ...previous, ...change } },
          };
        });
      update({ isLoading: true });
      try {
        const request = options.isOperatorTest === true ? { isOperatorTest: true } : {};
        const report = await client.invoke('cluster:status', { clusterId, ...request });
        if (latestStatusRequest.get(clusterId) === requestId) {
          update({ isLoading: false, report, error: null });
        }
      } catch (error) {
        if (latestStatusRequest.get(clusterId) === requestId) {
          update({ isLoading: false, error: toErrorPayload(error) });
        }
      }
    },
  };
};

const NO_STATUS: ClusterStatusEntry = { isLoading: false, report: null, error: null };

export const selectClusters = (state: ConsoleState) => state.clusters;

/** Demo cluster first, then by name: a derived array, so read it with `useShallow`. */
export const selectSortedClusters = (state: ConsoleState): ClusterSummary[] =>
  [...state.clusters].sort(
    (a, b) =>
      Number(b.origin === 'demo') - Number(a.origin === 'demo') || a.name.localeCompare(b.name),
  );

export const selectSelectedCluster = (state: ConsoleState): ClusterSummary | undefined =>
  state.clusters.find((cluster) => cluster.id === state.selectedClusterId);

export const selectSelectedStatus = (state: ConsoleState): ClusterStatusEntry =>
  (state.selectedClusterId === null ? undefined : state.statusByCluster[state.selectedClusterId]) ??
  NO_STATUS;
