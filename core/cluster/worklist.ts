/**
 * A node's resync worklist: for each vbucket the node must fetch, the ordered list of replicas to
 * stream it from (try the first; on failure, the next). It is computed from the store view alone,
 * so every node and the console derive the same lists.
 */
import type { ClusterSettings } from './cluster-settings.js';
import type { StoreView, VbucketAllocation } from './store-view.js';

/** What a resize means for one node; `stable` when no resize is in progress. */
export type NodeRole =
  'joining' | 'staying' | 'leaving' | 'joining-from-empty' | 'stable' | 'not-a-member';

/** vbucket -> replicas to stream it from, in order. Only vbuckets with a source appear. */
export type Worklist = ReadonlyMap<number, readonly string[]>;

export interface WorklistOptions {
  /**
   * A full resync fetches every vbucket the node will hold, as if it held none of its data (after
   * a restart, say); a minimal one fetches only the vbuckets it does not already hold.
   */
  readonly full: boolean;
}

export function nodeRole(settings: ClusterSettings, node: string): NodeRole {
  const isCurrent = settings.servers.includes(node);
  const isNew = settings.newServers.includes(node);
  if (settings.newServers.length === 0) return isCurrent ? 'stable' : 'not-a-member';
  if (settings.servers.length === 0) return isNew ? 'joining-from-empty' : 'not-a-member';
  if (isCurrent && isNew) return 'staying';
  if (isNew) return 'joining';
  return isCurrent ? 'leaving' : 'not-a-member';
}

/**
 * The worklist of `node`. A vbucket is fetched when the node will hold it (it is among the new
 * replicas, or the current ones when no resize is in progress) but does not hold it now. For a full
 * resync the node is taken not to hold it: one occurrence of the node is removed from the current
 * replicas, so a node listed twice (a one-server cluster growing) still holds it via the other.
 * The sources are the remaining current replicas, primary first, duplicates kept.
 */
export function computeWorklist(view: StoreView, node: string, options: WorklistOptions): Worklist {
  const worklist = new Map<number, readonly string[]>();
  for (const vbucket of view.vbuckets) {
    const sources = sourcesFor(vbucket, node, options);
    if (sources !== undefined) worklist.set(vbucket.id, sources);
  }
  return worklist;
}

/**
 * The worklists of many nodes at once, in one pass over the vbuckets: only the replicas a vbucket
 * will have can need it, so this costs vbuckets x replicas rather than vbuckets x nodes.
 */
export function computeWorklists(
  view: StoreView,
  nodes: readonly string[],
  options: WorklistOptions,
): Map<string, Worklist> {
  const worklists = new Map<string, Map<number, readonly string[]>>(
    nodes.map((node) => [node, new Map()]),
  );
  for (const vbucket of view.vbuckets) {
    for (const node of new Set(vbucket.newReplicas ?? vbucket.currentReplicas)) {
      const worklist = worklists.get(node);
      const sources = worklist === undefined ? undefined : sourcesFor(vbucket, node, options);
      if (sources !== undefined) worklist?.set(vbucket.id, sources);
    }
  }
  return worklists;
}

function sourcesFor(
  vbucket: VbucketAllocation,
  node: string,
  options: WorklistOptions,
): readonly string[] | undefined {
  const future = vbucket.newReplicas ?? vbucket.currentReplicas;
  if (!future.includes(node)) return undefined;
  const holders = options.full
    ? withoutFirst(vbucket.currentReplicas, node)
    : vbucket.currentReplicas;
  return holders.includes(node) || holders.length === 0 ? undefined : holders;
}

/** Every distinct server named in either list, current servers first, in file order. */
export function clusterNodes(settings: ClusterSettings): string[] {
  return [...new Set([...settings.servers, ...settings.newServers])];
}

function withoutFirst(list: readonly string[], name: string): readonly string[] {
  const index = list.indexOf(name);
  return index < 0 ? list : [...list.slice(0, index), ...list.slice(index + 1)];
}
