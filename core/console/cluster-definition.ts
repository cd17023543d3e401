/**
 * A console cluster's definition checked the way the CLI checks its files: every server entry must
 * be an address the clients can use, the lists must name a cluster, and the profile must pass the
 * profile parser. Errors name the cluster and the field, so a form can point at it.
 */
import { ConfigError } from '../errors.js';
import { parseClusterProfile, type ClusterProfile } from '../cluster/cluster-profile.js';
import type { ClusterSettings } from '../cluster/cluster-settings.js';
import { clusterNameProblem } from '../shared/cluster-name.js';
import { parseServerAddress } from '../shared/server-address.js';
import type { ClusterDefinition } from './contract.js';

export interface CheckedCluster {
  readonly settings: ClusterSettings;
  readonly profile: ClusterProfile | undefined;
}

/** @throws ConfigError naming `where` (the cluster) and the field at fault. */
export function checkClusterDefinition(
  definition: ClusterDefinition,
  where: string,
): CheckedCluster {
  const fail = (field: string, message: string): never => {
    throw new ConfigError('CLUSTER_INVALID', `${field}: ${message}`, { file: where });
  };
  const nameProblem = clusterNameProblem(definition.name);
  if (nameProblem !== null) fail('name', nameProblem);
  if (definition.servers.length === 0) fail('servers', 'list at least one server');
  for (const [field, list] of [
    ['servers', definition.servers],
    ['newServers', definition.newServers],
  ] as const) {
    const seen = new Set<string>();
    list.forEach((entry, index) => {
      const parsed = parseServerAddress(entry);
      if (!parsed.ok) fail(`${field}[${index}]`, parsed.message);
      if (seen.has(entry)) fail(`${field}[${index}]`, `"${entry}" is listed twice`);
      seen.add(entry);
    });
  }
  const profile =
    definition.profile === undefined || definition.profile === null
      ? undefined
      : parseClusterProfile(JSON.stringify(definition.profile), `${where} (profile)`);
  return {
    settings: { servers: definition.servers, newServers: definition.newServers },
    profile,
  };
}
