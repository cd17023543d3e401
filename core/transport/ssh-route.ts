/**
 * Where an SSH-reached node really is: the chain of hosts to connect through (jump hosts first, the
 * node's SSH host last), each with its user, port and identity files, and memcached's address as
 * seen from the last host. The profile says what it says; the rest comes from ~/.ssh/config, as
 * `ssh` would resolve it, jump hosts' own ProxyJump included.
 */
import { userInfo } from 'node:os';
import type SSHConfig from 'ssh-config';
import { ConfigError } from '../errors.js';
import { DEFAULT_MEMCACHED_BEHIND_SSH, type SshAccess } from '../cluster/cluster-profile.js';
import { parseServerAddress, type ServerAddress } from '../shared/server-address.js';
import { DEFAULT_KNOWN_HOSTS_PATH, GLOBAL_KNOWN_HOSTS_PATH } from './known-hosts.js';
import { sshDefaultsFor, type SshHostDefaults, type StrictHostKeyChecking } from './ssh-config.js';

export interface SshHop {
  /** The name the operator gave (an alias or an address), for messages. */
  readonly alias: string;
  /** The address to connect to, after HostName. */
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly identityFiles: readonly string[];
  /**
   * The known_hosts files ~/.ssh/config names for this host (UserKnownHostsFile, then
   * GlobalKnownHostsFile), new keys recorded in `record`; absent: the session's own files.
   */
  readonly knownHosts?: HopKnownHosts;
  /** StrictHostKeyChecking from ~/.ssh/config; absent: ask. */
  readonly strictHostKeyChecking?: StrictHostKeyChecking;
  /** HostKeyAlias from ~/.ssh/config: the name known_hosts holds this host's key under. */
  readonly hostKeyAlias?: string;
}

export interface HopKnownHosts {
  readonly files: readonly string[];
  /** Where a newly trusted key is written; undefined when UserKnownHostsFile is none. */
  readonly record: string | undefined;
}

export interface SshRoute {
  /** Jump hosts in order, then the node's SSH host. */
  readonly hops: readonly SshHop[];
  readonly memcached: ServerAddress;
}

/** Deep enough for any real bastion chain, shallow enough to stop a ProxyJump loop. */
export const MAX_HOPS = 8;

export function resolveSshRoute(node: string, access: SshAccess, config: SSHConfig): SshRoute {
  const place = { node, command: 'ssh' };
  const entry = parseServerAddress(node);
  const alias = access.host ?? (entry.ok ? entry.address.host : node);
  const memcachedText = access.memcached ?? DEFAULT_MEMCACHED_BEHIND_SSH;
  const memcached = parseServerAddress(memcachedText);
  if (!memcached.ok) {
    throw new ConfigError(
      'BAD_MEMCACHED_ADDRESS',
      `memcached address "${memcachedText}": ${memcached.reason}`,
      place,
    );
  }

  const overrides: HopSpec = { alias };
  if (access.user !== undefined) overrides.user = access.user;
  if (access.port !== undefined) overrides.port = access.port;
  if (access.identityFile !== undefined) overrides.identityFiles = [access.identityFile];
  const hops = chain(overrides, access.jump, config, 0, node);
  return { hops, memcached: memcached.address };
}

interface HopSpec {
  alias: string;
  user?: string;
  port?: number;
  identityFiles?: string[];
}

function chain(
  spec: HopSpec,
  jump: readonly string[] | undefined,
  config: SSHConfig,
  depth: number,
  node: string,
): SshHop[] {
  if (depth > MAX_HOPS) {
    throw new ConfigError(
      'SSH_JUMP_LOOP',
      `more than ${MAX_HOPS} jump hosts: is there a ProxyJump loop?`,
      {
        node,
        command: 'ssh',
      },
    );
  }
  const defaults = sshDefaultsFor(config, spec.alias);
  const hop: SshHop = {
    alias: spec.alias,
    host: defaults.hostName ?? spec.alias,
    port: spec.port ?? defaults.port ?? 22,
    user: spec.user ?? defaults.user ?? userInfo().username,
    identityFiles: spec.identityFiles ?? [...(defaults.identityFiles ?? [])],
    ...hostKeyOptions(defaults),
  };
  const hopsBefore = jump ?? defaults.proxyJump ?? [];
  const before: SshHop[] = [];
  hopsBefore.forEach((text, index) => {
    // As `ssh -J a,b` does: the first jump host is reached as `ssh a` would reach it (its own
    // ProxyJump applies); each later one through those before it, its own ProxyJump ignored.
    const ownJump = index === 0 ? undefined : [];
    before.push(...chain(parseHopText(text), ownJump, config, depth + 1 + before.length, node));
  });
  return [...before, hop];
}

/** What ~/.ssh/config says about checking a hop's host key; nothing when it says nothing. */
function hostKeyOptions(
  defaults: SshHostDefaults,
): Pick<SshHop, 'knownHosts' | 'strictHostKeyChecking' | 'hostKeyAlias'> {
  const { userKnownHostsFiles: user, globalKnownHostsFiles: global } = defaults;
  // Either directive alone leaves the other at ssh's default, as in ssh_config(5).
  const knownHosts =
    user === undefined && global === undefined
      ? undefined
      : {
          files: [
            ...(user ?? [DEFAULT_KNOWN_HOSTS_PATH]),
            ...(global ?? [GLOBAL_KNOWN_HOSTS_PATH]),
          ],
          record: (user ?? [DEFAULT_KNOWN_HOSTS_PATH])[0],
        };
  return {
    ...(knownHosts === undefined ? {} : { knownHosts }),
    ...(defaults.strictHostKeyChecking === undefined
      ? {}
      : { strictHostKeyChecking: defaults.strictHostKeyChecking }),
    ...(defaults.hostKeyAlias === undefined ? {} : { hostKeyAlias: defaults.hostKeyAlias }),
  };
}

/** "[user@]host[:port]", the form of ProxyJump and of `ssh -J`. */
function parseHopText(text: string): HopSpec {
  const at = text.lastIndexOf('@');
  const user = at < 0 ? undefined : text.slice(0, at);
  const rest = at < 0 ? text : text.slice(at + 1);
  const address = parseServerAddress(rest);
  const spec: HopSpec = { alias: address.ok ? address.address.host : rest };
  if (user !== undefined && user !== '') spec.user = user;
  if (address.ok && address.address.hasExplicitPort) spec.port = address.address.port;
  return spec;
}
