/**
 * Warnings about cluster_settings content that the clients accept but that is probably not what the
 * operator meant. The file is never changed and never rejected here: rejecting is the reader's job,
 * and it must agree with the clients.
 */
import type { ParsedClusterSettings, SettingsKey } from './cluster-settings.js';
import { parseServerAddress } from '../shared/server-address.js';

export type SettingsWarningCode =
  | 'DUPLICATE_SERVER'
  | 'WHITESPACE_IN_NAME'
  | 'INLINE_HASH'
  | 'BAD_ADDRESS'
  | 'NO_PORT'
  | 'REPEATED_KEY'
  | 'EMPTY_LIST'
  | 'DOUBLED_EQUALS'
  | 'NEW_SERVERS_SAME_AS_SERVERS'
  | 'NEW_SERVERS_REORDERED';

export interface SettingsWarning {
  readonly code: SettingsWarningCode;
  readonly file: string;
  /** Absent for warnings about the file as a whole. */
  readonly line?: number;
  readonly message: string;
}

/** Looks for suspicious content in a file the reader has already accepted. */
export function lintClusterSettings(
  parsed: ParsedClusterSettings,
  file: string,
): SettingsWarning[] {
  const warnings: SettingsWarning[] = [];
  const warn = (code: SettingsWarningCode, message: string, line?: number) =>
    warnings.push(line === undefined ? { code, file, message } : { code, file, line, message });

  const seenKeys = new Map<SettingsKey, number>();
  const seenItems = new Map<SettingsKey, Map<string, number>>();
  for (const { key, items, line, raw } of parsed.lines) {
    const firstLine = seenKeys.get(key);
    if (firstLine === undefined) {
      seenKeys.set(key, line);
    } else {
      warn(
        'REPEATED_KEY',
        `${key} is set again (first on line ${firstLine}); the lists are joined, not replaced`,
        line,
      );
    }
    // Whitespace between two characters of one name (or of the key) is deleted by the clients,
    // which turns "10.0.0.1 1:11211" into a different server than the operator typed.
    for (const token of raw.split(/[=,]/).map((t) => t.trim())) {
      if (/[ \t\v\f\r]/.test(token)) {
        warn(
          'WHITESPACE_IN_NAME',
          `"${token}" contains whitespace, which the clients delete: it is read as ` +
            `"${token.replace(/[ \t\v\f\r]/g, '')}"`,
          line,
        );
      }
    }
    if (raw.replace(/[ \t\v\f\r]/g, '').includes('==')) {
      warn('DOUBLED_EQUALS', 'the line has "==": the empty piece between them is ignored', line);
    }
    if (raw.includes('#')) {
      warn(
        'INLINE_HASH',
        'a "#" after the start of a line is not a comment: it becomes part of the server name',
        line,
      );
    }
    if (items.length === 0) {
      warn('EMPTY_LIST', `${key} has no servers on this line`, line);
    }
    const seen = seenItems.get(key) ?? new Map<string, number>();
    seenItems.set(key, seen);
    for (const item of items) {
      const previous = seen.get(item);
      if (previous !== undefined) {
        warn(
          'DUPLICATE_SERVER',
          `${item} is listed twice in ${key} (also on line ${previous}): the ring gives it two ` +
            'positions, so some vbuckets keep both replicas on it',
          line,
        );
      } else {
        seen.set(item, line);
      }
      const address = parseServerAddress(item);
      if (!address.ok) {
        warn('BAD_ADDRESS', `"${item}" is not a host:port address: ${address.reason}`, line);
      } else if (!address.address.hasExplicitPort) {
        warn(
          'NO_PORT',
          `"${item}" has no port; it will be reached on the default port 11211`,
          line,
        );
      }
    }
  }

  const { servers, newServers } = parsed;
  if (newServers.length > 0 && servers.length > 0) {
    const sameOrder = sameList(servers, newServers);
    if (sameOrder) {
      warn(
        'NEW_SERVERS_SAME_AS_SERVERS',
        'new_servers is the same as servers: no vbucket moves; remove the new_servers line once ' +
          'the resize is finished',
      );
    } else if (sameList([...servers].sort(), [...newServers].sort())) {
      warn(
        'NEW_SERVERS_REORDERED',
        'new_servers has the same servers as servers in another order: the ring works on list ' +
          'positions, so this reordering moves vbuckets between the same servers',
      );
    }
  }
  return warnings;
}

/** "file:line: message", the form editors jump to. */
export function formatSettingsWarning(warning: SettingsWarning): string {
  const place = warning.line === undefined ? warning.file : `${warning.file}:${warning.line}`;
  return `${place}: warning: ${warning.message}`;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}
