/**
 * The `host:port` entries of cluster_settings, one rule for the CLI, the service and the page. The
 * clients use an entry as an opaque name for ring positions, so parsing here is for reaching the
 * node and for warnings, never for identity: two spellings of one address are two different
 * servers to the ring, and an entry is never rewritten (an implied port is shown, not added).
 */
import { isIPv4, isIPv6 } from './ip-address.js';

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
  | {
      readonly ok: false;
      /** What is wrong, to follow `"<entry>": `. */
      readonly reason: string;
      /** The whole sentence, naming the entry, for a field message. */
      readonly message: string;
    };

// RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens.
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const URL_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** Parses `host:port`, `host`, `[v6]:port` or `[v6]`; explains what is wrong otherwise. */
export function parseServerAddress(entry: string): ServerAddressResult {
  const wrong = (reason: string): ServerAddressResult => ({
    ok: false,
    reason,
    message: entry === '' ? `An empty entry: ${reason}` : `"${entry}": ${reason}`,
  });
  if (entry === '') return wrong('an address cannot be empty');
  if (/\s/.test(entry)) return wrong('an address has no spaces in it');
  if (URL_SCHEME.test(entry)) {
    const example = exampleFromUrl(entry);
    return {
      ok: false,
      reason: `it is a URL; write host:port, e.g. ${example}`,
      message: `${entry} is a URL; write host:port, e.g. ${example}`,
    };
  }
  const split = splitHostPort(entry);
  if ('reason' in split) return wrong(split.reason);
  const { host, portText } = split;
  if (portText === undefined) {
    return { ok: true, address: { host, port: MEMCACHED_DEFAULT_PORT, hasExplicitPort: false } };
  }
  const port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    return wrong(`port "${portText}" is not a number from 1 to 65535`);
  }
  return { ok: true, address: { host, port, hasExplicitPort: true } };
}

function splitHostPort(entry: string): { host: string; portText?: string } | { reason: string } {
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    if (close < 0) return { reason: 'an IPv6 address opened with "[" is never closed' };
    const host = entry.slice(1, close);
    const rest = entry.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) {
      return { reason: `unexpected "${rest}" after the IPv6 address` };
    }
    if (!isIPv6(host)) return { reason: `"${host}" is not an IPv6 address` };
    return rest === '' ? { host } : { host, portText: rest.slice(1) };
  }
  const colon = entry.indexOf(':');
  if (colon !== entry.lastIndexOf(':')) {
    return isIPv6(entry) || isIPv6(entry.slice(0, entry.lastIndexOf(':')))
      ? { reason: 'an IPv6 address must be written in brackets, as [addr]:port' }
      : { reason: 'not host:port (more than one ":")' };
  }
  const host = colon < 0 ? entry : entry.slice(0, colon);
  if (host === '') return { reason: 'the host is missing before ":"' };
  if (/^[0-9.]+$/.test(host) && !isIPv4(host)) {
    return { reason: `"${host}" is not a valid IPv4 address` };
  }
  if (!isIPv4(host) && !HOST_NAME.test(host)) {
    return { reason: `"${host}" is neither an IPv4 address nor a host name` };
  }
  return colon < 0 ? { host } : { host, portText: entry.slice(colon + 1) };
}

/** What the operator probably meant by a URL: its host and port, without scheme or path. */
function exampleFromUrl(url: string): string {
  const authority = url.replace(URL_SCHEME, '').split(/[/?#]/)[0] ?? '';
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  const parsed = parseServerAddress(hostPort);
  return parsed.ok ? formatServerAddress(parsed.address) : `127.0.0.1:${MEMCACHED_DEFAULT_PORT}`;
}

/** `host:port` with IPv6 hosts bracketed, as a socket address is usually written. */
export function formatServerAddress(address: Pick<ServerAddress, 'host' | 'port'>): string {
  return address.host.includes(':')
    ? `[${address.host}]:${address.port}`
    : `${address.host}:${address.port}`;
}
