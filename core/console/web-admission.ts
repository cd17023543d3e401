/**
 * Who may talk to the web console: a request is admitted only when it comes from loopback, names
 * a loopback host (see isLoopbackAuthority), carries the session token as the first path segment
 * after /s/, and, when a browser says where it comes from (Origin), comes from a loopback page. A
 * script with the token and no Origin (curl on the bastion) is admitted: Origin is the browser's
 * defence against other pages, which never know the token.
 */
import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

export interface AdmissionRequest {
  readonly remoteAddress: string | undefined;
  /** The Host header. */
  readonly host: string | undefined;
  readonly origin: string | undefined;
  /** The URL's path (no query). */
  readonly path: string;
}

export type Admission =
  | { readonly ok: true; readonly rest: string; readonly hasSlash: boolean }
  | { readonly ok: false; readonly status: 403 | 421; readonly reason: string };

export interface AdmissionPolicy {
  readonly token: string;
}

export function admit(request: AdmissionRequest, policy: AdmissionPolicy): Admission {
  if (!isLoopbackAddress(request.remoteAddress)) {
    return { ok: false, status: 403, reason: 'the web console answers loopback clients only' };
  }
  if (request.host === undefined || !isLoopbackAuthority(request.host)) {
    return { ok: false, status: 421, reason: 'this server does not serve that host name' };
  }
  if (request.origin !== undefined && !isLoopbackOrigin(request.origin)) {
    return { ok: false, status: 403, reason: 'requests from other pages are refused' };
  }
  const match = /^\/s\/([^/]+)(\/?)(.*)$/.exec(request.path);
  if (match === null || !sameToken(match[1] ?? '', policy.token)) {
    return { ok: false, status: 403, reason: 'a valid session token is required' };
  }
  return { ok: true, rest: match[3] ?? '', hasSlash: match[2] === '/' };
}

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return address === '::1';
}

/**
 * Whether a Host header names loopback: an address in 127.0.0.0/8, [::1], or localhost, on any
 * port or none. Any port, because the port is wherever the operator's tunnel or forwarder listens
 * (`ssh -L 8080:127.0.0.1:PORT bastion` sends "127.0.0.1:8080"). Only literals and localhost,
 * because those are what a DNS-rebinding page cannot send: its requests name its own domain, which
 * is refused however it resolves.
 */
export function isLoopbackAuthority(authority: string): boolean {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::([0-9]{1,5}))?$/i.exec(authority);
  if (match === null) return false;
  const host = (match[1] ?? '').toLowerCase();
  const port = match[2] === undefined ? 80 : Number(match[2]);
  if (port < 1 || port > 65535) return false;
  if (host === 'localhost') return true;
  return isLoopbackAddress(host.startsWith('[') ? host.slice(1, -1) : host);
}

/** An Origin from a page served over http by a loopback host (see isLoopbackAuthority). */
function isLoopbackOrigin(origin: string): boolean {
  const prefix = 'http://';
  return (
    origin.toLowerCase().startsWith(prefix) && isLoopbackAuthority(origin.slice(prefix.length))
  );
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
