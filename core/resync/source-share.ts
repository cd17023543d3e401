/**
 * How much of a source a resync takes: the one rule behind the live estimate of a running resync
 * and the plan's estimate before it starts. A source's items are spread evenly over the vbuckets
 * it holds (keys hash uniformly to vbuckets), so the share of its items a target gets is the share
 * of its vbuckets the target streams from it.
 */
import type { StoreView } from '../cluster/store-view.js';
import type { Worklist } from '../cluster/worklist.js';
import { getOrCreate } from '../util/get-or-create.js';

/** How many vbuckets each node holds now; a node listed twice for one vbucket counts it once. */
export function vbucketsHeld(view: StoreView): Map<string, number> {
  const held = new Map<string, number>();
  for (const vbucket of view.vbuckets) {
    for (const node of new Set(vbucket.currentReplicas)) held.set(node, (held.get(node) ?? 0) + 1);
  }
  return held;
}

/** The fraction of a source's items that streaming `streamed` of its `held` vbuckets moves. */
export function sourceShare(streamed: number, held: number): number {
  return held > 0 ? Math.min(1, streamed / held) : 0;
}

/**
 * The vbuckets each source streams, as a resync first assigns them: each worklist entry to its
 * first replica (a failed source's vbuckets move to their next replica only once it fails).
 */
export function firstAssignment(worklist: Worklist): Map<string, number[]> {
  const bySource = new Map<string, number[]>();
  for (const [vbucket, sources] of worklist) {
    const first = sources[0];
    if (first !== undefined) getOrCreate(bySource, first, () => []).push(vbucket);
  }
  return bySource;
}
