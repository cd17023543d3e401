/**
 * A cluster at a glance: every node as the last connection test found it, and the vbucket
 * allocation map. Testing the connections is what the overview does on opening and on demand.
 */
import { useMemo } from 'react';
import type { ClusterSummary } from '../../../core/console/contract.js';
import { selectSelectedCluster, selectSelectedStatus } from '../../store/clusters-slice.js';
import { useClusterPlan } from '../plan/use-cluster-plan.js';
import { useConsole, useConsoleClient } from '../console-context.js';
import { ErrorNotice } from '../error-notice.js';
import { formatTime } from '../format-time.js';
import { nodeIndexes } from '../node-order.js';
import { NodeTable } from './node-table.js';
import { VbucketMap } from './vbucket-map.js';

export function OverviewScreen() {
  const cluster = useConsole(selectSelectedCluster);
  if (cluster === undefined) {
    return (
      <section className="panel empty">
        <p className="muted">Select a cluster, or add one, to see its nodes.</p>
      </section>
    );
  }
  return <ClusterOverview cluster={cluster} />;
}

function ClusterOverview({ cluster }: { readonly cluster: ClusterSummary }) {
  const client = useConsoleClient();
  const status = useConsole(selectSelectedStatus);
  const preview = useClusterPlan(cluster);
  const loadPreview = useConsole((state) => state.loadPreview);
  const refreshStatus = useConsole((state) => state.refreshStatus);
  const openClusterEditor = useConsole((state) => state.openClusterEditor);
  const { servers, newServers } = cluster;
  const indexes = useMemo(() => nodeIndexes(servers, newServers), [servers, newServers]);
  const downNodes = useMemo(
    () =>
      new Set(
        (status.report?.nodes ?? []).filter((node) => !node.isReachable).map((node) => node.node),
      ),
    [status.report],
  );

  const isDemo = cluster.origin === 'demo';
  return (
    <>
      <section
        className="panel cluster-status"
        aria-labelledby="cluster-status-heading"
        aria-busy={status.isLoading}
      >
        <div className="section-head">
          <h2 id="cluster-status-heading">{cluster.name}</h2>
          {isDemo && <span className="badge">demo</span>}
          <p className="muted" aria-live="polite">
            {status.isLoading
              ? 'Testing connections…'
              : status.report !== null && `Tested ${formatTime(status.report.checkedAt)}`}
          </p>
          <div className="actions">
            <button
              type="button"
              onClick={() =>
                openClusterEditor({ mode: isDemo ? 'copy' : 'edit', clusterId: cluster.id })
              }
              title={
                isDemo
                  ? 'The demo cluster cannot be changed: start a cluster of your own from it'
                  : undefined
              }
            >
              {isDemo ? 'Copy as a new cluster' : 'Edit cluster'}
            </button>
            <button
              type="button"
              className="primary"
              onClick={() => void refreshStatus(client, cluster.id, { isOperatorTest: true })}
              disabled={status.isLoading}
            >
              {status.isLoading ? 'Testing…' : 'Test connections'}
            </button>
          </div>
        </div>
        {status.error !== null && (
          <p className="error" role="alert">
            Could not test the connections: {status.error.message}
          </p>
        )}
        {status.report === null ? (
          status.isLoading && <p className="muted">Connecting to every node…</p>
        ) : (
          <NodeTable clusterName={cluster.name} report={status.report} indexes={indexes} />
        )}
      </section>
      {preview.error !== null ? (
        <section className="panel" aria-label="vbucket allocation">
          <ErrorNotice
            error={preview.error}
            what="Could not compute the vbucket allocation"
            onRetry={() => void loadPreview(client, cluster.id)}
          />
        </section>
      ) : preview.value === null ? (
        <section className="panel" aria-label="vbucket allocation" aria-busy="true">
          <p className="muted">Computing the vbucket allocation…</p>
        </section>
      ) : (
        <VbucketMap plan={preview.value.plan} downNodes={downNodes} />
      )}
    </>
  );
}
