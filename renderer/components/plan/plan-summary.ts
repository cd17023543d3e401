/**
 * What a plan means per node and per vbucket, derived from the service's PlanJson on the page:
 * the same counts `astaire plan` prints (replicas and primaries held before and after, worklist
 * sizes), and each vbucket's change in the operator's words.
 */
import type { PlanJson } from '../../../core/console/contract.js';
import { nodeOrder, resizeRole, type ResizeRole } from '../node-order.js';
import { ownEntry } from '../../../core/shared/own-entry.js';

export interface NodeSummary {
  readonly node: string;
  readonly index: number;
  readonly role: ResizeRole;
  /** vbuckets this node holds a replica of now, and will after the resize. */
  readonly vbucketsBefore: number;
  readonly vbucketsAfter: number;
  readonly primaryBefore: number;
  readonly primaryAfter: number;
  /** vbuckets in its minimal and full worklists. */
  readonly minimal: number;
  readonly full: number;
}

export function summarizeNodes(plan: PlanJson): NodeSummary[] {
  const heldBefore = new Map<string, number>();
  const heldAfter = new Map<string, number>();
  const primaryBefore = new Map<string, number>();
  const primaryAfter = new Map<string, number>();
  for (const vbucket of plan.vbuckets) {
    const after = vbucket.new ?? vbucket.current;
    for (const node of new Set(vbucket.current)) increment(heldBefore, node);
    for (const node of new Set(after)) increment(heldAfter, node);
    if (vbucket.current[0] !== undefined) increment(primaryBefore, vbucket.current[0]);
    if (after[0] !== undefined) increment(primaryAfter, after[0]);
  }
  return nodeOrder(plan.servers, plan.newServers).map((node, index) => ({
    node,
    index,
    role: resizeRole(plan.servers, plan.newServers, node),
    vbucketsBefore: heldBefore.get(node) ?? 0,
    vbucketsAfter: heldAfter.get(node) ?? 0,
    primaryBefore: primaryBefore.get(node) ?? 0,
    primaryAfter: primaryAfter.get(node) ?? 0,
    minimal: Object.keys(ownEntry(plan.worklists, node)?.minimal ?? {}).length,
    full: Object.keys(ownEntry(plan.worklists, node)?.full ?? {}).length,
  }));
}

/** How one vbucket's replicas change: the nodes that leave it and the nodes that join it. */
export interface VbucketChange {
  readonly kind: 'none' | 'unchanged' | 'swap' | 'moves';
  readonly leaving: readonly string[];
  readonly joining: readonly string[];
}

export function vbucketChange(vbucket: PlanJson['vbuckets'][number]): VbucketChange {
  const after = vbucket.new;
  if (after === null) return { kind: 'none', leaving: [], joining: [] };
  const leaving = vbucket.current.filter((node) => !after.includes(node));
  const joining = after.filter((node) => !vbucket.current.includes(node));
  if (vbucket.moving) return { kind: 'moves', leaving, joining };
  const isSameOrder = after.every((node, i) => node === vbucket.current[i]);
  return { kind: isSameOrder ? 'unchanged' : 'swap', leaving, joining };
}

/** Worklist entries as [vbucket, sources], in vbucket order. */
export function worklistEntries(
  plan: PlanJson,
  node: string,
  full: boolean,
): [number, readonly string[]][] {
  const worklist = ownEntry(plan.worklists, node)?.[full ? 'full' : 'minimal'] ?? {};
  return Object.entries(worklist)
    .map(([vbucket, sources]): [number, readonly string[]] => [Number(vbucket), sources])
    .sort((a, b) => a[0] - b[0]);
}

function increment(counts: Map<string, number>, node: string): void {
  counts.set(node, (counts.get(node) ?? 0) + 1);
}
