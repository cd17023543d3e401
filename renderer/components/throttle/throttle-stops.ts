/**
 * The throttle's stops and the arithmetic between them and a rate. A rate limit is bytes per
 * second into each target, 0 for no limit. The operator may type any rate; the stops are where the
 * slider rests, and a rate between two of them sits between them on the track, unsnapped, until
 * the operator moves it, which takes it to the next stop that way (never further).
 */
import { KIB, MIB } from '../../../core/util/format-units.js';

/** The slider's stops, ascending; the position past the last is 'no limit'. */
export const THROTTLE_STOPS: readonly number[] = [
  64 * KIB,
  128 * KIB,
  256 * KIB,
  512 * KIB,
  1 * MIB,
  2 * MIB,
  5 * MIB,
  10 * MIB,
  20 * MIB,
  50 * MIB,
  100 * MIB,
  200 * MIB,
  500 * MIB,
];
export const NO_LIMIT_POSITION = THROTTLE_STOPS.length;

/** The rate at a stop (0 at 'no limit'); positions between stops go to the nearest one. */
export function rateAtStop(position: number): number {
  const stop = Math.min(Math.max(Math.round(position), 0), NO_LIMIT_POSITION);
  return THROTTLE_STOPS[stop] ?? 0;
}

/**
 * Where a rate sits on the track: a stop's own position, or a fraction of the way between its
 * two neighbours on a log scale (the stops grow by ratios, so that is how far along it looks).
 * Rates below the first stop sit on it, rates above the last on the last.
 */
export function positionOfRate(bytesPerSecond: number): number {
  if (bytesPerSecond <= 0) return NO_LIMIT_POSITION;
  const above = THROTTLE_STOPS.findIndex((stop) => stop >= bytesPerSecond);
  if (above <= 0) return above === 0 ? 0 : NO_LIMIT_POSITION - 1;
  const low = THROTTLE_STOPS[above - 1] ?? 1;
  const high = THROTTLE_STOPS[above] ?? 1;
  return above - 1 + Math.log(bytesPerSecond / low) / Math.log(high / low);
}

/** The next stop up from a rate: the first stop faster than it, else 'no limit'. */
export function stopAbove(bytesPerSecond: number): number {
  if (bytesPerSecond <= 0) return 0;
  return THROTTLE_STOPS.find((stop) => stop > bytesPerSecond) ?? 0;
}

/** The next stop down from a rate; a rate at or below the first stop stays where it is. */
export function stopBelow(bytesPerSecond: number): number {
  if (bytesPerSecond <= 0) return THROTTLE_STOPS.at(-1) ?? 0;
  return THROTTLE_STOPS.findLast((stop) => stop < bytesPerSecond) ?? bytesPerSecond;
}

const TYPED_RATE = /^(\d+(?:\.\d*)?|\.\d+)\s*(k|kib|m|mib|g|gib)?(?:\/s)?$/i;
const UNIT_BYTES: Readonly<Record<string, number>> = { k: KIB, m: MIB, g: 1024 * MIB };

/**
 * A rate limit as typed: a number of MiB/s, or with its unit ("307 KiB/s", "2M", "1 GiB"); blank,
 * 0 or "no limit" for none. Null when it is not a rate, or not a whole number of bytes a second
 * above zero.
 */
export function parseRateLimit(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '' || /^no limit$/i.test(trimmed)) return 0;
  const match = TYPED_RATE.exec(trimmed);
  if (match === null) return null;
  const unit = (match[2] ?? 'm').charAt(0).toLowerCase();
  const number = Number(match[1]);
  const bytes = Math.round(number * (UNIT_BYTES[unit] ?? MIB));
  // A rate too small to be a byte a second would read as 0, which is no limit: the opposite.
  if (bytes === 0 && number > 0) return null;
  return bytes <= Number.MAX_SAFE_INTEGER ? bytes : null;
}

/**
 * The rate a key on the slider moves to, undefined for keys the slider does not take: the arrows
 * and Page keys go to the next stop that way, Home to the slowest stop, End to 'no limit'.
 */
export function rateForKey(key: string, bytesPerSecond: number): number | undefined {
  switch (key) {
    case 'ArrowRight':
    case 'ArrowUp':
    case 'PageUp':
      return stopAbove(bytesPerSecond);
    case 'ArrowLeft':
    case 'ArrowDown':
    case 'PageDown':
      return stopBelow(bytesPerSecond);
    case 'Home':
      return THROTTLE_STOPS[0];
    case 'End':
      return 0;
    default:
      return undefined;
  }
}
