/**
 * The throughput chart's time axis: seconds before the newest sample (0 is now), with labels at a
 * round step that gives between three and six of them however long the job has run.
 */

/** The axis spans at least this many seconds, so that a job of a second or two still has labels. */
export const MIN_AXIS_SECONDS = 10;

/** Round steps, in seconds; the smallest that keeps the labels to MAX_TICKS is taken. */
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];
const MAX_TICKS = 6;

/** The axis' oldest end: the oldest sample's `t` (negative), or MIN_AXIS_SECONDS ago if later. */
export function axisStart(oldest: number): number {
  return Math.min(oldest, -MIN_AXIS_SECONDS);
}

/** The labelled times from `axisStart(oldest)` to now, oldest first, now always among them. */
export function timeTicks(oldest: number): number[] {
  const span = -axisStart(oldest);
  const step = STEPS.find((s) => Math.floor(span / s) + 1 <= MAX_TICKS) ?? Math.ceil(span / 5);
  const ticks: number[] = [];
  for (let t = 0; t >= -span; t -= step) ticks.unshift(t);
  return ticks;
}

/** A time on the axis as a label: "now", "−45s", "−2m05". */
export function secondsAgo(t: number): string {
  const seconds = Math.round(-t);
  if (seconds <= 0) return 'now';
  return seconds < 60
    ? `−${seconds}s`
    : `−${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}`;
}
