/**
 * A cluster's nodes in the order the colours and numbers go by (`nodeOrder`: servers, then the new
 * servers not already among them), indexed for the live view's grids, legends and charts.
 */
import { useMemo } from 'react';
import type { ClusterSummary } from '../../../core/console/contract.js';
import { useConsole } from '../console-context.js';
import { nodeColour, nodeNumber, nodeTextColour } from '../node-colours.js';
import { nodeOrder } from '../node-order.js';

export interface NodeIndex {
  readonly nodes: readonly string[];
  /** The node's position in `nodes`; -1 for a node the cluster does not name. */
  indexOf(node: string): number;
}

export function clusterNodeList(
  cluster: Pick<ClusterSummary, 'servers' | 'newServers'> | undefined,
): string[] {
  return cluster === undefined ? [] : nodeOrder(cluster.servers, cluster.newServers);
}

export function createNodeIndex(nodes: readonly string[]): NodeIndex {
  const positions = new Map(nodes.map((node, index) => [node, index]));
  return { nodes, indexOf: (node) => positions.get(node) ?? -1 };
}

/** The node's number as grids and legends show it; '?' for a node the cluster does not name. */
export function nodeLabel(index: NodeIndex, node: string): string {
  const at = index.indexOf(node);
  return at < 0 ? '?' : nodeNumber(at);
}

/** The node's colour, and a text colour legible on it; grey for an unknown node. */
export function nodeColours(index: NodeIndex, node: string): { fill: string; text: string } {
  const at = index.indexOf(node);
  return at < 0
    ? { fill: '#999999', text: '#111111' }
    : { fill: nodeColour(at), text: nodeTextColour(at) };
}

/** The node index of a cluster, the same object for as long as its lists do not change. */
export function useNodeIndex(clusterId: string | null): NodeIndex {
  const servers = useConsole(
    (state) => state.clusters.find((cluster) => cluster.id === clusterId)?.servers,
  );
  const newServers = useConsole(
    (state) => state.clusters.find((cluster) => cluster.id === clusterId)?.newServers,
  );
  return useMemo(
    () =>
      createNodeIndex(
        clusterNodeList(
          servers === undefined ? undefined : { servers, newServers: newServers ?? [] },
        ),
      ),
    [servers, newServers],
  );
}
