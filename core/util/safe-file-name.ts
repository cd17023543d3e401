/**
 * A name (a cluster id, a node's host:port) made into a file name that stays inside its folder on
 * any file system. Plain names are kept as they are, so files stay recognisable; any other name
 * keeps its safe characters and gains a digest of the whole name, so two names that differ only
 * in what was replaced ("[::1]:1" and "__1_:1") never share a file.
 */
import { createHash } from 'node:crypto';

const PLAIN = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$/;

export function safeFileName(name: string): string {
  if (PLAIN.test(name)) return name;
  const digest = createHash('sha256').update(name).digest('hex').slice(0, 12);
  // Kept characters never make a path ("/" is replaced) nor a hidden file (a leading dot is).
  const kept = name.replace(/[^A-Za-z0-9.-]/g, '_').replace(/^\./, '_');
  return `${kept.slice(0, 60)}-${digest}`;
}
