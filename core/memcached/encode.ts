/**
 * Pure encoders for the memcached commands Astaire sends: meta get/set/delete/noop, version,
 * stats and the LRU crawler's metadump. Each returns the exact bytes of one command; the caller
 * decides how to pipeline them. Wire facts are from memcached's protocol.txt (meta commands).
 */
import type { WireKey } from './key-encoding.js';

const CRLF = '\r\n';

/** What a meta get asks memcached to return. */
export interface MetaGetFlags {
  readonly value?: boolean;
  /** The item's client flags (`f`): Clearwater's writer timestamp. */
  readonly clientFlags?: boolean;
  /** Remaining TTL in seconds (`t`), -1 for none. */
  readonly ttl?: boolean;
  readonly cas?: boolean;
  /** The value's length in bytes (`s`), without the value itself. */
  readonly size?: boolean;
  /** Echo the key (`k`), base64 when the key was sent that way. */
  readonly key?: boolean;
  /** Suppress the EN reply for a miss (`q`); hits still reply. */
  readonly quiet?: boolean;
  readonly opaque?: string;
}

export type SetMode = 'set' | 'add' | 'replace';

export interface MetaSetOptions {
  readonly clientFlags: number;
  /** memcached's exptime: 0 never expires, up to 30 days relative, beyond that a Unix time. */
  readonly exptime: number;
  readonly mode: SetMode;
  /** Store only if the item's CAS still equals this (replies EX if not, NF if gone). */
  readonly cas?: string;
  /** Suppress the HD reply on success (`q`); failures still reply. */
  readonly quiet?: boolean;
  readonly opaque?: string;
}

const MODE_FLAG: Readonly<Record<SetMode, string>> = { set: 'MS', add: 'ME', replace: 'MR' };

export function encodeMetaGet(key: WireKey, flags: MetaGetFlags): Buffer {
  return Buffer.from(metaGetLine(key, metaGetSuffix(flags)), 'latin1');
}

/** Many meta gets with the same flags, as one buffer: one allocation and one write. */
export function encodeMetaGets(keys: readonly WireKey[], flags: MetaGetFlags): Buffer {
  const suffix = metaGetSuffix(flags);
  let text = '';
  for (const key of keys) text += metaGetLine(key, suffix);
  return Buffer.from(text, 'latin1');
}

function metaGetLine(key: WireKey, suffix: string): string {
  return key.isBase64 ? `mg ${key.token} b${suffix}${CRLF}` : `mg ${key.token}${suffix}${CRLF}`;
}

function metaGetSuffix(flags: MetaGetFlags): string {
  let suffix = '';
  if (flags.value === true) suffix += ' v';
  if (flags.clientFlags === true) suffix += ' f';
  if (flags.ttl === true) suffix += ' t';
  if (flags.cas === true) suffix += ' c';
  if (flags.size === true) suffix += ' s';
  if (flags.key === true) suffix += ' k';
  if (flags.quiet === true) suffix += ' q';
  if (flags.opaque !== undefined) suffix += ` O${checkedOpaque(flags.opaque)}`;
  return suffix;
}

export function encodeMetaSet(key: WireKey, value: Uint8Array, options: MetaSetOptions): Buffer {
  return encodeMetaSets([{ key, value, options }]);
}

export interface MetaSetCommand {
  readonly key: WireKey;
  readonly value: Uint8Array;
  readonly options: MetaSetOptions;
}

/**
 * Many meta sets as one buffer: each command line, its data and "\r\n", back to back. With
 * `batch`, every set is quiet and carries its index as opaque (so a refusal names its set),
 * without the caller building options objects per item.
 */
export function encodeMetaSets(
  commands: readonly MetaSetCommand[],
  batch?: { readonly quiet: true; readonly opaqueIsIndex: true },
): Buffer {
  const heads = commands.map(({ key, value, options }, index) =>
    batch === undefined
      ? metaSetLine(key, value.length, options)
      : metaSetLine(key, value.length, options, ` q O${index}`),
  );
  let length = 0;
  commands.forEach(({ value }, i) => (length += (heads[i] as string).length + value.length + 2));
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  commands.forEach(({ value }, i) => {
    at += out.write(heads[i] as string, at, 'latin1');
    out.set(value, at);
    at += value.length;
    out[at++] = 0x0d;
    out[at++] = 0x0a;
  });
  return out;
}

function metaSetLine(key: WireKey, length: number, options: MetaSetOptions, extra = ''): string {
  let line = `ms ${key.token} ${length}`;
  if (key.isBase64) line += ' b';
  line += ` F${checkedUint32(options.clientFlags, 'client flags')} T${checkedExptime(options.exptime)}`;
  line += ` ${MODE_FLAG[options.mode]}`;
  if (options.cas !== undefined) line += ` C${checkedCas(options.cas)}`;
  if (options.quiet === true) line += ' q';
  if (options.opaque !== undefined) line += ` O${checkedOpaque(options.opaque)}`;
  return line + extra + CRLF;
}

export function encodeMetaDelete(
  key: WireKey,
  options: { readonly cas?: string; readonly quiet?: boolean } = {},
): Buffer {
  let line = `md ${key.token}`;
  if (key.isBase64) line += ' b';
  if (options.cas !== undefined) line += ` C${checkedCas(options.cas)}`;
  if (options.quiet === true) line += ' q';
  return Buffer.from(line + CRLF, 'latin1');
}

/** `mn`: answered with MN once every command before it is answered; ends a quiet batch. */
export const META_NOOP = Buffer.from('mn' + CRLF, 'latin1');

export const VERSION_COMMAND = Buffer.from('version' + CRLF, 'latin1');

export function encodeStats(group?: string): Buffer {
  if (group !== undefined && !/^[a-z_]+$/.test(group)) {
    throw new RangeError(`not a stats group: ${group}`);
  }
  return Buffer.from((group === undefined ? 'stats' : `stats ${group}`) + CRLF, 'latin1');
}

/**
 * `lru_crawler metadump hash` walks the hash table, so an item present for the whole walk is
 * listed once whatever LRU it moves between; `all` walks the LRUs (older servers only).
 */
export function encodeMetadump(walk: 'hash' | 'all'): Buffer {
  return Buffer.from(`lru_crawler metadump ${walk}` + CRLF, 'latin1');
}

function checkedUint32(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`${what} must be an unsigned 32-bit integer, not ${value}`);
  }
  return value;
}

function checkedExptime(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`exptime must be a non-negative integer, not ${value}`);
  }
  return value;
}

function checkedCas(cas: string): string {
  if (!/^[0-9]{1,20}$/.test(cas)) throw new RangeError(`not a CAS value: ${cas}`);
  return cas;
}

function checkedOpaque(opaque: string): string {
  if (!/^[!-~]{1,32}$/.test(opaque)) throw new RangeError(`not an opaque token: ${opaque}`);
  return opaque;
}
