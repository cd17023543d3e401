/**
 * The cluster editor's model, apart from React: server lists as typed, a cluster profile as form
 * fields and back (fields the form does not show are kept as they were, never dropped), aliases
 * matched from ~/.ssh/config, and which field a service error is about.
 */
import type { SshHostEntry } from '../../../core/console/contract.js';
import { parseServerAddress } from '../../../core/shared/server-address.js';
import { splitList } from '../../../core/shared/server-list.js';
import { ownEntry } from '../../../core/shared/own-entry.js';

/** Where Clearwater keeps cluster_settings; the profile parser's default too. */
export const DEFAULT_SETTINGS_PATH = '/etc/clearwater/cluster_settings';

/** A profile as the form shows it. */
export interface ProfileFields {
  readonly settingsPath: string;
  readonly reloadCommand: string;
  readonly sudo: boolean;
  /** How nodes without an entry of their own are reached. */
  readonly defaultVia: 'ssh' | 'direct';
  /** Defaults, over SSH: the login user and the jump hosts (comma-separated), blank for ssh's own. */
  readonly user: string;
  readonly jump: string;
  /** cluster_settings entry -> ssh host alias; blank: the defaults. */
  readonly hosts: Readonly<Record<string, string>>;
  /** The profile as it was loaded, whose other fields are written back untouched. */
  readonly base: Readonly<Record<string, unknown>>;
}

export const NEW_PROFILE: ProfileFields = {
  settingsPath: DEFAULT_SETTINGS_PATH,
  reloadCommand: '',
  sudo: false,
  defaultVia: 'ssh',
  user: '',
  jump: '',
  hosts: {},
  base: {},
};

export function profileToFields(profile: unknown): ProfileFields {
  if (!isRecord(profile)) return NEW_PROFILE;
  const defaults = isRecord(profile.defaults) ? profile.defaults : {};
  const nodes = isRecord(profile.nodes) ? profile.nodes : {};
  const hosts: Record<string, string> = {};
  for (const [node, access] of Object.entries(nodes)) {
    if (isRecord(access) && access.via === 'ssh' && typeof access.host === 'string') {
      hosts[node] = access.host;
    }
  }
  return {
    settingsPath: typeof profile.settingsPath === 'string' ? profile.settingsPath : '',
    reloadCommand: typeof profile.reloadCommand === 'string' ? profile.reloadCommand : '',
    sudo: profile.sudo === true,
    // The parser's default when none is given.
    defaultVia: defaults.via === 'ssh' ? 'ssh' : 'direct',
    user: typeof defaults.user === 'string' ? defaults.user : '',
    jump: Array.isArray(defaults.jump) ? defaults.jump.join(', ') : '',
    hosts,
    base: profile,
  };
}

/**
 * The profile JSON for `fields`; `nodes` are the cluster's entries, whose alias fields the form
 * shows. What the form does not show is kept from `fields.base`.
 */
export function fieldsToProfile(
  fields: ProfileFields,
  nodes: readonly string[],
): Record<string, unknown> {
  const base = fields.base;
  const profile: Record<string, unknown> = { ...base };
  setOrDelete(profile, 'settingsPath', fields.settingsPath.trim());
  setOrDelete(profile, 'reloadCommand', fields.reloadCommand.trim());
  profile.sudo = fields.sudo;

  const baseDefaults = isRecord(base.defaults) ? base.defaults : {};
  const defaults: Record<string, unknown> =
    baseDefaults.via === fields.defaultVia ? { ...baseDefaults } : { via: fields.defaultVia };
  if (fields.defaultVia === 'ssh') {
    setOrDelete(defaults, 'user', fields.user.trim());
    const jump = splitList(fields.jump);
    if (jump.length > 0) defaults.jump = jump;
    else delete defaults.jump;
  }
  profile.defaults = defaults;

  const baseNodes = isRecord(base.nodes) ? base.nodes : {};
  const profileNodes: Record<string, unknown> = { ...baseNodes };
  for (const node of nodes) {
    const alias = (ownEntry(fields.hosts, node) ?? '').trim();
    const own = ownEntry(baseNodes, node);
    const ownSsh = isRecord(own) && own.via === 'ssh' ? own : undefined;
    if (alias !== '') {
      profileNodes[node] = { ...ownSsh, via: 'ssh', host: alias };
    } else if (ownSsh !== undefined) {
      const rest = { ...ownSsh };
      delete rest.host;
      // Nothing of its own left: the node takes the defaults, as a blank alias says.
      if (Object.keys(rest).length === 1) delete profileNodes[node];
      else profileNodes[node] = rest;
    }
  }
  if (Object.keys(profileNodes).length > 0) profile.nodes = profileNodes;
  else delete profile.nodes;
  return profile;
}

/** Fields of a profile the form does not show (kept, and editable as JSON), for a note. */
export function hiddenProfileFields(fields: ProfileFields): string[] {
  const hidden: string[] = [];
  for (const key of Object.keys(fields.base)) {
    if (!['settingsPath', 'reloadCommand', 'sudo', 'defaults', 'nodes'].includes(key)) {
      hidden.push(key);
    }
  }
  const defaults = fields.base.defaults;
  if (isRecord(defaults)) {
    for (const key of Object.keys(defaults)) {
      if (!['via', 'user', 'jump'].includes(key)) hidden.push(`defaults.${key}`);
    }
  }
  const nodes = fields.base.nodes;
  if (isRecord(nodes)) {
    for (const [node, access] of Object.entries(nodes)) {
      if (!isRecord(access) || access.via !== 'ssh') {
        hidden.push(`nodes["${node}"] (reached directly)`);
        continue;
      }
      for (const key of Object.keys(access)) {
        if (key !== 'via' && key !== 'host') hidden.push(`nodes["${node}"].${key}`);
      }
    }
  }
  return hidden;
}

/**
 * For each node without an alias, the ~/.ssh/config host that names the node's own host: by its
 * HostName, else by its alias. Only blanks are filled; an operator's choice is never replaced.
 */
export function matchAliases(
  nodes: readonly string[],
  current: Readonly<Record<string, string>>,
  hosts: readonly SshHostEntry[],
): Record<string, string> {
  const matched: Record<string, string> = { ...current };
  for (const node of nodes) {
    if ((ownEntry(current, node) ?? '').trim() !== '') continue;
    const host = hostOf(node);
    const entry =
      hosts.find((candidate) => candidate.hostName === host) ??
      hosts.find((candidate) => candidate.alias === host);
    if (entry !== undefined) matched[node] = entry.alias;
  }
  return matched;
}

/** The host part of a cluster_settings entry: "10.0.0.1:11211", "[::1]:11211", "name". */
function hostOf(entry: string): string {
  const parsed = parseServerAddress(entry);
  return parsed.ok ? parsed.address.host : entry;
}

/** The editor's fields a service error can point at. */
export type EditorField =
  | 'name'
  | 'servers'
  | 'newServers'
  | 'settingsPath'
  | 'reloadCommand'
  | 'sudo'
  | 'user'
  | 'jump'
  | 'defaults'
  | 'nodes'
  | 'profile';

/**
 * The field a save's error is about, from its message: the service names it as in
 * `cluster "x": servers[1]: ...` or `cluster "x" (profile): defaults.user: ...`; a request that
 * failed validation as `clusters:save: definition.name: ...`. Null when no field is named.
 */
export function fieldOfError(message: string): EditorField | null {
  const profile = /\(profile\)(?::\d+)*: (.*)$/s.exec(message);
  if (profile !== null) {
    const rest = profile[1] ?? '';
    const field = /^(settingsPath|reloadCommand|sudo|defaults|nodes)\b(?:\.(user|jump)\b)?/.exec(
      rest,
    );
    if (field === null) return 'profile';
    if (field[1] === 'defaults' && field[2] !== undefined) return field[2] as EditorField;
    return field[1] as EditorField;
  }
  const definition = /(?:^|: |definition\.)(name|servers|newServers)(?:\[\d+\]|\.\d+)?: /.exec(
    message,
  );
  if (definition !== null) return definition[1] as EditorField;
  if (/definition\.profile\b/.test(message)) return 'profile';
  return null;
}

/**
 * What to show at `field` of the service's error: its words after the field's name (the entry
 * itself is named in them), without the cluster and index in front; all of it for other fields,
 * whose path says which part of the profile is meant.
 */
export function messageAtField(message: string, field: EditorField | null): string {
  if (field !== 'name' && field !== 'servers' && field !== 'newServers') return message;
  const after = new RegExp(`(?:^|: |definition\\.)${field}(?:\\[\\d+\\]|\\.\\d+)?: (.*)$`, 's');
  return after.exec(message)?.[1] ?? message;
}

function setOrDelete(target: Record<string, unknown>, key: string, value: string): void {
  if (value === '') delete target[key];
  else target[key] = value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
