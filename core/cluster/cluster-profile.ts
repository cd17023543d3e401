/**
 * A cluster profile: how Astaire reaches each node of a cluster and runs the resize's remote steps.
 * It is a JSON file the CLI and the console share:
 *
 *   {
 *     "settingsPath": "/etc/clearwater/cluster_settings",
 *     "reloadCommand": "service clearwater-infrastructure reload",
 *     "sudo": true,
 *     "defaults": { "via": "ssh", "user": "ops", "jump": ["bastion"] },
 *     "nodes": {
 *       "10.0.0.1:11211": { "via": "ssh", "host": "sprout-1" },
 *       "10.0.0.9:11211": { "via": "direct" }
 *     }
 *   }
 *
 * Nodes are keyed by their cluster_settings entry. A node not listed takes `defaults`; an `ssh`
 * node with no `host` is reached at the host part of its entry. What the profile leaves unsaid
 * about SSH (host name, user, port, identity file, jump hosts) comes from ~/.ssh/config, as `ssh`
 * itself would resolve it. Unknown fields are refused: a typo must not silently change access.
 */
import { ConfigError } from '../errors.js';
import { parseServerAddress } from '../shared/server-address.js';
import { parseJsonFile } from '../util/parse-json-file.js';
import { ownEntry } from '../shared/own-entry.js';

export interface DirectAccess {
  readonly via: 'direct';
  /** Where memcached listens, if not at the cluster_settings entry itself. */
  readonly address?: string;
}

export interface SshAccess {
  readonly via: 'ssh';
  /** An ssh host alias or address; default: the host of the cluster_settings entry. */
  readonly host?: string;
  readonly user?: string;
  readonly port?: number;
  readonly identityFile?: string;
  /** Jump hosts in order, each "[user@]host[:port]" or an alias. */
  readonly jump?: readonly string[];
  /** memcached's address as seen from the SSH host; default 127.0.0.1:11211. */
  readonly memcached?: string;
  /** Where cluster_settings is on this node, when not at the profile's settingsPath. */
  readonly settingsPath?: string;
}

export type NodeAccess = DirectAccess | SshAccess;

export interface ClusterProfile {
  /** Where cluster_settings lives on the nodes. */
  readonly settingsPath: string;
  /** The command that makes a node reload cluster_settings; absent: the operator reloads by hand. */
  readonly reloadCommand?: string;
  /** Run remote commands under `sudo -n`. */
  readonly sudo: boolean;
  readonly knownHostsFile?: string;
  readonly defaults: NodeAccess;
  readonly nodes: Readonly<Record<string, NodeAccess>>;
}

export const DEFAULT_SETTINGS_PATH = '/etc/clearwater/cluster_settings';
export const DEFAULT_MEMCACHED_BEHIND_SSH = '127.0.0.1:11211';

/**
 * Parses and validates a profile's JSON text. `file` names it in errors.
 * @throws ConfigError naming the file and the field (or the line, for malformed JSON).
 */
export function parseClusterProfile(text: string, file: string): ClusterProfile {
  const json = parseJsonFile(text, file, 'PROFILE_NOT_JSON');
  const fail = (field: string, message: string): never => {
    throw new ConfigError('PROFILE_INVALID', `${field}: ${message}`, { file });
  };
  const root = objectAt(json, 'the profile', fail);
  onlyKeys(
    root,
    ['settingsPath', 'reloadCommand', 'sudo', 'knownHostsFile', 'defaults', 'nodes'],
    '',
    fail,
  );
  const profile: {
    settingsPath: string;
    reloadCommand?: string;
    sudo: boolean;
    knownHostsFile?: string;
    defaults: NodeAccess;
    nodes: Record<string, NodeAccess>;
  } = {
    settingsPath: optionalString(root.settingsPath, 'settingsPath', fail) ?? DEFAULT_SETTINGS_PATH,
    sudo: optionalBoolean(root.sudo, 'sudo', fail) ?? false,
    defaults:
      root.defaults === undefined
        ? { via: 'direct' }
        : parseAccess(root.defaults, 'defaults', fail),
    nodes: {},
  };
  if (!profile.settingsPath.startsWith('/'))
    fail('settingsPath', 'must be an absolute path on the nodes');
  const reload = optionalString(root.reloadCommand, 'reloadCommand', fail);
  if (reload !== undefined) profile.reloadCommand = reload;
  const knownHosts = optionalString(root.knownHostsFile, 'knownHostsFile', fail);
  if (knownHosts !== undefined) profile.knownHostsFile = knownHosts;
  if (root.nodes !== undefined) {
    const nodes = objectAt(root.nodes, 'nodes', fail);
    for (const [entry, access] of Object.entries(nodes)) {
      const field = `nodes[${JSON.stringify(entry)}]`;
      if (!parseServerAddress(entry).ok)
        fail(field, 'a node is keyed by its cluster_settings entry, host:port');
      profile.nodes[entry] = parseAccess(access, field, fail);
    }
  }
  return profile;
}

/** Where cluster_settings is on `node`. */
export function settingsPathFor(profile: ClusterProfile, node: string): string {
  const access = accessFor(profile, node);
  return (access.via === 'ssh' ? access.settingsPath : undefined) ?? profile.settingsPath;
}

/** How to reach `node` (a cluster_settings entry): its own access, else the defaults. */
export function accessFor(profile: ClusterProfile, node: string): NodeAccess {
  return ownEntry(profile.nodes, node) ?? profile.defaults;
}

type Fail = (field: string, message: string) => never;

function parseAccess(value: unknown, field: string, fail: Fail): NodeAccess {
  const object = objectAt(value, field, fail);
  if (object.via === 'direct') {
    onlyKeys(object, ['via', 'address'], field, fail);
    const address = optionalAddress(object.address, `${field}.address`, fail);
    return address === undefined ? { via: 'direct' } : { via: 'direct', address };
  }
  if (object.via !== 'ssh') return fail(`${field}.via`, 'must be "direct" or "ssh"');
  onlyKeys(
    object,
    ['via', 'host', 'user', 'port', 'identityFile', 'jump', 'memcached', 'settingsPath'],
    field,
    fail,
  );
  const access: {
    via: 'ssh';
    host?: string;
    user?: string;
    port?: number;
    identityFile?: string;
    jump?: string[];
    memcached?: string;
    settingsPath?: string;
  } = { via: 'ssh' };
  const host = optionalString(object.host, `${field}.host`, fail);
  if (host !== undefined) access.host = host;
  const user = optionalString(object.user, `${field}.user`, fail);
  if (user !== undefined) access.user = user;
  if (object.port !== undefined) {
    const port = object.port;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
      fail(`${field}.port`, 'must be a whole number from 1 to 65535');
    }
    access.port = port as number;
  }
  const identity = optionalString(object.identityFile, `${field}.identityFile`, fail);
  if (identity !== undefined) access.identityFile = identity;
  if (object.jump !== undefined) {
    if (
      !Array.isArray(object.jump) ||
      object.jump.some((hop) => typeof hop !== 'string' || hop.trim() === '')
    ) {
      fail(
        `${field}.jump`,
        'must be a list of jump hosts, each "[user@]host[:port]" or an ssh alias',
      );
    }
    access.jump = object.jump as string[];
  }
  const memcached = optionalAddress(object.memcached, `${field}.memcached`, fail);
  if (memcached !== undefined) access.memcached = memcached;
  const settingsPath = optionalString(object.settingsPath, `${field}.settingsPath`, fail);
  if (settingsPath !== undefined) {
    if (!settingsPath.startsWith('/'))
      fail(`${field}.settingsPath`, 'must be an absolute path on the node');
    access.settingsPath = settingsPath;
  }
  return access;
}

function objectAt(value: unknown, field: string, fail: Fail): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(field, 'must be a JSON object');
  }
  return value as Record<string, unknown>;
}

function onlyKeys(
  object: Record<string, unknown>,
  allowed: readonly string[],
  field: string,
  fail: Fail,
): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      // A key that is not a plain name (empty, spaced, with control characters) is shown quoted,
      // so the message still points at something the operator can find.
      const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
      fail(
        field === '' ? name : `${field}.${name}`,
        `unknown field; the fields here are ${allowed.join(', ')}`,
      );
    }
  }
}

function optionalString(value: unknown, field: string, fail: Fail): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '')
    return fail(field, 'must be a non-empty string');
  return value;
}

function optionalBoolean(value: unknown, field: string, fail: Fail): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') return fail(field, 'must be true or false');
  return value;
}

function optionalAddress(value: unknown, field: string, fail: Fail): string | undefined {
  const address = optionalString(value, field, fail);
  if (address === undefined) return undefined;
  const parsed = parseServerAddress(address);
  if (!parsed.ok) return fail(field, `"${address}" is not host:port: ${parsed.reason}`);
  return address;
}
