/**
 * One activity entry's bounds: the size it may take in the log, and reading it back from the file.
 */
import { z } from 'zod';
import type { ActivityEntry } from './contract.js';

/**
 * An entry's line in activity.jsonl is at most 2 KiB (UTF-8, as JSON): about 40 server addresses of
 * detail, which is more than any entry needs once lists are shortened (activity-lists.ts). Past it
 * the detail is cut, with CUT_MARKER at the cut. So the log holds at most ACTIVITY_MEMORY_LIMIT
 * entries of 2 KiB in memory (10 MiB) and a page of activity:list is at most 1 MiB.
 */
export const ACTIVITY_ENTRY_MAX_BYTES = 2048;
export const CUT_MARKER = ' … [cut: the entry was longer than 2 KiB]';
// The short fields (the action, the node, the cluster id) are cut at this many characters first:
// three of them, even as JSON's six-byte escapes, leave most of the 2 KiB to the detail.
const SHORT_FIELD_CHARS = 100;

/** `entry` itself when it fits in ACTIVITY_ENTRY_MAX_BYTES, else a copy cut to fit. */
export function capEntry(entry: ActivityEntry): ActivityEntry {
  if (lineBytes(entry) <= ACTIVITY_ENTRY_MAX_BYTES) return entry;
  const short: ActivityEntry = {
    ...entry,
    action: cutShort(entry.action),
    ...(entry.node === undefined ? {} : { node: cutShort(entry.node) }),
    ...(entry.clusterId === undefined ? {} : { clusterId: cutShort(entry.clusterId) }),
  };
  // Each character is at least a byte of JSON, so no more than the cap's count can fit; the most
  // that fits is then found by halving.
  const detail = cutAt(entry.detail ?? '', ACTIVITY_ENTRY_MAX_BYTES);
  const withDetail = (kept: number): ActivityEntry => ({
    ...short,
    detail: cutAt(detail, kept) + CUT_MARKER,
  });
  let fits = 0;
  let over = detail.length + 1;
  while (over - fits > 1) {
    const middle = Math.floor((fits + over) / 2);
    if (lineBytes(withDetail(middle)) <= ACTIVITY_ENTRY_MAX_BYTES) fits = middle;
    else over = middle;
  }
  return withDetail(fits);
}

function lineBytes(entry: ActivityEntry): number {
  return Buffer.byteLength(JSON.stringify(entry), 'utf8');
}

function cutShort(text: string): string {
  return text.length <= SHORT_FIELD_CHARS ? text : cutAt(text, SHORT_FIELD_CHARS - 1) + '…';
}

// The first `length` UTF-16 units of `text`, without splitting a surrogate pair.
function cutAt(text: string, length: number): string {
  if (length >= text.length) return text;
  const last = text.charCodeAt(length - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? length - 1 : length);
}

const ENTRY = z.strictObject({
  id: z.number().int().positive(),
  at: z.string().min(1),
  clusterId: z.string().optional(),
  node: z.string().optional(),
  action: z.string().min(1),
  outcome: z.enum(['started', 'succeeded', 'failed', 'cancelled', 'refused', 'info']),
  detail: z.string().optional(),
});

/** An entry read from a line of the file (capped like a new one), or undefined when damaged. */
export function parseEntry(line: string): ActivityEntry | undefined {
  try {
    const parsed = ENTRY.safeParse(JSON.parse(line));
    // JSON has no undefined, so an optional field here is absent, as ActivityEntry wants it.
    return parsed.success ? capEntry(parsed.data as ActivityEntry) : undefined;
  } catch {
    return undefined;
  }
}
