/**
 * Host key checking against OpenSSH known_hosts files, as `ssh` does it (sshd(8), SSH_KNOWN_HOSTS
 * FILE FORMAT): plain and hashed (`|1|salt|hash`) host names, `[host]:port` for ports other than
 * 22, wildcards and negations, and the `@revoked` marker. `@cert-authority` lines are for
 * certificates, which Astaire does not use, so they never trust a plain key.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export const DEFAULT_KNOWN_HOSTS_PATH = join(homedir(), '.ssh', 'known_hosts');
export const GLOBAL_KNOWN_HOSTS_PATH = '/etc/ssh/ssh_known_hosts';

/** A server's host key as it arrives: its type (`ssh-ed25519`, ...) and its public key blob. */
export interface HostKey {
  readonly type: string;
  readonly blob: Buffer;
}

export type HostKeyCheck =
  | { readonly verdict: 'trusted'; readonly file: string; readonly line: number }
  | { readonly verdict: 'unknown'; readonly otherTypes: readonly string[] }
  | {
      readonly verdict: 'changed';
      readonly file: string;
      readonly line: number;
      readonly knownType: string;
    }
  | { readonly verdict: 'revoked'; readonly file: string; readonly line: number };

interface KnownHostsLine {
  readonly file: string;
  readonly line: number;
  readonly marker: '' | '@revoked' | '@cert-authority';
  readonly patterns: string;
  readonly type: string;
  readonly blob: Buffer;
}

/** `SHA256:<base64, unpadded>`, the fingerprint `ssh` shows. */
export function fingerprint(key: HostKey): string {
  return 'SHA256:' + createHash('sha256').update(key.blob).digest('base64').replace(/=+$/, '');
}

/**
 * The name known_hosts uses for a host: `host` on port 22, `[host]:port` otherwise, lower-cased
 * as `ssh` lower-cases it before looking it up or hashing it (a hashed entry compares exactly).
 */
export function knownHostsName(host: string, port: number): string {
  const lower = host.toLowerCase();
  return port === 22 ? lower : `[${lower}]:${port}`;
}

/**
 * The types of key the files hold for `name` (as `knownHostsName` gives it, or a HostKeyAlias),
 * revoked and certificate-authority lines aside: what the server should be asked for first.
 */
export function knownKeyTypes(files: readonly string[], name: string): string[] {
  const types = files
    .flatMap(readKnownHosts)
    .filter((line) => line.marker === '' && matchesHost(line.patterns, name))
    .map((line) => line.type);
  return [...new Set(types)];
}

/**
 * Checks `key` for `name` (as `knownHostsName` gives it, or a HostKeyAlias) against the files. A revoked key is refused wherever it
 * is listed; a key the files hold for this host is trusted; a different key of the same type means
 * the host key changed (refuse, naming where the old one is); anything else is unknown (ask).
 */
export function checkHostKey(files: readonly string[], name: string, key: HostKey): HostKeyCheck {
  const lines = files.flatMap(readKnownHosts);
  const sameKey = (line: KnownHostsLine) => line.type === key.type && line.blob.equals(key.blob);

  const revoked = lines.find((line) => line.marker === '@revoked' && sameKey(line));
  if (revoked !== undefined) return { verdict: 'revoked', file: revoked.file, line: revoked.line };

  const forHost = lines.filter((line) => line.marker === '' && matchesHost(line.patterns, name));
  const trusted = forHost.find(sameKey);
  if (trusted !== undefined) return { verdict: 'trusted', file: trusted.file, line: trusted.line };
  const changed = forHost.find((line) => line.type === key.type);
  if (changed !== undefined) {
    return { verdict: 'changed', file: changed.file, line: changed.line, knownType: changed.type };
  }
  return { verdict: 'unknown', otherTypes: [...new Set(forHost.map((line) => line.type))] };
}

/** Records a key the operator confirmed, hashed as Debian's `ssh` does (HashKnownHosts yes). */
export function addKnownHost(file: string, name: string, key: HostKey): void {
  const salt = randomBytes(20);
  const hash = createHmac('sha1', salt).update(name).digest();
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  appendFileSync(
    file,
    `|1|${salt.toString('base64')}|${hash.toString('base64')} ${key.type} ${key.blob.toString('base64')}\n`,
    { mode: 0o600 },
  );
}

function readKnownHosts(file: string): KnownHostsLine[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return []; // a missing file knows no hosts, as for ssh
  }
  const lines: KnownHostsLine[] = [];
  text.split('\n').forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return;
    const marker =
      fields[0] === '@revoked' || fields[0] === '@cert-authority' ? fields.shift() : '';
    const [patterns, type, base64] = fields;
    if (patterns === undefined || type === undefined || base64 === undefined) return; // as ssh: skip
    lines.push({
      file,
      line: index + 1,
      marker: marker as KnownHostsLine['marker'],
      patterns,
      type,
      blob: Buffer.from(base64, 'base64'),
    });
  });
  return lines;
}

/** A comma-separated pattern list: any match, and no negated match; or one hashed entry. */
function matchesHost(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt, hash] = patterns.split('|');
    if (salt === undefined || hash === undefined) return false;
    const expected = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return expected === hash;
  }
  let isMatch = false;
  for (const pattern of patterns.split(',')) {
    const isNegated = pattern.startsWith('!');
    if (globMatches(isNegated ? pattern.slice(1) : pattern, name)) {
      if (isNegated) return false;
      isMatch = true;
    }
  }
  return isMatch;
}

// `*` and `?` as in ssh: host names compare case-insensitively.
function globMatches(pattern: string, name: string): boolean {
  const regex = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(name.toLowerCase());
}
