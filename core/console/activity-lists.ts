/**
 * Lists of servers as the activity log tells them: every name when there are a few, else the
 * count and the first few. A cluster of 4,096 servers saved 300 times logged every address each
 * time (a 47 MB activity:list answer); an entry names what the operator needs to recognise the
 * change, and the cluster itself holds the whole list.
 */
import { formatCount } from '../util/format-units.js';

// Up to this many, every name is shown; past it, the first NAMED_WHEN_MANY and a count.
const ALL_NAMED_UP_TO = 4;
const NAMED_WHEN_MANY = 3;

/** `items` as "a, b, c" when few, "a, b, c and 4,093 more" when many. */
export function shortList(items: readonly string[]): string {
  if (items.length <= ALL_NAMED_UP_TO) return items.join(', ');
  const named = items.slice(0, NAMED_WHEN_MANY).join(', ');
  return `${named} and ${formatCount(items.length - NAMED_WHEN_MANY)} more`;
}

/**
 * `items` after their noun: "targets a, b" when few, "4,096 servers: a, b, c and 4,093 more" when
 * many. `noun` is [singular, plural].
 */
export function namedList(noun: readonly [string, string], items: readonly string[]): string {
  const [one, many] = noun;
  if (items.length === 0) return `no ${many}`;
  if (items.length <= ALL_NAMED_UP_TO)
    return `${items.length === 1 ? one : many} ${shortList(items)}`;
  return `${formatCount(items.length)} ${many}: ${shortList(items)}`;
}

export const SERVERS: readonly [string, string] = ['server', 'servers'];
export const NEW_SERVERS: readonly [string, string] = ['new server', 'new servers'];
export const TARGETS: readonly [string, string] = ['target', 'targets'];
