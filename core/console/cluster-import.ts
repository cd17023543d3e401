/**
 * What the clusters form can fill itself from: a cluster_settings file the operator picks (its two
 * lists, read exactly as the clients read them), and the host aliases of ~/.ssh/config (offered
 * when a cluster's nodes are reached over SSH).
 */
import SSHConfig from 'ssh-config';
import { parseClusterSettings } from '../cluster/cluster-settings.js';
import { parseServerAddress } from '../shared/server-address.js';
import { ConfigError } from '../errors.js';
import { loadSshConfig, sshDefaultsFor } from '../transport/ssh-config.js';
import type { ImportedSettings, SshHostEntry } from './contract.js';

/**
 * Reads a cluster_settings file's text as the clients do, and checks every entry is an address.
 * @throws ConfigError naming `fileName` and the line at fault.
 */
export function importClusterSettings(text: string, fileName: string): ImportedSettings {
  const parsed = parseClusterSettings(text, fileName);
  // The parser takes any text as a server; the form would refuse a bad one later, without the
  // line it came from, so it is checked here where the line is known.
  for (const line of parsed.lines) {
    for (const entry of line.items) {
      const address = parseServerAddress(entry);
      if (!address.ok) {
        throw new ConfigError(
          'SETTINGS_BAD_SERVER',
          `${line.key} entry "${entry}": ${address.reason}`,
          {
            file: fileName,
            line: line.line,
          },
        );
      }
    }
  }
  return { servers: parsed.servers, newServers: parsed.newServers };
}

/**
 * The `Host` aliases of the ssh config at `path` that name one host (patterns with `*`, `?` or `!`
 * are left out), in file order, each with what the config resolves for it.
 * @throws ConfigError when the file exists but cannot be read or parsed.
 */
export function listSshHosts(path: string): SshHostEntry[] {
  const config = loadSshConfig(path);
  const aliases = new Set<string>();
  collectAliases(config, aliases);
  return [...aliases].map((alias) => {
    const defaults = sshDefaultsFor(config, alias);
    return {
      alias,
      ...(defaults.hostName === undefined ? {} : { hostName: defaults.hostName }),
      ...(defaults.user === undefined ? {} : { user: defaults.user }),
      ...(defaults.port === undefined ? {} : { port: defaults.port }),
    };
  });
}

function collectAliases(config: SSHConfig, into: Set<string>): void {
  for (const line of config) {
    if (line.type !== SSHConfig.DIRECTIVE || line.param.toLowerCase() !== 'host') continue;
    const patterns =
      typeof line.value === 'string' ? line.value.split(/\s+/) : line.value.map((v) => v.val);
    for (const pattern of patterns) {
      if (pattern !== '' && !/[*?!]/.test(pattern)) into.add(pattern);
    }
  }
}
