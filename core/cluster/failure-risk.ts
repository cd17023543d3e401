/**
 * What one node failing during a resize would do to redundancy, beyond what the same failure does
 * to the cluster when no resize runs.
 *
 * The rule. A copy that counts during the resize is a full one: a current replica that the clients
 * keep writing (it is in the vbucket's write set), since it holds every key written before the
 * resize and every write since. A new replica that is not also a current one holds only what has
 * been streamed so far and the writes since, so it counts for nothing until the resize ends (reads
 * may find keys there, but not all of them). The yardstick is the steady state: the copies the
 * same failure leaves under the servers list alone (before) and under new_servers alone (after).
 * A vbucket is at risk from a node when its failure during the resize leaves it fewer full copies
 * than in both steady states: when either layout would be left as short, that is the cluster's
 * ordinary exposure (two replicas: any failure leaves one copy), not something this resize adds,
 * and listing it on every node is noise.
 *
 * With the clients' store view as it is (store-view.ts: every current replica stays in the write
 * set until the resize ends), the copies left during the resize are never fewer than before it, so
 * no vbucket is listed; the rule is computed from the view all the same, so that a view that
 * stopped writing some current replica would show here at once.
 */
import { computeStoreView, type StoreView } from './store-view.js';

export interface NodeFailureRisk {
  readonly node: string;
  /** vbuckets left with one full copy if `node` failed mid-resize, where steady states keep more. */
  readonly singleCopy: readonly number[];
  /** vbuckets left with no full copy, where steady states keep one or more. */
  readonly noCopy: readonly number[];
}

export interface ResizeFailureRisk {
  /** One entry per current server, in the servers list's order. */
  readonly ifNodeFails: readonly NodeFailureRisk[];
  /** Moving vbuckets none of whose new replicas holds them now. */
  readonly fullyRehomed: readonly number[];
}

export function resizeFailureRisk(view: StoreView): ResizeFailureRisk {
  const ifNodeFails = view.servers.length === 0 ? [] : nodeFailureRisks(view);
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

function nodeFailureRisks(view: StoreView): NodeFailureRisk[] {
  const options = { vbuckets: view.vbuckets.length, replicas: view.replicas };
  const before = computeStoreView({ servers: view.servers, newServers: [] }, options);
  const after = view.isResizing
    ? computeStoreView({ servers: view.newServers, newServers: [] }, options)
    : before;
  return view.servers.map((node): NodeFailureRisk => {
    const singleCopy: number[] = [];
    const noCopy: number[] = [];
    for (const vbucket of view.vbuckets) {
      const during = copiesLeft(fullCopies(vbucket), node);
      const steady = Math.min(
        copiesLeft(before.vbuckets[vbucket.id]?.currentReplicas ?? [], node),
        copiesLeft(after.vbuckets[vbucket.id]?.currentReplicas ?? [], node),
      );
      // Two copies or more left are not listed, even short of a steady state of three or more.
      if (during >= steady) continue;
      if (during === 0) noCopy.push(vbucket.id);
      else if (during === 1) singleCopy.push(vbucket.id);
    }
    return { node, singleCopy, noCopy };
  });
}

/** The current replicas that keep receiving every write: the copies that stay whole. */
function fullCopies(vbucket: StoreView['vbuckets'][number]): string[] {
  return vbucket.currentReplicas.filter((node) => vbucket.writeSet.includes(node));
}

/** Distinct holders other than `failed` (a list may name one server twice during a resize). */
function copiesLeft(holders: readonly string[], failed: string): number {
  const left = new Set(holders);
  left.delete(failed);
  return left.size;
}
