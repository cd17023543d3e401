/**
 * Copying an item's expiry. A meta get reports the remaining TTL in seconds (-1 for never); a set
 * takes memcached's exptime, where 0 means never, values up to 30 days are relative, and larger
 * values are absolute Unix times. Sending a remaining TTL above 30 days as-is would be read as a
 * date in 1970 and expire the copy at once, so such TTLs are sent as an absolute time.
 *
 * A TTL counts from when it was read: a batch can wait seconds between its fetch and its write (for
 * the rate limit), and a copy given the TTL as read would outlive its original by that wait, or
 * bring back a key that expired meanwhile.
 */

/** memcached's REALTIME_MAXDELTA: the largest exptime it treats as relative. */
export const MAX_RELATIVE_EXPTIME = 60 * 60 * 24 * 30;

/**
 * The exptime that gives a copy the life its original had left, or undefined when the item has
 * expired (or is expiring now) and must not be copied. `ttl` is the remaining TTL as read from the
 * source at `readAtMs`, -1 for never; `nowMs` is when the copy is written. An absolute exptime is
 * taken from the read, so a skew between this clock and the target's shifts it by the skew.
 */
export function exptimeForCopy(ttl: number, readAtMs: number, nowMs: number): number | undefined {
  if (ttl < 0) return 0;
  const leftS = ttl - Math.max(0, nowMs - readAtMs) / 1000;
  if (leftS <= 0) return undefined;
  if (ttl > MAX_RELATIVE_EXPTIME) return Math.floor(readAtMs / 1000) + ttl;
  // Up to a second more than exact, as memcached's own TTLs are: a 1 s TTL read at once stays 1.
  return Math.ceil(leftS);
}
