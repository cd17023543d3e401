/**
 * How a CLI command reaches nodes: directly at their cluster_settings addresses, or as a cluster
 * profile (--profile FILE) says, with SSH's questions asked on the terminal.
 */
import { parseClusterProfile, type ClusterProfile } from '../cluster/cluster-profile.js';
import type { DirectConnectorOptions } from '../transport/node-connector.js';
import {
  openClusterAccess,
  withClusterAccess,
  type ClusterAccess,
} from '../transport/cluster-access.js';
import type { CliIo } from './cli-io.js';
import { readLocalText } from './local-file.js';

export type { ClusterAccess as NodeAccess };

export async function loadProfile(path: string, cwd: string): Promise<ClusterProfile> {
  return parseClusterProfile(
    await readLocalText(path, cwd, 'the profile', 'PROFILE_UNREADABLE'),
    path,
  );
}

/** Runs `work` with node access open, and closes it (its SSH sessions) however `work` ends. */
export async function withNodeAccess<T>(
  profilePath: string | undefined,
  io: CliIo,
  work: (access: ClusterAccess) => Promise<T>,
  options: DirectConnectorOptions = {},
): Promise<T> {
  if (profilePath === undefined) {
    return withClusterAccess(() => openClusterAccess(undefined, options), work);
  }
  const profile = await loadProfile(profilePath, io.cwd);
  // The terminal prompts load with the SSH stack, only when a profile needs them.
  const { terminalPrompts } = await import('./terminal-prompts.js');
  return withClusterAccess(
    () => openClusterAccess(profile, { ...options, prompts: terminalPrompts(io) }),
    work,
  );
}
