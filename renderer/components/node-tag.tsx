/**
 * A node as a small coloured tag with its number: how the map, the plan and the legends name a
 * node compactly. The number is always there, so colour is never the only sign; the address is in
 * the tooltip and in what a screen reader says, or beside the tag with `showAddress`.
 */
import { nodeColour, nodeNumber, nodeTextColour } from './node-colours.js';

export function NodeTag(props: {
  readonly node: string;
  /** Its index in `nodeOrder`; undefined for a node in neither list (grey, with a ?). */
  readonly index: number | undefined;
  readonly showAddress?: boolean;
}) {
  const { node, index, showAddress = false } = props;
  const label = index === undefined ? '?' : nodeNumber(index);
  return (
    <span className="node-tag-group" title={node}>
      <span
        className="node-tag"
        style={
          index === undefined
            ? undefined
            : { background: nodeColour(index), color: nodeTextColour(index) }
        }
        aria-hidden="true"
      >
        {label}
      </span>
      {showAddress ? (
        <span className="mono">
          <span className="visually-hidden">node {label}, </span>
          {node}
        </span>
      ) : (
        <span className="visually-hidden">
          node {label} ({node})
        </span>
      )}
    </span>
  );
}

/** Tags for a list of replicas (primary first), or a dash when there are none. */
export function NodeTags(props: {
  readonly nodes: readonly string[] | null;
  readonly indexes: ReadonlyMap<string, number>;
}) {
  const { nodes, indexes } = props;
  if (nodes === null || nodes.length === 0) return <span className="muted">—</span>;
  return (
    <span className="node-tags">
      {nodes.map((node, position) => (
        <NodeTag key={`${position} ${node}`} node={node} index={indexes.get(node)} />
      ))}
    </span>
  );
}
