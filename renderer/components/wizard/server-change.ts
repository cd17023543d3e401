/** What a resize does to the server list: which nodes join, leave and stay, and whether it is valid. */
import { parseAddressList } from '../address-list.js';

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
}

// host:port as cluster_settings has it: a name or IPv4 address, or an IPv6 address in brackets.
const ADDRESS = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/;

/** Checks the new server list as typed (host:port per line) against the current one. */
export function checkNewServers(text: string, oldServers: readonly string[]): NewServersCheck {
  const servers = parseAddressList(text);
  const problems: string[] = [];
  if (servers.length === 0) problems.push('Enter the new server list, one host:port per line.');
  const seen = new Set<string>();
  for (const server of servers) {
    const port = ADDRESS.exec(server)?.[1];
    if (port === undefined || Number(port) < 1 || Number(port) > 65535) {
      problems.push(`${server} is not host:port (port 1 to 65535).`);
    } else if (seen.has(server)) {
      problems.push(`${server} is listed twice.`);
    }
    seen.add(server);
  }
  const change = describeServerChange(oldServers, servers);
  if (servers.length > 0 && change.joining.length === 0 && change.leaving.length === 0) {
    problems.push(
      'The new list holds the same nodes as the current one: there is nothing to resize.',
    );
  }
  return { servers, problems };
}
