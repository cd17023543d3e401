/**
 * The activity log as files: JSON Lines (one entry per line, every field as the service gave it)
 * and CSV (RFC 4180, for a spreadsheet).
 */
import type { ActivityEntry } from '../../../core/console/contract.js';

/** A cluster's name by id; undefined for a cluster no longer known. */
export type ClusterNameOf = (clusterId: string) => string | undefined;

/** One JSON object per line, with the cluster's name beside its id where it is known. */
export function toJsonLines(
  entries: readonly ActivityEntry[],
  clusterNameOf: ClusterNameOf,
): string {
  return entries
    .map((entry) => {
      const clusterName =
        entry.clusterId === undefined ? undefined : clusterNameOf(entry.clusterId);
      return `${JSON.stringify(clusterName === undefined ? entry : { ...entry, clusterName })}\n`;
    })
    .join('');
}

export const CSV_COLUMNS = [
  'time',
  'cluster',
  'cluster_id',
  'node',
  'action',
  'outcome',
  'detail',
] as const;

/** The log as CSV with a header row, CRLF line ends, every field quoted as needed. */
export function toCsv(entries: readonly ActivityEntry[], clusterNameOf: ClusterNameOf): string {
  const rows = entries.map((entry) => [
    entry.at,
    entry.clusterId === undefined ? '' : (clusterNameOf(entry.clusterId) ?? ''),
    entry.clusterId ?? '',
    entry.node ?? '',
    entry.action,
    entry.outcome,
    entry.detail ?? '',
  ]);
  return [CSV_COLUMNS, ...rows].map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

/**
 * One CSV field. Commas, quotes and line breaks need quotes (a quote doubled inside). A field a
 * spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe: a detail can
 * carry text from a remote node, and opening the export must not run it.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
