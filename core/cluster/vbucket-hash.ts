/**
 * Which vbucket a key lives in. The clients hash the raw key bytes with MD5 and read the first four
 * bytes of the digest as a little-endian unsigned 32-bit number; the vbucket is that number masked
 * by (vbuckets - 1). Keys are bytes: a key that is not valid UTF-8 must hash as its bytes, so the
 * functions take Buffers and callers convert text at the edge.
 */
import { hash } from 'node:crypto';
import { ConfigError } from '../errors.js';

/** The clients' default, and the size every reference vector uses. */
export const DEFAULT_VBUCKETS = 128;

/** The clients' unsigned 32-bit hash of a key. */
export function keyHash(key: Uint8Array): number {
  // The one-shot hex digest is the fastest MD5 Node offers for short inputs (several times faster
  // than a Hash object, which matters when every key of a dump is hashed). Its first eight hex
  // digits are the first four bytes in order; the clients read them little-endian, so swap.
  const bigEndian = parseInt(hash('md5', key, 'hex').slice(0, 8), 16);
  return (
    (((bigEndian & 0xff) << 24) |
      ((bigEndian & 0xff00) << 8) |
      ((bigEndian >>> 8) & 0xff00) |
      (bigEndian >>> 24)) >>>
    0
  );
}

/** The vbucket of a key, for a vbucket count that is a power of two. */
export function vbucketOfKey(key: Uint8Array, vbuckets: number = DEFAULT_VBUCKETS): number {
  return vbucketOfHash(keyHash(key), vbuckets);
}

export function vbucketOfHash(hash: number, vbuckets: number = DEFAULT_VBUCKETS): number {
  // `>>> 0` keeps the result unsigned when vbuckets is 2^32 - which checkVbucketCount forbids,
  // but the mask must never produce a negative index whatever the caller passes.
  return (hash & (vbuckets - 1)) >>> 0;
}

/** Largest vbucket count accepted: far beyond any real cluster, small enough to plan in memory. */
export const MAX_VBUCKETS = 1 << 16;

/**
 * @throws ConfigError unless `vbuckets` is a power of two from 1 to MAX_VBUCKETS; masking by
 * (n - 1) only spreads keys over every vbucket when n is a power of two.
 */
export function checkVbucketCount(vbuckets: number): number {
  if (
    !Number.isInteger(vbuckets) ||
    vbuckets < 1 ||
    vbuckets > MAX_VBUCKETS ||
    (vbuckets & (vbuckets - 1)) !== 0
  ) {
    throw new ConfigError(
      'BAD_VBUCKET_COUNT',
      `the vbucket count must be a power of two from 1 to ${MAX_VBUCKETS}, not ${vbuckets}`,
    );
  }
  return vbuckets;
}
