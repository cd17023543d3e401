/**
 * Which activity entries the screen shows: one cluster's or all, failures only or not, and those
 * matching the words typed in the search box. The search runs here, over the entries the page has
 * loaded (the newest 1,000 when it opened, and every one since), not in the service.
 */
import type { ActivityEntry } from '../../../core/console/contract.js';
import type { ClusterNameOf } from './activity-export.js';

export interface ActivityFilter {
  /** A cluster's id, or null for every cluster. */
  readonly clusterId: string | null;
  /** Only what failed or was refused. */
  readonly isFailuresOnly: boolean;
  /**
   * Words an entry must hold, each somewhere in its cluster, node, action, outcome, detail or
   * time, in any case; empty or absent for every entry.
   */
  readonly text?: string;
}

/** The entries `filter` lets through, newest first. */
export function filterActivity(
  entries: readonly ActivityEntry[],
  filter: ActivityFilter,
  clusterNameOf: ClusterNameOf = () => undefined,
): ActivityEntry[] {
  const words = (filter.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const shown: ActivityEntry[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (entry === undefined) continue;
    if (filter.clusterId !== null && entry.clusterId !== filter.clusterId) continue;
    if (filter.isFailuresOnly && entry.outcome !== 'failed' && entry.outcome !== 'refused') {
      continue;
    }
    if (words.length > 0) {
      const text = searchText(entry, clusterNameOf);
      if (!words.every((word) => text.includes(word))) continue;
    }
    shown.push(entry);
  }
  return shown;
}

function searchText(entry: ActivityEntry, clusterNameOf: ClusterNameOf): string {
  const clusterName = entry.clusterId === undefined ? undefined : clusterNameOf(entry.clusterId);
  return [
    entry.at,
    entry.clusterId,
    clusterName,
    entry.node,
    entry.action,
    entry.outcome,
    entry.detail,
  ]
    .filter((part) => part !== undefined)
    .join('\n')
    .toLowerCase();
}
