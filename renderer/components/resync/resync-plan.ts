/**
 * What the one-node resync screen shows before anything starts: each node's role, whether a full
 * resync is advisable, and what a resync would stream, from the plan's worklists.
 */
import type {
  ClusterSummary,
  NodeRole,
  PlanJson,
  SurveyedNode,
} from '../../../core/console/contract.js';

type Worklist = PlanJson['worklists'][string]['minimal'];

/**
 * A node's part in the cluster, as cluster_settings' two lists give it. The same rule as
 * core/cluster/worklist.ts nodeRole, which the renderer cannot import; the status report's role,
 * when there is one, is preferred to this.
 */
export function roleOf(
  cluster: Pick<ClusterSummary, 'servers' | 'newServers'>,
  node: string,
): NodeRole {
  const isCurrent = cluster.servers.includes(node);
  const isNew = cluster.newServers.includes(node);
  if (cluster.newServers.length === 0) return isCurrent ? 'stable' : 'not-a-member';
  if (cluster.servers.length === 0) return isNew ? 'joining-from-empty' : 'not-a-member';
  if (isCurrent && isNew) return 'staying';
  if (isNew) return 'joining';
  return isCurrent ? 'leaving' : 'not-a-member';
}

export function roleWords(role: NodeRole): string {
  switch (role) {
    case 'stable':
      return 'server';
    case 'staying':
      return 'staying (in both lists)';
    case 'joining':
      return 'joining (new server)';
    case 'joining-from-empty':
      return 'joining an empty cluster';
    case 'leaving':
      return 'leaving (old server)';
    case 'not-a-member':
      return 'not in cluster_settings';
  }
}

export interface ModeAdvice {
  readonly full: boolean;
  readonly reason: string;
}

/**
 * Full is advised when the node's status shows no tag record: it restarted (memcached keeps
 * nothing) or was never resynced, so it may lack any vbucket, not only those the plan says.
 */
export function adviseMode(status: SurveyedNode | undefined): ModeAdvice | undefined {
  if (status === undefined || status.tag === undefined) return undefined;
  if (status.tag === null) {
    return {
      full: true,
      reason:
        'It has no tag record: it was restarted or never resynced, so it may be missing any of ' +
        'its vbuckets. A full resync refills them all.',
    };
  }
  return {
    full: false,
    reason: `It has a tag record from a ${status.tag.full ? 'full' : 'minimal'} resync: only the vbuckets it lacks need streaming.`,
  };
}

export interface SourceShare {
  readonly source: string;
  /** vbuckets streamed from it first. */
  readonly first: number;
  /** vbuckets it stands by for, should their first source fail. */
  readonly fallback: number;
}

export interface WorklistPreview {
  readonly vbuckets: number;
  /** vbucket -> its first source, for the preview grid. */
  readonly firstSource: ReadonlyMap<number, string>;
  readonly sources: readonly SourceShare[];
}

export function previewWorklist(worklist: Worklist | undefined): WorklistPreview {
  const firstSource = new Map<number, string>();
  const shares = new Map<string, { first: number; fallback: number }>();
  for (const [key, sources] of Object.entries(worklist ?? {})) {
    sources.forEach((source, rank) => {
      const share = shares.get(source) ?? { first: 0, fallback: 0 };
      if (rank === 0) share.first++;
      else share.fallback++;
      shares.set(source, share);
    });
    const first = sources[0];
    if (first !== undefined) firstSource.set(Number(key), first);
  }
  return {
    vbuckets: Object.keys(worklist ?? {}).length,
    firstSource,
    sources: [...shares]
      .map(([source, share]) => ({ source, ...share }))
      .sort((a, b) => b.first - a.first || a.source.localeCompare(b.source)),
  };
}
