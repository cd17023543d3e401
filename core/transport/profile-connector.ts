/**
 * Reaching nodes as a cluster profile says: directly, or through an SSH tunnel from the node's SSH
 * host. One SSH session per route serves every tunnel and command to that node; a session that
 * closed is replaced by a new one on next use.
 */
import type SSHConfig from 'ssh-config';
import { AuthError, HostKeyError } from '../errors.js';
import { accessFor, type ClusterProfile } from '../cluster/cluster-profile.js';
import { DEFAULT_KNOWN_HOSTS_PATH, GLOBAL_KNOWN_HOSTS_PATH } from './known-hosts.js';
import { whenTapDumpsDrained } from '../memcached/binary-client.js';
import { openNodeClient } from '../memcached/node-client.js';
import {
  connectDirectClient,
  type DirectConnectorOptions,
  type NodeConnector,
} from './node-connector.js';
import { resolveSshRoute, type SshRoute } from './ssh-route.js';
import { SshSession, type SshSessionOptions } from './ssh-session.js';

export interface ProfileConnectorOptions extends DirectConnectorOptions {
  readonly sshConfig: SSHConfig;
  readonly ssh: Omit<SshSessionOptions, 'knownHostsFiles'> & {
    readonly knownHostsFiles?: readonly string[];
  };
}

export interface ProfileConnector {
  readonly connect: NodeConnector;
  /** The SSH session for a node reached over SSH (for commands and files); undefined if direct. */
  sessionFor(node: string): Promise<SshSession | undefined>;
  /** Closes every SSH session. */
  close(): void;
}

export function profileConnector(
  profile: ClusterProfile,
  options: ProfileConnectorOptions,
): ProfileConnector {
  const sessions = new Map<string, Promise<SshSession>>();
  // Files the caller or the profile names win over ~/.ssh/config's, as `ssh -o` would.
  const fixedKnownHostsFiles =
    options.ssh.knownHostsFiles ??
    (profile.knownHostsFile === undefined ? undefined : [profile.knownHostsFile]);
  const sshOptions: SshSessionOptions = {
    ...options.ssh,
    knownHostsFiles: fixedKnownHostsFiles ?? [DEFAULT_KNOWN_HOSTS_PATH, GLOBAL_KNOWN_HOSTS_PATH],
  };

  const routeFor = (node: string): SshRoute | undefined => {
    const access = accessFor(profile, node);
    if (access.via !== 'ssh') return undefined;
    const route = resolveSshRoute(node, access, options.sshConfig);
    if (fixedKnownHostsFiles === undefined) return route;
    return { ...route, hops: route.hops.map(({ knownHosts: _fromConfig, ...hop }) => hop) };
  };

  const session = (route: SshRoute): Promise<SshSession> => {
    const key = route.hops.map((hop) => `${hop.user}@${hop.host}:${hop.port}`).join(' > ');
    const existing = sessions.get(key);
    if (existing !== undefined) {
      return existing.then(
        (open) => (open.isClosed ? replace() : open),
        (error: unknown) => {
          if (error instanceof HostKeyError || error instanceof AuthError) throw error;
          return replace();
        },
      );
    }
    return replace();
    function replace(): Promise<SshSession> {
      const opening = SshSession.open(route.hops, sshOptions);
      sessions.set(key, opening);
      // A refused host key or failed login would only be refused again (and the operator asked
      // again): keep that answer for this connector's life. Anything else may be transient.
      opening.catch((error: unknown) => {
        if (!(error instanceof HostKeyError || error instanceof AuthError)) sessions.delete(key);
      });
      return opening;
    }
  };

  const connect: NodeConnector = async (node) => {
    const access = accessFor(profile, node);
    if (access.via === 'direct') return connectDirectClient(node, access.address ?? node, options);
    const route = routeFor(node) as SshRoute;
    const open = await session(route);
    return openNodeClient(
      node,
      () => open.tunnel(route.memcached.host, route.memcached.port),
      options,
    );
  };

  return {
    connect,
    async sessionFor(node) {
      const route = routeFor(node);
      return route === undefined ? undefined : session(route);
    },
    close() {
      const closing = [...sessions.values()];
      sessions.clear();
      // A TAP dump stopped by the work that ends here may still be read through these sessions:
      // they stay up until it has ended (Clearwater's memcached aborts if a dump is left).
      void whenTapDumpsDrained().then(() => {
        for (const opening of closing)
          void opening.then(
            (open) => open.close(),
            () => undefined,
          );
      });
    },
  };
}
