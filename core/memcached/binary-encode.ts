/**
 * Pure encoders for the binary-protocol requests Astaire sends to Clearwater's memcached fork.
 * Each returns the exact bytes; the caller decides how to pipeline them. A batch is written into
 * one buffer (one allocation, one write), each request carrying its index as the opaque so that a
 * quiet batch's few replies name the request they answer.
 */
import {
  HEADER_BYTES,
  MAGIC_REQUEST,
  MAX_BINARY_KEY_BYTES,
  Opcode,
  STORE_EXTRAS_BYTES,
  TapFlag,
} from './binary-protocol.js';

const EMPTY = Buffer.alloc(0);

// Requests that name an item, and so need a key.
const KEYED_OPCODES = new Set<number>([
  Opcode.GET,
  Opcode.GETQ,
  Opcode.GETK,
  Opcode.GETKQ,
  Opcode.DELETE,
  Opcode.DELETEQ,
]);

/** What an ADD or SET stores. */
export interface BinaryStore {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  readonly clientFlags: number;
  /** memcached's exptime: 0 never expires, up to 30 days relative, beyond that a Unix time. */
  readonly exptime: number;
  /** Store only if the item's CAS still equals this (SET only); 0 or absent: unconditional. */
  readonly cas?: bigint;
}

export type StoreOpcode =
  | typeof Opcode.SET
  | typeof Opcode.SETQ
  | typeof Opcode.ADD
  | typeof Opcode.ADDQ
  | typeof Opcode.REPLACE
  | typeof Opcode.REPLACEQ;

export type GetOpcode =
  typeof Opcode.GET | typeof Opcode.GETQ | typeof Opcode.GETK | typeof Opcode.GETKQ;

/** One request with no extras or value: NOOP, VERSION, STAT, GET-family, DELETE. */
export function encodeSimple(
  opcode: number,
  key: Uint8Array = EMPTY,
  opaque = 0,
  cas: bigint = 0n,
): Buffer {
  checkKey(key, !KEYED_OPCODES.has(opcode));
  const out = Buffer.allocUnsafe(HEADER_BYTES + key.length);
  writeHeader(out, 0, opcode, key.length, 0, key.length, opaque, cas);
  out.set(key, HEADER_BYTES);
  return out;
}

/** NOOP: answered once every request before it is answered; ends a quiet batch. */
export const BINARY_NOOP = encodeSimple(Opcode.NOOP);

/** VERSION (binary): the version string comes back as the value. */
export const BINARY_VERSION = encodeSimple(Opcode.VERSION);

/** STAT with no group: one response per statistic, then one with an empty key. */
export function encodeStat(group?: string): Buffer {
  if (group !== undefined && !/^[a-z_]+$/.test(group)) {
    throw new RangeError(`not a stats group: ${group}`);
  }
  return encodeSimple(Opcode.STAT, group === undefined ? EMPTY : Buffer.from(group, 'latin1'));
}

/**
 * A GET-family request for each key, opaque = its index, as one buffer. With GETKQ a miss is
 * silent and a hit carries its key: end the batch with a NOOP.
 */
export function encodeGets(opcode: GetOpcode, keys: readonly Uint8Array[]): Buffer {
  let length = 0;
  for (const key of keys) {
    checkKey(key, false);
    length += HEADER_BYTES + key.length;
  }
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  keys.forEach((key, index) => {
    writeHeader(out, at, opcode, key.length, 0, key.length, index, 0n);
    out.set(key, at + HEADER_BYTES);
    at += HEADER_BYTES + key.length;
  });
  return out;
}

/** ADD/SET requests, opaque = index, as one buffer; the quiet opcodes answer only failures. */
export function encodeStores(opcode: StoreOpcode, stores: readonly BinaryStore[]): Buffer {
  let length = 0;
  for (const store of stores) {
    checkKey(store.key, false);
    length += HEADER_BYTES + STORE_EXTRAS_BYTES + store.key.length + store.value.length;
  }
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  stores.forEach((store, index) => {
    const { key, value } = store;
    const body = STORE_EXTRAS_BYTES + key.length + value.length;
    writeHeader(out, at, opcode, key.length, STORE_EXTRAS_BYTES, body, index, store.cas ?? 0n);
    at += HEADER_BYTES;
    out.writeUInt32BE(checkedUint32(store.clientFlags, 'client flags'), at);
    out.writeUInt32BE(checkedUint32(store.exptime, 'exptime'), at + 4);
    at += STORE_EXTRAS_BYTES;
    out.set(key, at);
    at += key.length;
    out.set(value, at);
    at += value.length;
  });
  return out;
}

/**
 * TAP_CONNECT asking for a dump: every item the server holds, then it closes the connection.
 * `name` names the TAP client in the server's stats. With `vbuckets`, LIST_VBUCKETS carries the
 * list as the original Astaire sent it (the fork's default engine ignores it: the client filters).
 */
export function encodeTapDump(name: string, vbuckets?: readonly number[]): Buffer {
  const key = Buffer.from(name, 'latin1');
  checkKey(key, true);
  const flags = TapFlag.DUMP | (vbuckets === undefined ? 0 : TapFlag.LIST_VBUCKETS);
  const listBytes = vbuckets === undefined ? 0 : 2 + 2 * vbuckets.length;
  const extras = 4;
  const out = Buffer.allocUnsafe(HEADER_BYTES + extras + key.length + listBytes);
  writeHeader(
    out,
    0,
    Opcode.TAP_CONNECT,
    key.length,
    extras,
    extras + key.length + listBytes,
    0,
    0n,
  );
  let at = HEADER_BYTES;
  out.writeUInt32BE(flags, at);
  at += extras;
  out.set(key, at);
  at += key.length;
  if (vbuckets !== undefined) {
    out.writeUInt16BE(vbuckets.length, at);
    at += 2;
    for (const vbucket of vbuckets) {
      out.writeUInt16BE(vbucket, at);
      at += 2;
    }
  }
  return out;
}

function writeHeader(
  out: Buffer,
  at: number,
  opcode: number,
  keyLength: number,
  extrasLength: number,
  bodyLength: number,
  opaque: number,
  cas: bigint,
): void {
  out[at] = MAGIC_REQUEST;
  out[at + 1] = opcode;
  out.writeUInt16BE(keyLength, at + 2);
  out[at + 4] = extrasLength;
  out[at + 5] = 0; // data type: raw bytes
  out.writeUInt16BE(0, at + 6); // vbucket: the fork runs with ignore_vbucket=true
  out.writeUInt32BE(bodyLength, at + 8);
  out.writeUInt32BE(opaque >>> 0, at + 12);
  out.writeBigUInt64BE(cas, at + 16);
}

function checkKey(key: Uint8Array, mayBeEmpty: boolean): void {
  if ((key.length === 0 && !mayBeEmpty) || key.length > MAX_BINARY_KEY_BYTES) {
    throw new RangeError(
      `a ${key.length}-byte key cannot be sent (memcached keys are 1 to ${MAX_BINARY_KEY_BYTES} bytes)`,
    );
  }
}

function checkedUint32(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`${what} must be an unsigned 32-bit integer, not ${value}`);
  }
  return value;
}
