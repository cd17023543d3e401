/** What a resize does to the server list: which nodes join, leave and stay, and whether it is valid. */
import { checkServerList } from '../../../core/shared/server-list.js';

export interface ServerChange {
  /** In the new list only: they are filled by the resync. */
  readonly joining: readonly string[];
  /** In the current list only: they hold nothing once the resize is over. */
  readonly leaving: readonly string[];
  readonly staying: readonly string[];
}

export function describeServerChange(
  oldServers: readonly string[],
  newServers: readonly string[],
): ServerChange {
  const old = new Set(oldServers);
  const next = new Set(newServers);
  return {
    joining: newServers.filter((node) => !old.has(node)),
    leaving: oldServers.filter((node) => !next.has(node)),
    staying: newServers.filter((node) => old.has(node)),
  };
}

/** A node's part in a resize, in the operator's words. */
export type NodeRole = 'joins' | 'leaves' | 'stays';

export function nodeRole(
  node: string,
  oldServers: readonly string[],
  newServers: readonly string[],
): NodeRole {
  if (!oldServers.includes(node)) return 'joins';
  return newServers.includes(node) ? 'stays' : 'leaves';
}

export interface NewServersCheck {
  /** The addresses as typed, in order (cluster_settings keeps the order it is given). */
  readonly servers: readonly string[];
  /** What must be fixed before the resize can begin; empty when nothing. */
  readonly problems: readonly string[];
  /** Entries without a port, which are reached on memcached's default port. */
  readonly withImpliedPort: readonly string[];
}

/** Checks the new server list as typed (host:port per line) against the current one. */
export function checkNewServers(text: string, oldServers: readonly string[]): NewServersCheck {
  const { servers, problems, withImpliedPort } = checkServerList(text);
  if (servers.length === 0) {
    return {
      servers,
      problems: ['Enter the new server list, one host:port per line.'],
      withImpliedPort,
    };
  }
  const change = describeServerChange(oldServers, servers);
  const isUnchanged = change.joining.length === 0 && change.leaving.length === 0;
  return {
    servers,
    problems: isUnchanged
      ? [
          ...problems,
          'The new list holds the same nodes as the current one: there is nothing to resize.',
        ]
      : problems,
    withImpliedPort,
  };
}
