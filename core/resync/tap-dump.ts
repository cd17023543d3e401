/**
 * A TAP dump of Clearwater's memcached, as a source of items. The fork has no LRU crawler; a TAP
 * connection with the DUMP flag gets every item the node holds, each with its value, client
 * flags, expiry and CAS, then the node closes the connection. So no second fetch is needed.
 *
 * Expiry comes as an absolute Unix time on the node's clock (0 for never). It becomes the TTL the
 * item had left when it arrived, measured on that same clock, which `stats` reads just before the
 * dump: a skew between this machine's clock and the node's does not shift it. Items already
 * expired (memcached removes them lazily, so a dump may still send them) are left out.
 */
import type { BinaryClient } from '../memcached/binary-client.js';
import type { TapMutation } from '../memcached/binary-decode.js';
import type { DumpedItem } from './spilling-key-queue.js';

/**
 * Dumps `client`'s node, calling `onItem` with each live item's key and item (expired ones are
 * left out). The key and value are views into network chunks: copy what is kept.
 */
export async function tapDumpItems(
  client: BinaryClient,
  vbuckets: readonly number[],
  onItem: (key: Buffer, item: DumpedItem) => void,
): Promise<void> {
  const clockOffsetMs = await nodeClockOffsetMs(client);
  await client.tapDump(vbuckets, (mutation) => {
    const item = itemOfMutation(mutation, Date.now(), clockOffsetMs);
    if (item !== undefined) onItem(mutation.key, item);
  });
}

/** How far the node's clock is ahead of this machine's, in ms (whole seconds of `stats time`). */
async function nodeClockOffsetMs(client: BinaryClient): Promise<number> {
  const before = Date.now();
  const time = Number((await client.stats()).get('time'));
  const after = Date.now();
  // A node that does not report its time is taken to share this clock.
  return Number.isSafeInteger(time) ? time * 1000 - (before + after) / 2 : 0;
}

/** The item a mutation carries, or undefined when it has expired by the node's clock. */
export function itemOfMutation(
  mutation: TapMutation,
  receivedAtMs: number,
  clockOffsetMs: number,
): DumpedItem | undefined {
  let ttl = -1;
  if (mutation.expiration !== 0) {
    // memcached's clock ticks in whole seconds, and an item is expired once its clock reaches
    // the expiry: the TTL is the whole seconds left before that.
    const nodeNowS = Math.floor((receivedAtMs + clockOffsetMs) / 1000);
    ttl = mutation.expiration - nodeNowS;
    if (ttl <= 0) return undefined;
  }
  return { value: mutation.value, clientFlags: mutation.clientFlags, ttl, readAtMs: receivedAtMs };
}
