/**
 * The order nodes are numbered and coloured in, on every screen of a cluster: its servers, then the
 * new servers not already among them, as cluster_settings lists them. A node keeps its number and
 * colour from the overview to the plan to the live view.
 */

/** Every distinct node of the two lists, servers first. */
export function nodeOrder(servers: readonly string[], newServers: readonly string[]): string[] {
  return [...new Set([...servers, ...newServers])];
}

/** node -> its index in `nodeOrder`. */
export function nodeIndexes(
  servers: readonly string[],
  newServers: readonly string[],
): ReadonlyMap<string, number> {
  return new Map(nodeOrder(servers, newServers).map((node, index) => [node, index]));
}

export type ResizeRole = 'joining' | 'staying' | 'leaving' | 'joining-from-empty' | 'stable';

/** What the resize means for `node`, in the words the service's NodeRole uses. */
export function resizeRole(
  servers: readonly string[],
  newServers: readonly string[],
  node: string,
): ResizeRole {
  const isCurrent = servers.includes(node);
  if (newServers.length === 0) return 'stable';
  if (servers.length === 0) return 'joining-from-empty';
  if (isCurrent) return newServers.includes(node) ? 'staying' : 'leaving';
  return 'joining';
}

/** A role as the operator reads it ("joining from empty", not "joining-from-empty"). */
export function roleLabel(role: string): string {
  return role.replaceAll('-', ' ');
}
