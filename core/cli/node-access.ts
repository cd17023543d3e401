/**
 * How a CLI command reaches nodes: directly at their cluster_settings addresses, or as a cluster
 * profile (--profile FILE) says, over SSH where it says so.
 */
import { parseClusterProfile, type ClusterProfile } from '../cluster/cluster-profile.js';
import {
  directConnector,
  type DirectConnectorOptions,
  type NodeConnector,
} from '../transport/node-connector.js';
import type { ProfileConnector } from '../transport/profile-connector.js';
import type { CliIo } from './cli-io.js';
import { readLocalText } from './local-file.js';

export interface NodeAccess {
  readonly connect: NodeConnector;
  /** Present with --profile: for the commands that read files or run commands on nodes. */
  readonly profile?: { readonly profile: ClusterProfile; readonly connector: ProfileConnector };
  /** Closes SSH sessions; call when the command is done. */
  close(): void;
}

async function openNodeAccess(
  profilePath: string | undefined,
  io: CliIo,
  options: DirectConnectorOptions = {},
): Promise<NodeAccess> {
  if (profilePath === undefined)
    return { connect: directConnector(options), close: () => undefined };
  const profile = await loadProfile(profilePath, io.cwd);
  // The SSH stack (ssh2 and friends) loads only when a profile asks for it: most commands, and
  // every one without --profile, start without it.
  const [{ profileConnector }, { loadSshConfig }, { terminalPrompts }] = await Promise.all([
    import('../transport/profile-connector.js'),
    import('../transport/ssh-config.js'),
    import('./terminal-prompts.js'),
  ]);
  const connector = profileConnector(profile, {
    ...options,
    sshConfig: loadSshConfig(),
    ssh: { prompts: terminalPrompts(io) },
  });
  return {
    connect: connector.connect,
    profile: { profile, connector },
    close: () => connector.close(),
  };
}

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
  work: (access: NodeAccess) => Promise<T>,
  options: DirectConnectorOptions = {},
): Promise<T> {
  const access = await openNodeAccess(profilePath, io, options);
  try {
    return await work(access);
  } finally {
    access.close();
  }
}
