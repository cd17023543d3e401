/**
 * cluster_settings as it is on each node, for the resize's remote steps: read it everywhere and
 * check that the nodes agree (a resize must not start while they disagree), rewrite it on a node
 * (diff first, atomic, backed up, refused if it changed since it was read), and run the reload
 * command that makes the node's store read it again.
 */
import { ConfigError, RemoteCommandError, toErrorPayload, type ErrorPayload } from '../errors.js';
import {
  parseClusterSettings,
  rewriteClusterSettings,
  type ClusterSettings,
} from '../cluster/cluster-settings.js';
import { settingsPathFor, type ClusterProfile } from '../cluster/cluster-profile.js';
import type { ProfileConnector } from '../transport/profile-connector.js';
import {
  lineDiff,
  readRemoteFile,
  writeRemoteFile,
  type RemoteFile,
} from '../transport/remote-file.js';
import type { SshSession } from '../transport/ssh-session.js';
import { sameList } from '../util/same-list.js';

export interface NodeSettings {
  readonly node: string;
  /** Absent when the file could not be read or parsed (see `error`), or the node is reached directly. */
  readonly file?: RemoteFile;
  readonly settings?: ClusterSettings;
  readonly error?: ErrorPayload;
}

export interface SettingsAgreement {
  /** True when every node's file was read and all hold the same two lists. */
  readonly isAgreed: boolean;
  /** Per node: does it hold what the first readable node holds? */
  readonly agrees: ReadonlyMap<string, boolean>;
}

export async function readNodeSettings(
  connector: ProfileConnector,
  profile: ClusterProfile,
  node: string,
): Promise<NodeSettings> {
  try {
    const session = await requireSession(connector, node);
    const path = settingsPathFor(profile, node);
    const file = await readRemoteFile(session, path, { sudo: profile.sudo });
    const settings = parseClusterSettings(file.text, `${node}:${path}`);
    return { node, file, settings: { servers: settings.servers, newServers: settings.newServers } };
  } catch (error) {
    return { node, error: toErrorPayload(error) };
  }
}

export function checkAgreement(all: readonly NodeSettings[]): SettingsAgreement {
  const reference = all.find((n) => n.settings !== undefined)?.settings;
  const agrees = new Map<string, boolean>();
  for (const node of all) {
    agrees.set(
      node.node,
      reference !== undefined &&
        node.settings !== undefined &&
        sameSettings(node.settings, reference),
    );
  }
  return { isAgreed: all.length > 0 && [...agrees.values()].every(Boolean), agrees };
}

export interface PlannedWrite {
  readonly node: string;
  readonly file: RemoteFile;
  readonly newText: string;
  /** What will change, line by line, for the operator to review. */
  readonly diff: string;
}

/** What writing `settings` on `node` would change; reads the file, writes nothing. */
export async function planSettingsWrite(
  connector: ProfileConnector,
  profile: ClusterProfile,
  node: string,
  settings: ClusterSettings,
): Promise<PlannedWrite> {
  const session = await requireSession(connector, node);
  const path = settingsPathFor(profile, node);
  const file = await readRemoteFile(session, path, { sudo: profile.sudo });
  const newText = rewriteClusterSettings(file.text, `${node}:${path}`, settings);
  return { node, file, newText, diff: lineDiff(file.text, newText) };
}

/** Whether a planned write changes the node's file (false: it already holds these lists). */
export function changesFile(planned: PlannedWrite): boolean {
  return planned.newText !== planned.file.text;
}

/** Every node's planned write, and the nodes whose file could not be read, with why. */
export interface SettingsReadout {
  readonly planned: readonly PlannedWrite[];
  readonly unreadable: readonly { readonly node: string; readonly error: ErrorPayload }[];
}

/** What a caller hears as the nodes are read (the wizard shows it per node). */
export interface ReadoutObserver {
  onReading?(node: string): Promise<void> | void;
  onRead?(planned: PlannedWrite): Promise<void> | void;
  onUnreadable?(node: string, error: ErrorPayload): Promise<void> | void;
}

/**
 * Reads cluster_settings on every node and plans the write of `settings`, writing nothing. A resize
 * writes only when every node could be read (`unreadable` is empty): a write that stopped halfway
 * through the nodes would leave them disagreeing, the one state a resize must never be in.
 */
export async function planSettingsWrites(
  connector: ProfileConnector,
  profile: ClusterProfile,
  nodes: readonly string[],
  settings: ClusterSettings,
  observer: ReadoutObserver = {},
): Promise<SettingsReadout> {
  const planned: PlannedWrite[] = [];
  const unreadable: { node: string; error: ErrorPayload }[] = [];
  for (const node of nodes) {
    await observer.onReading?.(node);
    try {
      const plan = await planSettingsWrite(connector, profile, node, settings);
      planned.push(plan);
      await observer.onRead?.(plan);
    } catch (error) {
      const payload = toErrorPayload(error);
      unreadable.push({ node, error: payload });
      await observer.onUnreadable?.(node, payload);
    }
  }
  return { planned, unreadable };
}

/** Carries out a planned write; refused if the file changed since the plan read it. */
export async function applySettingsWrite(
  connector: ProfileConnector,
  profile: ClusterProfile,
  planned: PlannedWrite,
): Promise<{ readonly backupPath: string }> {
  const session = await requireSession(connector, planned.node);
  return writeRemoteFile(session, planned.file, planned.newText, { sudo: profile.sudo });
}

/** Runs the profile's reload command on `node`; its stderr reaches the caller when it fails. */
export async function reloadNode(
  connector: ProfileConnector,
  profile: ClusterProfile,
  node: string,
): Promise<void> {
  if (profile.reloadCommand === undefined) {
    throw new ConfigError(
      'NO_RELOAD_COMMAND',
      'the profile has no reloadCommand: reload each node by hand, then confirm it',
    );
  }
  const session = await requireSession(connector, node);
  const result = await session.exec(profile.reloadCommand, {
    sudo: profile.sudo,
    timeoutMs: 120_000,
  });
  if (result.exitCode !== 0) {
    throw new RemoteCommandError(
      'RELOAD_FAILED',
      `the reload command failed with exit status ${result.exitCode}: ${result.stderr.trim() || result.stdout.trim() || 'no output'}`,
      { node, command: profile.reloadCommand },
    );
  }
}

async function requireSession(connector: ProfileConnector, node: string): Promise<SshSession> {
  const session = await connector.sessionFor(node);
  if (session === undefined) {
    throw new ConfigError(
      'NODE_NOT_OVER_SSH',
      `${node} is reached directly in the profile, so its files and commands are out of reach: give it "via": "ssh"`,
      { node },
    );
  }
  return session;
}

function sameSettings(a: ClusterSettings, b: ClusterSettings): boolean {
  return sameList(a.servers, b.servers) && sameList(a.newServers, b.newServers);
}
