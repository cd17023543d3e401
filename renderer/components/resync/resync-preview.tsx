import { useMemo, type CSSProperties } from 'react';
import { countOf, formatCount } from '../../../core/util/format-units.js';
import type { NodeIndex } from '../live/cluster-nodes.js';
import { nodeColours, nodeLabel } from '../live/cluster-nodes.js';
import { NodeChip } from '../live/node-chip.js';
import { VbucketGrid, type GridCell } from '../vbucket-grid.js';
import type { WorklistPreview } from './resync-plan.js';
import type { PlanPreview } from '../../../core/console/contract.js';
import type { Fetched } from '../../store/plan-slice.js';

/** What the resync would stream: how many vbuckets, from which sources, and where they sit. */
export function ResyncPreview(props: {
  readonly node: string | null;
  readonly full: boolean;
  readonly plan: Fetched<PlanPreview>;
  readonly preview: WorklistPreview | undefined;
  readonly nodes: NodeIndex;
}) {
  const { node, full, plan, preview, nodes } = props;
  const size = plan.value?.plan.vbuckets.length ?? 0;
  const cells = useMemo(
    () => (preview === undefined ? [] : previewCells(size, preview, nodes)),
    [size, preview, nodes],
  );
  return (
    <section className="panel resync-preview" aria-labelledby="resync-preview-heading">
      <h2 id="resync-preview-heading">What it would stream</h2>
      {plan.error !== null ? (
        <p className="error" role="alert">
          Could not read the plan: {plan.error.message}{' '}
          <span className="error-code mono">({plan.error.code})</span>
        </p>
      ) : plan.isLoading ? (
        <p className="muted">Reading the plan…</p>
      ) : node === null ? (
        <p className="muted">Pick a node to see its worklist.</p>
      ) : preview === undefined ? (
        <p className="muted">The plan has no worklist for {node}.</p>
      ) : preview.vbuckets === 0 ? (
        <p>
          Nothing to stream: {node} already holds every vbucket the plan gives it
          {full ? '' : ' (a full resync would fetch them all again)'}.
        </p>
      ) : (
        <>
          <p className="preview-summary">
            <strong>{formatCount(preview.vbuckets)}</strong> of {formatCount(size)} vbuckets (
            {full ? 'full' : 'minimal'}), from{' '}
            {countOf(preview.sources.filter((source) => source.first > 0).length, 'source')}:
          </p>
          <ul className="source-list">
            {preview.sources.map((source) => (
              <li key={source.source}>
                <NodeChip nodes={nodes} node={source.source} />
                <span>
                  first choice for {formatCount(source.first)}
                  {source.fallback > 0 && `, stands by for ${formatCount(source.fallback)}`}
                </span>
              </li>
            ))}
          </ul>
          <VbucketGrid cells={cells} label={`vbuckets ${node} would fetch, by first source`} />
        </>
      )}
    </section>
  );
}

function previewCells(size: number, preview: WorklistPreview, nodes: NodeIndex): GridCell[] {
  return Array.from({ length: size }, (_, vbucket): GridCell => {
    const source = preview.firstSource.get(vbucket);
    if (source === undefined) {
      return { className: 'vb-idle', label: '', description: `vbucket ${vbucket}: not fetched` };
    }
    const { fill, text } = nodeColours(nodes, source);
    return {
      className: 'vb-planned',
      label: nodeLabel(nodes, source),
      description: `vbucket ${vbucket}: from node ${nodeLabel(nodes, source)} (${source})`,
      style: { '--node-colour': fill, '--node-text': text } as CSSProperties,
    };
  });
}
