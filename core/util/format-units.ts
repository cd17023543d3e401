/**
 * Numbers as an operator reads them, the same in the terminal and the console's page (which may
 * import this file: it is plain TypeScript with no Node imports). Byte sizes are 1024-based, so
 * they carry IEC units (KiB, MiB): memcached's -m is in MiB.
 */

// One formatter kept: toLocaleString builds one per call, which showed at the top of the live
// view's profile (counts of sixteen targets redrawn ten times a second).
const COUNT_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(n: number): string {
  return COUNT_FORMAT.format(Math.round(n));
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}

/** Bytes in a KiB and a MiB: rate limits are typed and shown in these units. */
export const KIB = 1024;
export const MIB = 1024 * KIB;

/** A rate limit as the operator reads it, on the page and in the terminal: 0 is no limit. */
export function formatRateLimit(bytesPerSecond: number): string {
  return bytesPerSecond <= 0 ? 'no limit' : `${formatBytes(bytesPerSecond)}/s`;
}

export function formatRate(perSecond: number): string {
  if (perSecond >= 1_000_000) return `${(perSecond / 1_000_000).toFixed(1)}M`;
  if (perSecond >= 1000) return `${(perSecond / 1000).toFixed(1)}k`;
  return String(Math.round(perSecond));
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '--:--';
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** A count with its noun: "1 source", "3 sources" (`plural` where adding an s is wrong). */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : plural}`;
}

/** What one node received in a resize: keys streamed into it and their value bytes. */
export interface NodeIntake {
  readonly node: string;
  readonly keys: number;
  readonly bytes: number;
}

/**
 * How many keys went into each node, in one line, in the order given: "5,000 keys into 127.0.0.4
 * (1.2 MiB); none into 127.0.0.1, 127.0.0.2 and 127.0.0.3". Nodes that took nothing are named
 * together, so a resize whose keys all went to one node never reads "into 4 nodes".
 */
export function formatKeysIntoNodes(intakes: readonly NodeIntake[]): string {
  const parts = intakes
    .filter((intake) => intake.keys > 0)
    .map(
      (intake) =>
        `${countOf(intake.keys, 'key')} into ${intake.node} (${formatBytes(intake.bytes)})`,
    );
  const idle = intakes.filter((intake) => intake.keys <= 0).map((intake) => intake.node);
  if (idle.length > 0) parts.push(`none into ${listOfNames(idle)}`);
  return parts.length === 0 ? 'no node' : parts.join('; ');
}

/** "a", "a and b", "a, b and c". */
function listOfNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
