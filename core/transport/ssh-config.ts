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
}

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
  const computed = config.compute(alias, { ignoreCase: true, matchExec: false });
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
  return defaults;
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
