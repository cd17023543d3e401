/**
 * The `host:port` entries of cluster_settings. The clients use an entry as an opaque name for
 * ring positions, so parsing here is for reaching the node and for warnings, never for identity:
 * two spellings of one address are two different servers to the ring.
 */
import { isIP } from 'node:net';

/** memcached's well-known port, which an entry without a port is reached on. */
export const MEMCACHED_DEFAULT_PORT = 11211;

export interface ServerAddress {
  /** Host name or address, IPv6 without its brackets. */
  readonly host: string;
  readonly port: number;
  readonly hasExplicitPort: boolean;
}

export type ServerAddressResult =
  | { readonly ok: true; readonly address: ServerAddress }
  | { readonly ok: false; readonly reason: string };

// RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens.
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Parses `host:port`, `host`, `[v6]:port` or `[v6]`; explains what is wrong otherwise. */
export function parseServerAddress(entry: string): ServerAddressResult {
  let host: string;
  let portText: string | undefined;
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    if (close < 0) return { ok: false, reason: 'an IPv6 address opened with "[" is never closed' };
    host = entry.slice(1, close);
    const rest = entry.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) {
      return { ok: false, reason: `unexpected "${rest}" after the IPv6 address` };
    }
    portText = rest === '' ? undefined : rest.slice(1);
    if (isIP(host) !== 6) return { ok: false, reason: `"${host}" is not an IPv6 address` };
  } else {
    const colons = entry.split(':').length - 1;
    if (colons > 1) {
      return { ok: false, reason: 'an IPv6 address must be written in brackets, as [addr]:port' };
    }
    const colon = entry.indexOf(':');
    host = colon < 0 ? entry : entry.slice(0, colon);
    portText = colon < 0 ? undefined : entry.slice(colon + 1);
    if (/^[0-9.]+$/.test(host) && isIP(host) !== 4) {
      return { ok: false, reason: `"${host}" is not a valid IPv4 address` };
    }
    if (isIP(host) !== 4 && !HOST_NAME.test(host)) {
      return { ok: false, reason: `"${host}" is neither an IPv4 address nor a host name` };
    }
  }
  if (portText === undefined) {
    return { ok: true, address: { host, port: MEMCACHED_DEFAULT_PORT, hasExplicitPort: false } };
  }
  const port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    return { ok: false, reason: `port "${portText}" is not a number from 1 to 65535` };
  }
  return { ok: true, address: { host, port, hasExplicitPort: true } };
}

/** `host:port` with IPv6 hosts bracketed, as a socket address is usually written. */
export function formatServerAddress(address: Pick<ServerAddress, 'host' | 'port'>): string {
  return address.host.includes(':')
    ? `[${address.host}]:${address.port}`
    : `${address.host}:${address.port}`;
}
