/**
 * What the console and `astaire status` show per node: reachable, memcached version, items and
 * memory, evictions, whether the node allows key dumps (a resync needs them), and whether it still
 * has the tag record of its last resync (without it the node lost its data since).
 */
import { toErrorPayload, type ErrorPayload } from '../errors.js';
import type { ClusterSettings } from '../cluster/cluster-settings.js';
import { clusterNodes, nodeRole, type NodeRole } from '../cluster/worklist.js';
import type { NodeConnector } from '../transport/node-connector.js';
import type { Dialect } from '../memcached/dialect.js';
import { readTagRecord, type TagRecord } from './tag-record.js';

export interface NodeStatus {
  readonly node: string;
  readonly role: NodeRole;
  readonly isReachable: boolean;
  readonly error?: ErrorPayload;
  readonly version?: string;
  /** Which memcached the node runs: stock 1.6 (meta commands) or Clearwater's fork (TAP). */
  readonly dialect?: Dialect;
  readonly items?: number;
  readonly bytes?: number;
  readonly maxBytes?: number;
  readonly evictions?: number;
  /**
   * False when stock memcached runs with -X or without its LRU crawler: it cannot be a resync
   * source. Clearwater's memcached always allows TAP dumps.
   */
  readonly allowsDumps?: boolean;
  /** The tag record, or null when the node has none. */
  readonly tag?: TagRecord | null;
}

export async function nodeStatus(
  node: string,
  settings: ClusterSettings,
  connect: NodeConnector,
): Promise<NodeStatus> {
  const role = nodeRole(settings, node);
  let client;
  try {
    client = await connect(node, 'status');
    // Clearwater's memcached has no crawler to disable: its TAP dumps are always there.
    const [version, stats, knobs, tag] = await Promise.all([
      client.version(),
      client.stats(),
      client.dialect === 'stock' ? client.stats('settings') : new Map<string, string>(),
      readTagRecord(client),
    ]);
    const number = (name: string) => {
      const value = Number(stats.get(name));
      return Number.isFinite(value) ? value : 0;
    };
    return {
      node,
      role,
      isReachable: true,
      version,
      dialect: client.dialect,
      items: number('curr_items'),
      bytes: number('bytes'),
      // The fork's memory is its engine's cache_size; its limit_maxbytes is an unused default.
      maxBytes: number(client.dialect === 'clearwater' ? 'engine_maxbytes' : 'limit_maxbytes'),
      evictions: number('evictions'),
      allowsDumps: knobs.get('dump_enabled') !== 'no' && knobs.get('lru_crawler') !== 'no',
      tag: tag ?? null,
    };
  } catch (error) {
    return { node, role, isReachable: false, error: toErrorPayload(error) };
  } finally {
    client?.close();
  }
}

/** The status of every node named in cluster_settings, in parallel, in settings order. */
export function clusterStatus(
  settings: ClusterSettings,
  connect: NodeConnector,
): Promise<NodeStatus[]> {
  return Promise.all(clusterNodes(settings).map((node) => nodeStatus(node, settings, connect)));
}
