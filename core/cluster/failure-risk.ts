/**
 * What one node failing during a resize would do to redundancy. Until a moving vbucket has been
 * streamed, its new replicas hold only part of it, so the copies that count are the current
 * replicas': a vbucket whose distinct current replicas are the failed node and one other is left
 * with a single full copy; one held by the failed node alone has none left.
 */
import type { StoreView } from './store-view.js';

export interface NodeFailureRisk {
  readonly node: string;
  /** vbuckets that would be left with one full copy if `node` failed mid-resize. */
  readonly singleCopy: readonly number[];
  /** vbuckets that would have no full copy left. */
  readonly noCopy: readonly number[];
}

export interface ResizeFailureRisk {
  /** One entry per current server, in the servers list's order. */
  readonly ifNodeFails: readonly NodeFailureRisk[];
  /** Moving vbuckets none of whose new replicas holds them now. */
  readonly fullyRehomed: readonly number[];
}

export function resizeFailureRisk(view: StoreView): ResizeFailureRisk {
  const ifNodeFails = view.servers.map((node): NodeFailureRisk => {
    const singleCopy: number[] = [];
    const noCopy: number[] = [];
    for (const vbucket of view.vbuckets) {
      const holders = new Set(vbucket.currentReplicas);
      if (!holders.has(node)) continue;
      const left = holders.size - 1;
      if (left === 0) noCopy.push(vbucket.id);
      else if (left === 1) singleCopy.push(vbucket.id);
    }
    return { node, singleCopy, noCopy };
  });
  const fullyRehomed = view.vbuckets
    .filter(
      (vbucket) =>
        vbucket.isMoving &&
        vbucket.newReplicas !== null &&
        !vbucket.newReplicas.some((node) => vbucket.currentReplicas.includes(node)),
    )
    .map((vbucket) => vbucket.id);
  return { ifNodeFails, fullyRehomed };
}
