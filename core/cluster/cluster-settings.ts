/**
 * Reading and writing cluster_settings, the file that tells every MemcachedStore client (and
 * Astaire) which memcached servers form the cluster.
 *
 * The reader accepts exactly what Clearwater's reader accepts, quirks included, because a file the
 * console reads differently from the clients would make it compute a different allocation:
 * - every whitespace character in a line is deleted, wherever it is (so "10.0. 0.2" is "10.0.0.2");
 * - blank lines and lines starting with '#' are skipped; a '#' later in a line is not a comment;
 * - a line splits on '=' with empty pieces dropped: one piece is a key with an empty value, two are
 *   key and value, more is an error;
 * - the keys are `servers` and `new_servers` only; values split on ',' with empty items dropped;
 * - a repeated key appends to the list; the file is rejected unless a `servers` line was seen.
 */
import { ConfigError } from '../errors.js';
import { clipForMessage } from '../util/clip-for-message.js';

/** The two server lists of a cluster_settings file, in file order, duplicates kept. */
export interface ClusterSettings {
  readonly servers: readonly string[];
  /** Empty when no resize is in progress. */
  readonly newServers: readonly string[];
}

export type SettingsKey = 'servers' | 'new_servers';

/** One accepted `key=value` line, with enough of the original to point warnings at it. */
export interface SettingsLine {
  readonly key: SettingsKey;
  readonly items: readonly string[];
  /** 1-based line number in the file. */
  readonly line: number;
  /** The line as written, before whitespace was deleted. */
  readonly raw: string;
}

export interface ParsedClusterSettings extends ClusterSettings {
  readonly lines: readonly SettingsLine[];
}

// C's isspace() in the "C" locale, which is what the clients' reader strips: space, \t, \n, \v,
// \f, \r. Unicode spaces are not whitespace to the clients, so they are not to us either.
const C_WHITESPACE = /[ \t\n\v\f\r]/g;

/**
 * Parses cluster_settings text as the clients do. `file` names the file in errors.
 * @throws ConfigError naming the file and line when the clients would reject the file.
 */
export function parseClusterSettings(text: string, file: string): ParsedClusterSettings {
  const servers: string[] = [];
  const newServers: string[] = [];
  const lines: SettingsLine[] = [];
  let hasServersLine = false;

  // Lines end at '\n' only; a '\r' is whitespace and is deleted with the rest.
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const squeezed = raw.replace(C_WHITESPACE, '');
    if (squeezed === '' || squeezed.startsWith('#')) return;

    const pieces = squeezed.split('=').filter((piece) => piece !== '');
    if (pieces.length === 0 || pieces.length > 2) {
      throw new ConfigError(
        'SETTINGS_BAD_LINE',
        `expected "servers=<host:port>,..." or "new_servers=<host:port>,...", found "${clipForMessage(raw.trim())}"` +
          (pieces.length > 2 ? ` (${pieces.length - 1} '=' signs; only one is allowed)` : ''),
        { file, line },
      );
    }
    const [key = '', value = ''] = pieces;
    if (key !== 'servers' && key !== 'new_servers') {
      throw new ConfigError(
        'SETTINGS_UNKNOWN_KEY',
        `unknown key "${clipForMessage(key)}": only "servers" and "new_servers" are allowed`,
        { file, line },
      );
    }
    const items = value.split(',').filter((item) => item !== '');
    if (key === 'servers') {
      hasServersLine = true;
      servers.push(...items);
    } else {
      newServers.push(...items);
    }
    lines.push({ key, items, line, raw });
  });

  if (!hasServersLine) {
    throw new ConfigError(
      'SETTINGS_NO_SERVERS',
      'no "servers=" line: every cluster_settings file must list the current servers',
      { file },
    );
  }
  return { servers, newServers, lines };
}

/** Text of a fresh cluster_settings file holding these lists (new_servers only when non-empty). */
export function formatClusterSettings(settings: ClusterSettings): string {
  return settingsLinesFor(settings).join('\n') + '\n';
}

/**
 * Rewrites an existing cluster_settings file to hold these lists, keeping its comments, blank lines
 * and layout: the first `servers` line is replaced in place, later ones removed, and likewise for
 * `new_servers` (added after `servers` if the file had none; removed when the list is empty).
 * @throws ConfigError if the original is not an acceptable file (it is never silently "fixed").
 */
export function rewriteClusterSettings(
  original: string,
  file: string,
  settings: ClusterSettings,
): string {
  const parsed = parseClusterSettings(original, file);
  const [serversLine, newServersLine] = settingsLinesFor(settings);
  const firstLineOf = (key: SettingsKey) => parsed.lines.find((l) => l.key === key)?.line;
  const firstServers = firstLineOf('servers');
  const firstNewServers = firstLineOf('new_servers');
  const settingsLineNumbers = new Set(parsed.lines.map((l) => l.line));

  const out: string[] = [];
  const rawLines = original.split('\n');
  rawLines.forEach((raw, index) => {
    const line = index + 1;
    if (!settingsLineNumbers.has(line)) {
      out.push(raw);
      return;
    }
    if (line === firstServers) {
      out.push(serversLine ?? '');
      if (firstNewServers === undefined && newServersLine !== undefined) out.push(newServersLine);
    } else if (line === firstNewServers && newServersLine !== undefined) {
      out.push(newServersLine);
    }
  });
  const text = out.join('\n');
  return text.endsWith('\n') ? text : text + '\n';
}

function settingsLinesFor(settings: ClusterSettings): string[] {
  const lines = [`servers=${checkedItems(settings.servers, 'servers').join(',')}`];
  if (settings.newServers.length > 0) {
    lines.push(`new_servers=${checkedItems(settings.newServers, 'new_servers').join(',')}`);
  }
  return lines;
}

// A name that the reader would split, squeeze or drop cannot be written faithfully; refusing it
// here keeps the writer and the reader exact inverses.
function checkedItems(items: readonly string[], key: SettingsKey): readonly string[] {
  for (const item of items) {
    if (item === '' || /[\s,=#]/.test(item)) {
      throw new ConfigError(
        'SETTINGS_UNWRITABLE_SERVER',
        `cannot write ${key} entry "${item}": a server name must be non-empty and contain no ` +
          `whitespace, ',', '=' or '#'`,
      );
    }
  }
  return items;
}
