/**
 * The store view: for every vbucket, which servers hold it now, which will hold it after the
 * resize, and which the clients read from and write to meanwhile. This is what every MemcachedStore
 * client computes from cluster_settings, so the console must compute exactly the same.
 */
import { ConfigError } from '../errors.js';
import type { ClusterSettings } from './cluster-settings.js';
import { buildRing, ringReplicas } from './ring.js';
import { DEFAULT_VBUCKETS, checkVbucketCount } from './vbucket-hash.js';

/** The clients' default: each vbucket is held by a primary and one backup. */
export const DEFAULT_REPLICAS = 2;
export const MAX_REPLICAS = 16;

export interface StoreViewOptions {
  readonly vbuckets?: number;
  readonly replicas?: number;
}

export interface VbucketAllocation {
  readonly id: number;
  /** Replicas under the current servers list, primary first. */
  readonly currentReplicas: readonly string[];
  /** Replicas under new_servers, primary first; null when no resize is in progress. */
  readonly newReplicas: readonly string[] | null;
  readonly readSet: readonly string[];
  readonly writeSet: readonly string[];
  /** The replica set changes (compared as sorted lists, so a swap of primary and backup counts). */
  readonly isMoving: boolean;
}

export interface StoreView {
  readonly servers: readonly string[];
  readonly newServers: readonly string[];
  /** True when both lists are non-empty: the clients then use both rings. */
  readonly isResizing: boolean;
  readonly replicas: number;
  readonly vbuckets: readonly VbucketAllocation[];
}

/**
 * Computes the clients' view of a cluster_settings file.
 *
 * With no new_servers, or no servers (a cluster being built from nothing), there is one ring, and
 * replica lists are capped at the number of servers. During a resize there are two rings and no
 * cap, so a list can name one server twice; reads and writes then go to the current primary, the
 * new replicas, and the other current replicas, each server once, in that order.
 */
export function computeStoreView(
  settings: ClusterSettings,
  options: StoreViewOptions = {},
): StoreView {
  const vbucketCount = checkVbucketCount(options.vbuckets ?? DEFAULT_VBUCKETS);
  const replicas = checkReplicaCount(options.replicas ?? DEFAULT_REPLICAS);
  const { servers, newServers } = settings;
  const isResizing = servers.length > 0 && newServers.length > 0;
  const vbuckets: VbucketAllocation[] = [];

  if (!isResizing) {
    const members = servers.length > 0 ? servers : newServers;
    const ring = buildRing(members.length, vbucketCount);
    const perVbucket = Math.min(replicas, members.length);
    for (let id = 0; id < vbucketCount; id++) {
      const current = namesAt(members, ringReplicas(ring, id, perVbucket));
      vbuckets.push({
        id,
        currentReplicas: current,
        newReplicas: null,
        readSet: current,
        writeSet: current,
        isMoving: false,
      });
    }
    return { servers, newServers, isResizing, replicas, vbuckets };
  }

  const currentRing = buildRing(servers.length, vbucketCount);
  const newRing = buildRing(newServers.length, vbucketCount);
  for (let id = 0; id < vbucketCount; id++) {
    const current = namesAt(servers, ringReplicas(currentRing, id, replicas));
    const next = namesAt(newServers, ringReplicas(newRing, id, replicas));
    const readSet = uniqueInOrder([current[0] as string, ...next, ...current.slice(1)]);
    vbuckets.push({
      id,
      currentReplicas: current,
      newReplicas: next,
      readSet,
      writeSet: readSet,
      isMoving: !sameMembers(current, next),
    });
  }
  return { servers, newServers, isResizing, replicas, vbuckets };
}

/** @throws ConfigError unless `replicas` is a whole number from 1 to MAX_REPLICAS. */
export function checkReplicaCount(replicas: number): number {
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > MAX_REPLICAS) {
    throw new ConfigError(
      'BAD_REPLICA_COUNT',
      `the replica count must be a whole number from 1 to ${MAX_REPLICAS}, not ${replicas}`,
    );
  }
  return replicas;
}

function namesAt(list: readonly string[], positions: readonly number[]): string[] {
  return positions.map((position) => list[position] as string);
}

function uniqueInOrder(names: readonly string[]): string[] {
  return [...new Set(names)];
}

// Sorted comparison, duplicates counted: [a, a] -> [a, b] moves, [a, b] -> [b, a] does not.
function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sortedA = [...a].sort();
  const sortedB = [...b].sort();
  return sortedA.every((name, i) => name === sortedB[i]);
}
