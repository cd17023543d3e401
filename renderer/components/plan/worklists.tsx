/**
 * Each target's worklist: the vbuckets it must fetch and, for each, the replicas it streams from
 * in the order they are tried.
 */
import type { PlanJson } from '../../../core/console/contract.js';
import { NodeTag, NodeTags } from '../node-tag.js';
import { roleLabel } from '../node-order.js';
import { worklistEntries, type NodeSummary } from './plan-summary.js';

export function Worklists(props: {
  readonly plan: PlanJson;
  readonly nodes: readonly NodeSummary[];
  readonly indexes: ReadonlyMap<string, number>;
  readonly full: boolean;
}) {
  const { plan, nodes, indexes, full } = props;
  const targets = nodes.filter((node) => (full ? node.full : node.minimal) > 0);
  return (
    <section className="panel worklists" aria-labelledby="worklists-heading">
      <h2 id="worklists-heading">Worklists ({full ? 'full' : 'minimal'})</h2>
      <p className="hint">
        {full
          ? 'Full: every vbucket the node will hold, as if it held none of its data (after a restart).'
          : 'Minimal: only the vbuckets the node will hold but does not hold now.'}{' '}
        Sources are tried in order.
      </p>
      {targets.length === 0 ? (
        <p className="muted">No node has anything to fetch.</p>
      ) : (
        targets.map((target) => {
          const entries = worklistEntries(plan, target.node, full);
          return (
            <details key={target.node} className="worklist">
              <summary>
                <NodeTag node={target.node} index={target.index} showAddress />
                <span className="muted"> {roleLabel(target.role)}: </span>
                {entries.length} {entries.length === 1 ? 'vbucket' : 'vbuckets'} to fetch
              </summary>
              <ul className="worklist-entries">
                {entries.map(([vbucket, sources]) => (
                  <li key={vbucket}>
                    <span className="worklist-vbucket">{vbucket}</span>
                    <span aria-hidden="true"> ← </span>
                    <span className="visually-hidden"> from </span>
                    <NodeTags nodes={sources} indexes={indexes} />
                  </li>
                ))}
              </ul>
            </details>
          );
        })
      )}
    </section>
  );
}
