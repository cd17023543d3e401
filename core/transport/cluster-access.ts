/**
 * How a command, CLI or console, reaches a cluster's nodes: directly at their cluster_settings
 * addresses, or as a cluster profile says (SSH where it says so). The SSH stack (ssh2 and friends)
 * loads only when a profile asks for it, so everything without a profile starts without it.
 */
import type { ClusterProfile } from '../cluster/cluster-profile.js';
import {
  directConnector,
  type DirectConnectorOptions,
  type NodeConnector,
} from './node-connector.js';
import type { ProfileConnector } from './profile-connector.js';
import type { SshPrompts } from './ssh-session.js';

export interface ClusterAccess {
  readonly connect: NodeConnector;
  /** Present with a profile: for the work that reads files or runs commands on nodes. */
  readonly profile?: { readonly profile: ClusterProfile; readonly connector: ProfileConnector };
  /** Closes SSH sessions; call when the work is done. */
  close(): void;
}

export interface ClusterAccessOptions extends DirectConnectorOptions {
  /** Who answers SSH's questions; without one, unknown host keys are refused and no secret given. */
  readonly prompts?: SshPrompts;
}

const NO_ANSWERS: SshPrompts = {
  confirmHostKey: () => Promise.resolve(false),
  passphrase: () => Promise.resolve(undefined),
  password: () => Promise.resolve(undefined),
};

export async function openClusterAccess(
  profile: ClusterProfile | undefined,
  options: ClusterAccessOptions = {},
): Promise<ClusterAccess> {
  const { prompts = NO_ANSWERS, ...connectOptions } = options;
  if (profile === undefined) {
    return { connect: directConnector(connectOptions), close: () => undefined };
  }
  const [{ profileConnector }, { loadSshConfig }] = await Promise.all([
    import('./profile-connector.js'),
    import('./ssh-config.js'),
  ]);
  const connector = profileConnector(profile, {
    ...connectOptions,
    sshConfig: loadSshConfig(),
    ssh: { prompts },
  });
  return {
    connect: connector.connect,
    profile: { profile, connector },
    close: () => connector.close(),
  };
}

/** Runs `work` with access open, and closes it (its SSH sessions) however `work` ends. */
export async function withClusterAccess<T>(
  open: () => Promise<ClusterAccess>,
  work: (access: ClusterAccess) => Promise<T>,
): Promise<T> {
  const access = await open();
  try {
    return await work(access);
  } finally {
    access.close();
  }
}
