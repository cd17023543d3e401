/**
 * core/util/format-units.ts's formatCount, the same words, with one Intl.NumberFormat kept:
 * toLocaleString builds a formatter per call, too slow for counts redrawn ten times a second
 * across sixteen targets (it showed at the top of the live view's profile).
 */
const COUNT_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(n: number): string {
  return COUNT_FORMAT.format(Math.round(n));
}
