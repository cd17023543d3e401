import { useShallow } from 'zustand/react/shallow';
import { selectSortedClusters } from '../store/clusters-slice.js';
import { selectClusterEditor, selectView } from '../store/ui-slice.js';
import { useConsole, useConsoleClient } from './console-context.js';

export function ClusterList() {
  const client = useConsoleClient();
  const clusters = useConsole(useShallow(selectSortedClusters));
  const selectedId = useConsole((state) => state.selectedClusterId);
  const isLoading = useConsole((state) => state.isLoadingClusters);
  const error = useConsole((state) => state.clustersError);
  const selectCluster = useConsole((state) => state.selectCluster);
  const view = useConsole(selectView);
  const editor = useConsole(selectClusterEditor);
  const setView = useConsole((state) => state.setView);
  const openClusterEditor = useConsole((state) => state.openClusterEditor);
  const isAdding = view === 'edit-cluster' && editor.mode !== 'edit';

  return (
    <nav className="panel cluster-list" aria-labelledby="cluster-list-heading">
      <div className="section-head">
        <h2 id="cluster-list-heading">Clusters</h2>
        <button
          type="button"
          aria-pressed={isAdding}
          onClick={() => openClusterEditor({ mode: 'new' })}
        >
          <span aria-hidden="true">+ </span>Add a cluster
        </button>
      </div>
      {error !== null && (
        <p className="error" role="alert">
          Could not list the clusters: {error.message}
        </p>
      )}
      {isLoading ? (
        <p className="muted">Loading…</p>
      ) : clusters.length === 0 ? (
        <p className="muted">No clusters yet: add one.</p>
      ) : (
        <ul>
          {clusters.map((cluster) => (
            <li key={cluster.id}>
              <button
                type="button"
                aria-current={cluster.id === selectedId ? 'true' : undefined}
                onClick={() => {
                  if (view === 'edit-cluster') setView('overview');
                  void selectCluster(client, cluster.id);
                }}
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
