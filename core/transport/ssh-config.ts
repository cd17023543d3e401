/**
 * Defaults for SSH access from the operator's ~/.ssh/config, read as OpenSSH reads it (first
 * value wins, Host and Match sections, wildcards) by the `ssh-config` package rather than a parser
 * of our own. `Match exec` sections are never run: reading a config must not execute anything.
 */
import { readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import SSHConfig from 'ssh-config';
import { ConfigError } from '../errors.js';

/** What ~/.ssh/config says about one host alias; fields it does not set are absent. */
export interface SshHostDefaults {
  readonly hostName?: string;
  readonly user?: string;
  readonly port?: number;
  readonly identityFiles?: readonly string[];
  /** ProxyJump hops in order, each "[user@]host[:port]"; empty for "none". */
  readonly proxyJump?: readonly string[];
  /** UserKnownHostsFile: checked first, new keys recorded in the first; empty for "none". */
  readonly userKnownHostsFiles?: readonly string[];
  /** GlobalKnownHostsFile: checked after the user's files, never written; empty for "none". */
  readonly globalKnownHostsFiles?: readonly string[];
  readonly strictHostKeyChecking?: StrictHostKeyChecking;
  /** HostKeyAlias, lower-cased as ssh does: the name looked up in known_hosts and recorded. */
  readonly hostKeyAlias?: string;
}

/**
 * What to do with a host key known_hosts does not hold (ssh_config(5), StrictHostKeyChecking):
 * refuse it (`yes`), trust and record it without asking (`accept-new`; `no` and `off` are read the
 * same way, see `strictHostKeyCheckingFrom`), or ask the operator (`ask`, the default).
 */
export type StrictHostKeyChecking = 'yes' | 'accept-new' | 'ask';

export const DEFAULT_SSH_CONFIG_PATH = join(homedir(), '.ssh', 'config');

/** The parsed config at `path`; an empty config when the file does not exist. */
export function loadSshConfig(path: string = DEFAULT_SSH_CONFIG_PATH): SSHConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new SSHConfig();
    throw new ConfigError('SSH_CONFIG_UNREADABLE', `cannot read: ${(error as Error).message}`, {
      file: path,
    });
  }
  try {
    return SSHConfig.parse(text);
  } catch (error) {
    throw new ConfigError(
      'SSH_CONFIG_INVALID',
      `not a valid ssh config: ${(error as Error).message}`,
      {
        file: path,
      },
    );
  }
}

export function sshDefaultsFor(config: SSHConfig, alias: string): SshHostDefaults {
  const computed: ComputedConfig = config.compute(alias, { ignoreCase: true, matchExec: false });
  const first = (name: string): string | undefined => {
    const value = computed[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const hostName = first('hostname');
  const user = first('user');
  const portText = first('port');
  const identity = computed.identityfile;
  const jump = first('proxyjump');
  const port = portText === undefined ? undefined : Number(portText);
  const defaults: {
    hostName?: string;
    user?: string;
    port?: number;
    identityFiles?: string[];
    proxyJump?: string[];
  } = {};
  if (hostName !== undefined) defaults.hostName = expandTokens(hostName, alias, user);
  if (user !== undefined) defaults.user = user;
  if (port !== undefined && Number.isInteger(port) && port > 0 && port < 65536)
    defaults.port = port;
  if (identity !== undefined) {
    defaults.identityFiles = (Array.isArray(identity) ? identity : [identity]).map((file) =>
      expandTokens(file, hostName ?? alias, user),
    );
  }
  if (jump !== undefined)
    defaults.proxyJump =
      jump.toLowerCase() === 'none' ? [] : jump.split(',').map((hop) => hop.trim());
  return { ...defaults, ...hostKeyDefaults(computed, alias, hostName ?? alias, user) };
}

type ComputedConfig = Record<string, string | string[] | undefined>;

/** The directives about host keys: which known_hosts files, how strict, under which name. */
function hostKeyDefaults(
  computed: ComputedConfig,
  alias: string,
  host: string,
  user: string | undefined,
): Pick<
  SshHostDefaults,
  'userKnownHostsFiles' | 'globalKnownHostsFiles' | 'strictHostKeyChecking' | 'hostKeyAlias'
> {
  const files = (name: string): string[] | undefined => {
    const value = computed[name];
    if (value === undefined) return undefined;
    const list = Array.isArray(value) ? value : [value];
    if (list.length === 1 && list[0]?.toLowerCase() === 'none') return [];
    return list.map((file) => expandTokens(file, host, user));
  };
  const first = (name: string): string | undefined => {
    const value = computed[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const userFiles = files('userknownhostsfile');
  const globalFiles = files('globalknownhostsfile');
  const strict = first('stricthostkeychecking');
  const hostKeyAlias = first('hostkeyalias');
  return {
    ...(userFiles === undefined ? {} : { userKnownHostsFiles: userFiles }),
    ...(globalFiles === undefined ? {} : { globalKnownHostsFiles: globalFiles }),
    ...(strict === undefined
      ? {}
      : { strictHostKeyChecking: strictHostKeyCheckingFrom(strict, alias) }),
    ...(hostKeyAlias === undefined ? {} : { hostKeyAlias: hostKeyAlias.toLowerCase() }),
  };
}

function strictHostKeyCheckingFrom(value: string, alias: string): StrictHostKeyChecking {
  switch (value.toLowerCase()) {
    case 'yes':
    case 'true':
      return 'yes';
    case 'ask':
      return 'ask';
    // OpenSSH's `no` would also accept a CHANGED key (with a warning). Astaire never does: a
    // changed key is what an interception looks like, and a resync through an interceptor hands
    // it every key and value of the cluster; so `no` keeps only its "do not ask" half.
    case 'accept-new':
    case 'no':
    case 'off':
    case 'false':
      return 'accept-new';
    default:
      throw new ConfigError(
        'SSH_CONFIG_INVALID',
        `StrictHostKeyChecking "${value}" for ${alias}: use yes, accept-new, ask, no or off`,
        { file: DEFAULT_SSH_CONFIG_PATH, node: alias },
      );
  }
}

// The tokens OpenSSH expands in HostName and IdentityFile that matter here (ssh_config(5), TOKENS).
function expandTokens(value: string, host: string, user: string | undefined): string {
  const local = userInfo().username;
  return value.replace(/^~(?=\/|$)/, homedir()).replace(/%(.)/g, (token, letter: string) => {
    switch (letter) {
      case '%':
        return '%';
      case 'd':
        return homedir();
      case 'h':
        return host;
      case 'u':
        return local;
      case 'r':
        return user ?? local;
      default:
        return token;
    }
  });
}
