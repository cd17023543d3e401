/**
 * Copying an item's expiry. A meta get reports the remaining TTL in seconds (-1 for never); a set
 * takes memcached's exptime, where 0 means never, values up to 30 days are relative, and larger
 * values are absolute Unix times. Sending a remaining TTL above 30 days as-is would be read as a
 * date in 1970 and expire the copy at once, so such TTLs are sent as an absolute time.
 */

/** memcached's REALTIME_MAXDELTA: the largest exptime it treats as relative. */
export const MAX_RELATIVE_EXPTIME = 60 * 60 * 24 * 30;

/**
 * The exptime that gives a copy the same remaining life, or undefined when the item is expiring
 * now and should not be copied. `nowUnix` is the target's clock in seconds; a skew between it and
 * the target's real clock shifts only absolute expiries, by the skew.
 */
export function exptimeForRemainingTtl(ttl: number, nowUnix: number): number | undefined {
  if (ttl < 0) return 0;
  if (ttl === 0) return undefined;
  return ttl <= MAX_RELATIVE_EXPTIME ? ttl : nowUnix + ttl;
}
