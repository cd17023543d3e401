/** Counts of what happened to keys during a resync, kept per vbucket and summed per node. */

export interface ResyncCounts {
  /** Keys the target did not have, copied. */
  added: number;
  /** Keys the target had with an older timestamp, replaced by CAS. */
  replaced: number;
  /**
   * Keys the target already had newer, left alone; also a copy with the same timestamp whose value
   * is known to differ (two writes in one millisecond: an equal timestamp is not older).
   */
  skippedNewer: number;
  /** Keys the target already had as the same copy (same timestamp and value), left alone. */
  alreadyThere: number;
  /** Times the target's item changed between our read and our CAS replace (then decided again). */
  raced: number;
  /** Keys listed by the source's dump but gone (deleted or expired) before they were fetched. */
  vanished: number;
  /** Keys fetched from sources. */
  keys: number;
  /** Value bytes read from sources and written to the target. */
  bytes: number;
}

export function emptyCounts(): ResyncCounts {
  return {
    added: 0,
    replaced: 0,
    skippedNewer: 0,
    alreadyThere: 0,
    raced: 0,
    vanished: 0,
    keys: 0,
    bytes: 0,
  };
}

export function addCounts(into: ResyncCounts, from: Readonly<ResyncCounts>): void {
  into.added += from.added;
  into.replaced += from.replaced;
  into.skippedNewer += from.skippedNewer;
  into.alreadyThere += from.alreadyThere;
  into.raced += from.raced;
  into.vanished += from.vanished;
  into.keys += from.keys;
  into.bytes += from.bytes;
}
