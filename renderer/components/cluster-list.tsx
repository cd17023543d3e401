import { useShallow } from 'zustand/react/shallow';
import { selectSortedClusters } from '../store/clusters-slice.js';
import { useConsole, useConsoleClient } from './console-context.js';

export function ClusterList() {
  const client = useConsoleClient();
  const clusters = useConsole(useShallow(selectSortedClusters));
  const selectedId = useConsole((state) => state.selectedClusterId);
  const isLoading = useConsole((state) => state.isLoadingClusters);
  const error = useConsole((state) => state.clustersError);
  const selectCluster = useConsole((state) => state.selectCluster);

  return (
    <nav className="panel cluster-list" aria-labelledby="cluster-list-heading">
      <h2 id="cluster-list-heading">Clusters</h2>
      {error !== null && (
        <p className="error" role="alert">
          Could not list the clusters: {error.message}
        </p>
      )}
      {isLoading ? (
        <p className="muted">Loading…</p>
      ) : clusters.length === 0 ? (
        <p className="muted">No clusters yet: add one below.</p>
      ) : (
        <ul>
          {clusters.map((cluster) => (
            <li key={cluster.id}>
              <button
                type="button"
                aria-current={cluster.id === selectedId ? 'true' : undefined}
                onClick={() => void selectCluster(client, cluster.id)}
              >
                <span className="cluster-name">{cluster.name}</span>
                <span className="cluster-meta muted">
                  {cluster.servers.length} {cluster.servers.length === 1 ? 'node' : 'nodes'}
                  {cluster.newServers.length > 0 && `, resizing to ${cluster.newServers.length}`}
                </span>
                {cluster.origin === 'demo' && <span className="badge">demo</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </nav>
  );
}
