import type { ClusterStatusReport } from '../../core/console/contract.js';
import { selectSelectedCluster, selectSelectedStatus } from '../store/clusters-slice.js';
import { useConsole, useConsoleClient } from './console-context.js';
import { formatBytes, formatCount } from '../../core/util/format-units.js';
import { formatTime } from './format-time.js';

export function ClusterStatus() {
  const client = useConsoleClient();
  const cluster = useConsole(selectSelectedCluster);
  const { isLoading, report, error } = useConsole(selectSelectedStatus);
  const refreshStatus = useConsole((state) => state.refreshStatus);

  if (cluster === undefined) {
    return (
      <section className="panel cluster-status empty" aria-label="Cluster status">
        <p className="muted">Select a cluster to see its nodes.</p>
      </section>
    );
  }
  return (
    <section
      className="panel cluster-status"
      aria-labelledby="cluster-status-heading"
      aria-busy={isLoading}
    >
      <div className="section-head">
        <h2 id="cluster-status-heading">{cluster.name}</h2>
        <p className="muted" aria-live="polite">
          {isLoading
            ? 'Checking nodes…'
            : report !== null && `Checked ${formatTime(report.checkedAt)}`}
        </p>
        <button
          type="button"
          onClick={() => void refreshStatus(client, cluster.id)}
          disabled={isLoading}
        >
          Refresh
        </button>
      </div>
      {error !== null && (
        <p className="error" role="alert">
          Could not check the cluster: {error.message}
        </p>
      )}
      {report !== null && (
        <table className="node-table">
          <caption>Nodes of {cluster.name}</caption>
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">Role</th>
              <th scope="col">State</th>
              <th scope="col">Version</th>
              <th scope="col" className="number">
                Items
              </th>
              <th scope="col" className="number">
                Memory
              </th>
              <th scope="col">Tag record</th>
            </tr>
          </thead>
          <tbody>
            {report.nodes.map((node) => (
              <NodeRow key={node.node} node={node} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function NodeRow({ node }: { readonly node: ClusterStatusReport['nodes'][number] }) {
  const none = <span className="muted">—</span>;
  return (
    <tr className={node.isReachable ? undefined : 'node-down'}>
      <th scope="row" className="mono">
        {node.node}
      </th>
      <td>{node.role.replaceAll('-', ' ')}</td>
      <td>
        {node.isReachable ? (
          <span className="state state-up">reachable</span>
        ) : (
          <>
            <span className="state state-down">DOWN</span>
            {node.error !== undefined && <span className="reason">{node.error.message}</span>}
          </>
        )}
      </td>
      <td>{node.version ?? none}</td>
      <td className="number">{node.items === undefined ? none : formatCount(node.items)}</td>
      <td className="number">
        {node.bytes === undefined
          ? none
          : node.maxBytes === undefined
            ? formatBytes(node.bytes)
            : `${formatBytes(node.bytes)} of ${formatBytes(node.maxBytes)}`}
      </td>
      <td>
        {node.tag === undefined
          ? none
          : node.tag === null
            ? 'none'
            : `${node.tag.full ? 'full' : 'incremental'} resync, ${formatTime(node.tag.resyncedAt)}`}
      </td>
    </tr>
  );
}
