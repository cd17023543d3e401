/**
 * Server lists as operators type them into the console: entries one per line or separated by
 * commas, as cluster_settings separates them. Spaces around an entry are dropped; an entry with a
 * space inside is an error naming it, never split into several nodes (cluster_settings' reader
 * would delete the space and join the words into one name, which the console must not guess at).
 */
import { parseServerAddress } from './server-address.js';

export interface ServerListCheck {
  /** The entries as typed, trimmed, in order (cluster_settings keeps the order it is given). */
  readonly servers: readonly string[];
  /** What must be fixed, one plain sentence naming the entry each; empty when nothing. */
  readonly problems: readonly string[];
  /** Entries without a port, which are reached on memcached's default port. */
  readonly withImpliedPort: readonly string[];
}

/** The entries of a typed list: split on newlines and commas, trimmed, blanks dropped. */
export function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** Splits a typed server list and checks every entry by the one address rule. */
export function checkServerList(text: string): ServerListCheck {
  const servers = splitList(text);
  const problems: string[] = [];
  const withImpliedPort: string[] = [];
  const seen = new Set<string>();
  for (const entry of servers) {
    const parsed = parseServerAddress(entry);
    if (/\s/.test(entry)) {
      problems.push(
        `"${entry}" has spaces in it: write one host:port per line, or separate them with commas.`,
      );
    } else if (!parsed.ok) {
      problems.push(parsed.message);
    } else if (seen.has(entry)) {
      problems.push(`${entry} is listed twice.`);
    } else if (!parsed.address.hasExplicitPort) {
      withImpliedPort.push(entry);
    }
    seen.add(entry);
  }
  return { servers, problems, withImpliedPort };
}

/** The entries to send for a typed list, in the form the editor shows them back. */
export function formatList(entries: readonly string[]): string {
  return entries.join('\n');
}
