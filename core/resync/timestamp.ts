/**
 * Clearwater's writers store their write time in the item's client flags: milliseconds, low 32
 * bits. The value wraps every 49.7 days, so two stamps are compared by their signed 32-bit
 * difference, which orders any two writes less than 24.8 days apart correctly.
 */

/** True when stamp `a` is later than stamp `b`. Equal stamps are not newer. */
export function isNewerStamp(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}

/** The stamp a writer would put in the flags now. */
export function stampNow(nowMs: number = Date.now()): number {
  return nowMs % 0x1_0000_0000;
}
