/**
 * A resize plan: the store view of a cluster_settings file together with what it means per node
 * (role, vbuckets held before and after, worklists). The CLI's `plan` command and the console's
 * plan preview both render this one structure.
 */
import type { ClusterSettings } from './cluster-settings.js';
import { computeStoreView, type StoreView, type StoreViewOptions } from './store-view.js';
import {
  clusterNodes,
  computeWorklists,
  nodeRole,
  type NodeRole,
  type Worklist,
} from './worklist.js';

export interface NodePlan {
  readonly name: string;
  readonly role: NodeRole;
  /** vbuckets this node holds a replica of now, and will after the resize. */
  readonly vbucketsBefore: number;
  readonly vbucketsAfter: number;
  /** vbuckets this node is primary for now, and will be after the resize. */
  readonly primaryBefore: number;
  readonly primaryAfter: number;
  readonly minimal: Worklist;
  readonly full: Worklist;
}

export interface ResizePlan {
  readonly view: StoreView;
  readonly movingVbuckets: number;
  /** Every node named in either list, current servers first. */
  readonly nodes: readonly NodePlan[];
  /** primaryMoves.get(from).get(to): vbuckets whose primary goes from `from` to `to`. */
  readonly primaryMoves: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

export function buildPlan(settings: ClusterSettings, options: StoreViewOptions = {}): ResizePlan {
  const view = computeStoreView(settings, options);
  const heldBefore = new Map<string, number>();
  const heldAfter = new Map<string, number>();
  const primaryBefore = new Map<string, number>();
  const primaryAfter = new Map<string, number>();
  const primaryMoves = new Map<string, Map<string, number>>();
  let movingVbuckets = 0;

  for (const vbucket of view.vbuckets) {
    const after = vbucket.newReplicas ?? vbucket.currentReplicas;
    if (vbucket.isMoving) movingVbuckets++;
    for (const name of new Set(vbucket.currentReplicas)) increment(heldBefore, name);
    for (const name of new Set(after)) increment(heldAfter, name);
    const from = vbucket.currentReplicas[0];
    const to = after[0];
    if (from !== undefined) increment(primaryBefore, from);
    if (to !== undefined) increment(primaryAfter, to);
    if (from !== undefined && to !== undefined) {
      const row = primaryMoves.get(from) ?? new Map<string, number>();
      primaryMoves.set(from, row);
      increment(row, to);
    }
  }

  const names = clusterNodes(settings);
  const minimal = computeWorklists(view, names, { full: false });
  const full = computeWorklists(view, names, { full: true });
  const nodes = names.map((name): NodePlan => ({
    name,
    role: nodeRole(settings, name),
    vbucketsBefore: heldBefore.get(name) ?? 0,
    vbucketsAfter: heldAfter.get(name) ?? 0,
    primaryBefore: primaryBefore.get(name) ?? 0,
    primaryAfter: primaryAfter.get(name) ?? 0,
    minimal: minimal.get(name) ?? new Map(),
    full: full.get(name) ?? new Map(),
  }));
  return { view, movingVbuckets, nodes, primaryMoves };
}

/** The exact shape of `astaire plan --json`; scripts depend on it, so change it only additively. */
export interface PlanJson {
  readonly servers: readonly string[];
  readonly newServers: readonly string[];
  readonly vbuckets: readonly {
    readonly id: number;
    readonly current: readonly string[];
    readonly new: readonly string[] | null;
    readonly read: readonly string[];
    readonly write: readonly string[];
    readonly moving: boolean;
  }[];
  readonly worklists: Readonly<
    Record<string, { readonly minimal: WorklistJson; readonly full: WorklistJson }>
  >;
}

/** vbucket (decimal string) -> sources, in vbucket order. */
export type WorklistJson = Readonly<Record<string, readonly string[]>>;

export function planToJson(plan: ResizePlan): PlanJson {
  const worklists: Record<string, { minimal: WorklistJson; full: WorklistJson }> = {};
  for (const node of plan.nodes) {
    worklists[node.name] = {
      minimal: worklistToJson(node.minimal),
      full: worklistToJson(node.full),
    };
  }
  return {
    servers: plan.view.servers,
    newServers: plan.view.newServers,
    vbuckets: plan.view.vbuckets.map((v) => ({
      id: v.id,
      current: v.currentReplicas,
      new: v.newReplicas,
      read: v.readSet,
      write: v.writeSet,
      moving: v.isMoving,
    })),
    worklists,
  };
}

export function worklistToJson(worklist: Worklist): WorklistJson {
  const json: Record<string, readonly string[]> = {};
  for (const [vbucket, sources] of worklist) json[String(vbucket)] = sources;
  return json;
}

function increment(counts: Map<string, number>, name: string): void {
  counts.set(name, (counts.get(name) ?? 0) + 1);
}
