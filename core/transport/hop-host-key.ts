/**
 * Checking one hop's host key as `ssh` does: in the known_hosts files ~/.ssh/config names for the
 * host (else the session's), under its HostKeyAlias (else `host` or `[host]:port`), with the
 * StrictHostKeyChecking it sets; and asking the server first for the kinds of key those files
 * already hold for it, so that a known server is never taken for a new one.
 */
import type { ServerHostKeyAlgorithm } from 'ssh2';
import { HostKeyError } from '../errors.js';
import { hostKeyAlgorithmsFor } from './host-key-algorithms.js';
import {
  addKnownHost,
  checkHostKey,
  fingerprint,
  knownHostsName,
  knownKeyTypes,
  type HostKey,
} from './known-hosts.js';
import type { SshHop } from './ssh-route.js';
import type { SshSessionOptions } from './ssh-session.js';

interface HopKnownHostsLookup {
  readonly files: readonly string[];
  /** The name the files hold the key under. */
  readonly name: string;
  /** Where a newly trusted key is recorded; undefined: nowhere. */
  readonly record: string | undefined;
}

function lookupFor(hop: SshHop, options: SshSessionOptions): HopKnownHostsLookup {
  return {
    files: hop.knownHosts?.files ?? options.knownHostsFiles,
    name: hop.hostKeyAlias ?? knownHostsName(hop.host, hop.port),
    record: hop.knownHosts === undefined ? options.knownHostsFiles[0] : hop.knownHosts.record,
  };
}

/** The host-key algorithms to offer this hop's server, those of its known keys first. */
export function hostKeyAlgorithmsForHop(
  hop: SshHop,
  options: SshSessionOptions,
): ServerHostKeyAlgorithm[] {
  const lookup = lookupFor(hop, options);
  return hostKeyAlgorithmsFor(knownKeyTypes(lookup.files, lookup.name));
}

/** Resolves when `blob`, the key the hop's server offered, is trusted; rejects with why not. */
export async function verifyHopHostKey(
  hop: SshHop,
  blob: Buffer,
  options: SshSessionOptions,
): Promise<void> {
  const key: HostKey = { type: keyType(blob), blob };
  const lookup = lookupFor(hop, options);
  const place = { node: hop.alias, command: 'ssh' };
  const server = describeServer(hop);
  const check = checkHostKey(lookup.files, lookup.name, key);
  switch (check.verdict) {
    case 'trusted':
      return;
    case 'revoked':
      throw new HostKeyError(
        'SSH_HOST_KEY_REVOKED',
        `the host key of ${server} (${fingerprint(key)}) is marked @revoked in ${check.file}:${check.line}`,
        place,
      );
    case 'changed':
      // Refused whatever StrictHostKeyChecking says (see strictHostKeyCheckingFrom).
      throw new HostKeyError(
        'SSH_HOST_KEY_CHANGED',
        `REMOTE HOST IDENTIFICATION HAS CHANGED for ${server}: it offers ${key.type} ` +
          `${fingerprint(key)}, but ${check.file}:${check.line} holds another ${check.knownType} key. Someone ` +
          'may be intercepting the connection, or the host was reinstalled. If you know it was, remove ' +
          `line ${check.line} of ${check.file} and connect again.`,
        place,
      );
    case 'unknown':
      return trustUnknownKey(hop, key, check.otherTypes, lookup, options);
  }
}

async function trustUnknownKey(
  hop: SshHop,
  key: HostKey,
  otherTypes: readonly string[],
  lookup: HopKnownHostsLookup,
  options: SshSessionOptions,
): Promise<void> {
  const place = { node: hop.alias, command: 'ssh' };
  const unknown = `the host key of ${describeServer(hop)} (${key.type} ${fingerprint(key)}) is not in known_hosts`;
  const strict = hop.strictHostKeyChecking ?? 'ask';
  if (strict === 'yes') {
    throw new HostKeyError(
      'SSH_HOST_KEY_UNKNOWN',
      `${unknown}, and ~/.ssh/config sets StrictHostKeyChecking yes for ${hop.alias}: add the key to ` +
        `${lookup.files.join(' or ')} (check its fingerprint with the host's owner first)`,
      place,
    );
  }
  if (strict === 'ask') {
    const isTrusted = await options.prompts.confirmHostKey({
      host: hop.host,
      port: hop.port,
      alias: hop.alias,
      keyType: key.type,
      fingerprint: fingerprint(key),
      otherTypes,
    });
    if (!isTrusted)
      throw new HostKeyError('SSH_HOST_KEY_UNKNOWN', `${unknown} and was not confirmed`, place);
  }
  if (lookup.record !== undefined) addKnownHost(lookup.record, lookup.name, key);
}

/** host:port, and the HostKeyAlias the key is filed under when there is one. */
function describeServer(hop: SshHop): string {
  const address = `${hop.host}:${hop.port}`;
  return hop.hostKeyAlias === undefined ? address : `${address} (HostKeyAlias ${hop.hostKeyAlias})`;
}

/** The key type named at the start of an SSH public key blob (string type, ...). */
function keyType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  return blob.toString('latin1', 4, 4 + Math.min(length, 64));
}
