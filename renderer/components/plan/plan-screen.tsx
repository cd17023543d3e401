/**
 * The resize plan before anything is written: who holds each vbucket now and after, what each node
 * must fetch and from whom, how much that is, and what a node failing meanwhile would cost.
 */
import { useMemo, useState } from 'react';
import type { ClusterSummary, PlanPreview } from '../../../core/console/contract.js';
import { selectSelectedCluster } from '../../store/clusters-slice.js';
import { useClusterPlan } from './use-cluster-plan.js';
import { useConsole } from '../console-context.js';
import { ErrorNotice } from '../error-notice.js';
import { nodeIndexes, roleLabel } from '../node-order.js';
import { NodeTag } from '../node-tag.js';
import { EstimatePanel } from './estimate-panel.js';
import { MovesTable } from './moves-table.js';
import { summarizeNodes, type NodeSummary } from './plan-summary.js';
import { RiskPanel } from './risk-panel.js';
import { Worklists } from './worklists.js';

export const NO_RESIZE = 'No resize is planned: this cluster has no new_servers.';

export function PlanScreen() {
  const cluster = useConsole(selectSelectedCluster);
  if (cluster === undefined) {
    return (
      <section className="panel empty">
        <p className="muted">Select a cluster to see its resize plan.</p>
      </section>
    );
  }
  return <ClusterPlan cluster={cluster} />;
}

function ClusterPlan({ cluster }: { readonly cluster: ClusterSummary }) {
  const setView = useConsole((state) => state.setView);
  const isResizing = cluster.newServers.length > 0;
  const preview = useClusterPlan(cluster, isResizing);

  if (!isResizing) {
    return (
      <section className="panel plan-empty" aria-labelledby="plan-heading">
        <h2 id="plan-heading">Resize plan</h2>
        <p>{NO_RESIZE}</p>
        <p className="muted">
          To grow or shrink {cluster.name}, start a resize: the Resize tab sets the new servers and
          walks through the steps. Its plan appears here before anything is written.
        </p>
        <button type="button" className="primary" onClick={() => setView('wizard')}>
          Go to Resize
        </button>
      </section>
    );
  }
  if (preview.error !== null) {
    return (
      <section className="panel" aria-labelledby="plan-heading">
        <h2 id="plan-heading">Resize plan</h2>
        <ErrorNotice error={preview.error} what="Could not compute the plan" />
      </section>
    );
  }
  if (preview.value === null) {
    return (
      <section className="panel" aria-labelledby="plan-heading" aria-busy="true">
        <h2 id="plan-heading">Resize plan</h2>
        <p className="muted">Computing the plan…</p>
      </section>
    );
  }
  return <PlanDetails clusterId={cluster.id} preview={preview.value} />;
}

/** The plan itself; exported for tests, which give it a preview directly. */
export function PlanDetails(props: { readonly clusterId: string; readonly preview: PlanPreview }) {
  const { clusterId, preview } = props;
  const { plan, risk } = preview;
  const [full, setFull] = useState(false);
  const indexes = useMemo(() => nodeIndexes(plan.servers, plan.newServers), [plan]);
  const nodes = useMemo(() => summarizeNodes(plan), [plan]);
  const moving = plan.vbuckets.filter((vbucket) => vbucket.moving).length;
  return (
    <div className="plan">
      <section className="panel" aria-labelledby="plan-heading">
        <div className="section-head">
          <h2 id="plan-heading">Resize plan</h2>
          <p className="muted">
            {plan.servers.length} → {plan.newServers.length} nodes;{' '}
            <strong>
              {moving} of {plan.vbuckets.length}
            </strong>{' '}
            vbuckets move. Nothing has been written.
          </p>
        </div>
        <NodeSummaryTable nodes={nodes} />
      </section>
      <div className="plan-toolbar">
        <fieldset className="segmented">
          <legend>Worklists and estimate for</legend>
          {([false, true] as const).map((choice) => (
            <label key={String(choice)}>
              <input
                type="radio"
                name="resync-kind"
                checked={full === choice}
                onChange={() => setFull(choice)}
              />
              {choice ? 'Full resyncs' : 'Minimal resyncs'}
            </label>
          ))}
        </fieldset>
      </div>
      <div className="plan-columns">
        <EstimatePanel clusterId={clusterId} full={full} indexes={indexes} />
        <RiskPanel risk={risk} indexes={indexes} />
      </div>
      <div className="plan-columns">
        <MovesTable plan={plan} indexes={indexes} />
        <Worklists plan={plan} nodes={nodes} indexes={indexes} full={full} />
      </div>
    </div>
  );
}

function NodeSummaryTable({ nodes }: { readonly nodes: readonly NodeSummary[] }) {
  const change = (before: number, after: number) => (
    <>
      {before} → <strong>{after}</strong>
    </>
  );
  return (
    <div className="table-scroll">
      <table className="data-table node-plan-table">
        <caption className="visually-hidden">Each node before and after the resize</caption>
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">Role</th>
            <th scope="col" className="number">
              vbuckets held
            </th>
            <th scope="col" className="number">
              Primary for
            </th>
            <th scope="col" className="number">
              To fetch (minimal)
            </th>
            <th scope="col" className="number">
              To fetch (full)
            </th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((node) => (
            <tr key={node.node}>
              <th scope="row">
                <NodeTag node={node.node} index={node.index} showAddress />
              </th>
              <td>{roleLabel(node.role)}</td>
              <td className="number">{change(node.vbucketsBefore, node.vbucketsAfter)}</td>
              <td className="number">{change(node.primaryBefore, node.primaryAfter)}</td>
              <td className="number">{node.minimal}</td>
              <td className="number">{node.full}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
