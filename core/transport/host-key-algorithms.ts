/**
 * The host-key algorithms to offer a server, in order. A server with several host keys answers
 * with the first algorithm of ours it supports, so a client that always prefers ed25519 gets an
 * ed25519 key from a server it knows only by its RSA key, and has to ask about it as if the server
 * were new. OpenSSH avoids that by offering first the algorithms of the keys known_hosts already
 * holds for the host (sshconnect2.c, order_hostkeyalgs); so do we.
 */
import type { ServerHostKeyAlgorithm } from 'ssh2';

/** ssh2's own default list, in its order (ssh2 lib/protocol/constants.js, with ed25519 support). */
const DEFAULT_HOST_KEY_ALGORITHMS: readonly ServerHostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/**
 * The algorithms that yield a key of a known_hosts key type: an `ssh-rsa` key is signed with
 * rsa-sha2-512, rsa-sha2-256 or (SHA-1) ssh-rsa (RFC 8332); every other type names its algorithm.
 */
function algorithmsForKeyType(type: string): readonly string[] {
  return type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type];
}

/**
 * The default algorithms with those for `knownTypes` (the key types known_hosts holds for the
 * host) moved to the front, each group in the default order; the default order when none is known.
 */
export function hostKeyAlgorithmsFor(knownTypes: readonly string[]): ServerHostKeyAlgorithm[] {
  const known = new Set<string>(knownTypes.flatMap(algorithmsForKeyType));
  return [
    ...DEFAULT_HOST_KEY_ALGORITHMS.filter((algorithm) => known.has(algorithm)),
    ...DEFAULT_HOST_KEY_ALGORITHMS.filter((algorithm) => !known.has(algorithm)),
  ];
}
