/**
 * How a CLI command reaches nodes: directly at their cluster_settings addresses, or as a cluster
 * profile (--profile FILE) says, over SSH where it says so.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LocalIoError } from '../errors.js';
import { parseClusterProfile, type ClusterProfile } from '../cluster/cluster-profile.js';
import {
  directConnector,
  type DirectConnectorOptions,
  type NodeConnector,
} from '../transport/node-connector.js';
import { profileConnector, type ProfileConnector } from '../transport/profile-connector.js';
import { loadSshConfig } from '../transport/ssh-config.js';
import type { CliIo } from './cli-io.js';
import { terminalPrompts } from './terminal-prompts.js';

export interface NodeAccess {
  readonly connect: NodeConnector;
  /** Present with --profile: for the commands that read files or run commands on nodes. */
  readonly profile?: { readonly profile: ClusterProfile; readonly connector: ProfileConnector };
  /** Closes SSH sessions; call when the command is done. */
  close(): void;
}

export async function openNodeAccess(
  profilePath: string | undefined,
  io: CliIo,
  options: DirectConnectorOptions = {},
): Promise<NodeAccess> {
  if (profilePath === undefined)
    return { connect: directConnector(options), close: () => undefined };
  const profile = await loadProfile(profilePath, io.cwd);
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
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'no such file'
        : (error as Error).message;
    throw new LocalIoError('PROFILE_UNREADABLE', `cannot read the profile: ${reason}`, {
      file: path,
    });
  }
  return parseClusterProfile(text, path);
}
