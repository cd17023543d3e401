/**
 * Astaire's rule for writing a source's items into the target without ever replacing newer data:
 * add when the target lacks the key; when it has it, replace (with the CAS just read) only if the
 * target's timestamp is older; if the CAS no longer matches, someone wrote meanwhile, so read again
 * and decide again. Clients keep writing during a resync, and this rule is what makes that safe.
 *
 * Work is done a batch at a time: one quiet batch of adds (only refusals come back), then one read
 * and one quiet batch of CAS replaces for the few keys the target already had.
 */
import { ProtocolError } from '../errors.js';
import type { ItemMeta, SetRequest } from '../memcached/client.js';
import type { NodeClient } from '../memcached/node-client.js';
import type { DumpedKey } from './dump-batches.js';
import { exptimeForCopy } from './expiry.js';
import type { ResyncCounts } from './resync-counts.js';
import { isNewerStamp } from './timestamp.js';

/** An item as fetched from a source. */
export interface SourceItem {
  readonly key: Buffer;
  readonly vbucket: number;
  readonly value: Buffer;
  readonly clientFlags: number;
  /** Remaining TTL in seconds, -1 for never, as read at `readAtMs`. */
  readonly ttl: number;
  /** When the TTL was read (Date.now()); a copy's TTL counts down from here. */
  readonly readAtMs: number;
}

/** What a fetch of listed keys found: the items, and the keys gone since they were listed. */
export interface FetchedItems {
  readonly items: SourceItem[];
  /** Value bytes of the items. */
  readonly bytes: number;
  readonly vanished: readonly DumpedKey[];
}

/**
 * The value, client flags and remaining TTL of `keys`: as the dump delivered them (a TAP dump
 * carries each item whole), or fetched from the source with pipelined meta gets (a metadump lists
 * only keys).
 */
export async function fetchSourceItems(
  source: NodeClient,
  keys: readonly DumpedKey[],
): Promise<FetchedItems> {
  const items: SourceItem[] = [];
  const listedOnly: DumpedKey[] = [];
  let bytes = 0;
  for (const listed of keys) {
    if (listed.item === undefined) {
      listedOnly.push(listed);
    } else {
      items.push({ key: listed.key, vbucket: listed.vbucket, ...listed.item });
      bytes += listed.item.value.length;
    }
  }
  if (listedOnly.length === 0) return { items, bytes, vanished: [] };
  if (source.dialect !== 'stock') {
    // Only a metadump lists keys without their items, and only stock memcached has one.
    throw new ProtocolError(
      'INTERNAL_NO_ITEMS',
      `keys without their items came from a dump of ${source.dialect} memcached (a bug in Astaire)`,
      { node: source.node, command: 'dump' },
    );
  }
  // Taken before the reads: a TTL counted from here is never longer than the source's.
  const readAtMs = Date.now();
  const fetched = await source.getMany(
    listedOnly.map((k) => k.key),
    { value: true, clientFlags: true, ttl: true },
  );
  const vanished: DumpedKey[] = [];
  listedOnly.forEach((listed, index) => {
    const item = fetched[index];
    if (item?.value === undefined || item.clientFlags === undefined || item.ttl === undefined) {
      vanished.push(listed); // deleted or expired since the dump listed it
      return;
    }
    items.push({
      key: listed.key,
      vbucket: listed.vbucket,
      value: item.value,
      clientFlags: item.clientFlags,
      ttl: item.ttl,
      readAtMs,
    });
    bytes += item.value.length;
  });
  return { items, bytes, vanished };
}

/** Rounds of read-and-decide for a key whose CAS keeps changing under us, before giving up. */
export const MAX_DECISION_ROUNDS = 16;

interface Attempt {
  readonly item: SourceItem;
  readonly exptime: number;
  /** Set when the target holds an older copy that this attempt replaces. */
  cas?: string;
}

/**
 * Writes `items` into `target` by the rule, adding each outcome to `countsFor(item.vbucket)`.
 * @throws ProtocolError (naming the target) when the target refuses a write or keeps racing.
 */
export async function injectItems(
  target: NodeClient,
  items: readonly SourceItem[],
  countsFor: (vbucket: number) => ResyncCounts,
  nowMs: () => number = Date.now,
): Promise<void> {
  let toAdd: Attempt[] = [];
  for (const item of items) {
    const exptime = exptimeForCopy(item.ttl, item.readAtMs, nowMs());
    if (exptime === undefined) countsFor(item.vbucket).vanished++;
    else toAdd.push({ item, exptime });
  }

  for (let round = 0; toAdd.length > 0; round++) {
    if (round === MAX_DECISION_ROUNDS) {
      throw new ProtocolError(
        'RESYNC_RACE_LIMIT',
        `${toAdd.length} keys changed under every one of ${MAX_DECISION_ROUNDS} attempts to copy them ` +
          '(clients rewrite them constantly); run the resync again',
        { node: target.node, command: storeCommand(target) },
      );
    }
    // Adds: the target keeps anything it already has.
    const refusedAdds = await target.setManyQuiet(toAdd.map((a) => setRequest(a, 'add')));
    const present: Attempt[] = [];
    toAdd.forEach((attempt, index) => {
      const outcome = refusedAdds.get(index);
      if (outcome === undefined) countsFor(attempt.item.vbucket).added++;
      else if (outcome === 'not-stored') present.push(attempt);
      else throw unexpectedOutcome(target, 'add', outcome);
    });
    toAdd = [];
    if (present.length === 0) break;

    // The target had these: compare timestamps, and replace the older ones by CAS.
    const stored = await target.getMany(
      present.map((a) => a.item.key),
      { clientFlags: true, cas: true, size: true },
    );
    const toReplace: Attempt[] = [];
    present.forEach((attempt, index) => {
      const current = stored[index];
      if (current === undefined) {
        toAdd.push(attempt); // deleted or expired since the add: try the add again
      } else if (current.cas === undefined || current.clientFlags === undefined) {
        // Without the CAS a replace would be blind: refuse rather than risk newer data.
        throw unexpectedOutcome(target, 'a read of flags and CAS', 'no flags or CAS');
      } else if (isNewerStamp(attempt.item.clientFlags, current.clientFlags)) {
        toReplace.push({ ...attempt, cas: current.cas });
      } else if (isSameCopy(attempt.item, current)) {
        countsFor(attempt.item.vbucket).alreadyThere++;
      } else {
        countsFor(attempt.item.vbucket).skippedNewer++;
      }
    });
    if (toReplace.length === 0) continue;

    const refusedReplaces = await target.setManyQuiet(toReplace.map((a) => setRequest(a, 'set')));
    toReplace.forEach((attempt, index) => {
      const outcome = refusedReplaces.get(index);
      const counts = countsFor(attempt.item.vbucket);
      if (outcome === undefined) {
        counts.replaced++;
      } else if (outcome === 'exists') {
        counts.raced++; // written meanwhile: read again and decide again
        toAdd.push(attempt);
      } else if (outcome === 'not-found') {
        toAdd.push(attempt);
      } else {
        throw unexpectedOutcome(target, 'replace', outcome);
      }
    });
  }
}

/**
 * Whether the target's copy is the source's item itself, only for counting: the rule above keeps
 * every copy that is not older, identical or not.
 *
 * The same stamp is the same write (Clearwater's writers stamp each write with its millisecond),
 * and the value must agree as far as the target's dialect tells cheaply. A binary get returns the
 * value whatever is asked, so there the bytes are compared. A meta get is asked for the value's
 * length (`s`) only: asking for the value itself would read back every value a rerun finds in
 * place, doubling its traffic for the sake of a count. So on stock memcached two writes stamped in
 * the same millisecond with values of one length would be counted identical; a same-stamp copy
 * known to differ is counted with the newer ones, which the rule treats alike.
 */
function isSameCopy(item: SourceItem, stored: ItemMeta): boolean {
  if (stored.clientFlags !== item.clientFlags) return false;
  if (stored.value !== undefined) return stored.value.equals(item.value);
  return stored.size === item.value.length;
}

function setRequest(attempt: Attempt, mode: 'add' | 'set'): SetRequest {
  const { item, exptime, cas } = attempt;
  const options = { clientFlags: item.clientFlags, exptime, mode };
  if (mode === 'add') return { key: item.key, value: item.value, options };
  if (cas === undefined) throw new Error('a replace without a CAS would overwrite blindly');
  return { key: item.key, value: item.value, options: { ...options, cas } };
}

function unexpectedOutcome(target: NodeClient, what: string, outcome: string): ProtocolError {
  return new ProtocolError(
    'UNEXPECTED_STORE_OUTCOME',
    `${what} was answered "${outcome}"; is this node a memcached that keeps CAS values?`,
    { node: target.node, command: storeCommand(target) },
  );
}

/** How a target's writes are named in messages: meta sets, or the binary protocol's. */
function storeCommand(target: NodeClient): string {
  return target.dialect === 'stock' ? 'ms' : 'set (binary)';
}
