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
  let line = `mg ${key.token}`;
  if (key.isBase64) line += ' b';
  if (flags.value === true) line += ' v';
  if (flags.clientFlags === true) line += ' f';
  if (flags.ttl === true) line += ' t';
  if (flags.cas === true) line += ' c';
  if (flags.key === true) line += ' k';
  if (flags.quiet === true) line += ' q';
  if (flags.opaque !== undefined) line += ` O${checkedOpaque(flags.opaque)}`;
  return Buffer.from(line + CRLF, 'latin1');
}

export function encodeMetaSet(key: WireKey, value: Uint8Array, options: MetaSetOptions): Buffer {
  let line = `ms ${key.token} ${value.length}`;
  if (key.isBase64) line += ' b';
  line += ` F${checkedUint32(options.clientFlags, 'client flags')} T${checkedExptime(options.exptime)}`;
  line += ` ${MODE_FLAG[options.mode]}`;
  if (options.cas !== undefined) line += ` C${checkedCas(options.cas)}`;
  if (options.quiet === true) line += ' q';
  if (options.opaque !== undefined) line += ` O${checkedOpaque(options.opaque)}`;
  const head = Buffer.from(line + CRLF, 'latin1');
  const command = Buffer.allocUnsafe(head.length + value.length + 2);
  head.copy(command, 0);
  command.set(value, head.length);
  command[command.length - 2] = 0x0d;
  command[command.length - 1] = 0x0a;
  return command;
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
