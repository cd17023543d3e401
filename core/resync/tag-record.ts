/**
 * Astaire's own records on a node. After a resync the target gets a tag record; if it is missing
 * later, the node has lost its data since (a restart empties memcached) and needs a full resync.
 * Keys under the `astaire\\` prefix (astaire, then two backslashes, as Clearwater's table names
 * are written) are Astaire's and are never copied between nodes.
 */
import { ProtocolError } from '../errors.js';
import type { NodeClient } from '../memcached/node-client.js';
import { stampNow } from './timestamp.js';

const PREFIX = Buffer.from('astaire\\\\', 'latin1');

/** `astaire\\tag`. */
export const TAG_KEY = Buffer.concat([PREFIX, Buffer.from('tag', 'latin1')]);

export function isAstaireRecord(key: Uint8Array): boolean {
  if (key.length < PREFIX.length) return false;
  for (let i = 0; i < PREFIX.length; i++) if (key[i] !== PREFIX[i]) return false;
  return true;
}

/** What the tag record says: when the node was last resynced, and how. */
export interface TagRecord {
  readonly resyncedAt: string;
  readonly full: boolean;
  readonly tool: string;
}

export async function writeTagRecord(client: NodeClient, record: TagRecord): Promise<void> {
  const value = Buffer.from(JSON.stringify(record), 'utf8');
  // No expiry: the record must outlive every key, or its absence would be a false alarm.
  const outcome = await client.set(TAG_KEY, value, {
    clientFlags: stampNow(),
    exptime: 0,
    mode: 'set',
  });
  if (outcome !== 'stored') {
    throw new ProtocolError('TAG_NOT_STORED', `the tag record was not stored (${outcome})`, {
      node: client.node,
      command: 'ms',
    });
  }
}

/** The node's tag record; undefined when it has none (never resynced, or restarted since). */
export async function readTagRecord(client: NodeClient): Promise<TagRecord | undefined> {
  const item = await client.get(TAG_KEY, { value: true });
  if (item?.value === undefined) return undefined;
  try {
    const parsed = JSON.parse(item.value.toString('utf8')) as Partial<TagRecord>;
    return {
      resyncedAt: String(parsed.resyncedAt ?? 'unknown'),
      full: parsed.full === true,
      tool: String(parsed.tool ?? 'unknown'),
    };
  } catch {
    // Written by another tool (the original Astaire): present is what matters.
    return { resyncedAt: 'unknown', full: false, tool: 'unknown' };
  }
}
