import type { CSSProperties } from 'react';
import { nodeColours, nodeLabel, type NodeIndex } from './cluster-nodes.js';

/** A node as the grids and charts show it: its number on its colour, then its address. */
export function NodeChip(props: {
  readonly nodes: NodeIndex;
  readonly node: string;
  readonly isAddressShown?: boolean;
}) {
  const { nodes, node, isAddressShown = true } = props;
  const { fill, text } = nodeColours(nodes, node);
  const style = { '--node-colour': fill, '--node-text': text } as CSSProperties;
  return (
    <span className="node-chip" title={node}>
      <span className="node-chip-number" style={style} aria-hidden="true">
        {nodeLabel(nodes, node)}
      </span>
      {isAddressShown ? (
        <span className="mono">{node}</span>
      ) : (
        <span className="visually-hidden">{node}</span>
      )}
    </span>
  );
}
