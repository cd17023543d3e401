/**
 * Who may talk to the web console: a request is admitted only when it comes from loopback, names
 * our host (a DNS-rebinding page cannot), carries the session token as the first path segment
 * after /s/, and, when a browser says where it comes from (Origin), comes from our own page. A
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
  /** Host header values that name this server, e.g. "127.0.0.1:8080" and "localhost:8080". */
  readonly hosts: ReadonlySet<string>;
}

export function admit(request: AdmissionRequest, policy: AdmissionPolicy): Admission {
  if (!isLoopbackAddress(request.remoteAddress)) {
    return { ok: false, status: 403, reason: 'the web console answers loopback clients only' };
  }
  if (request.host === undefined || !policy.hosts.has(request.host.toLowerCase())) {
    return { ok: false, status: 421, reason: 'this server does not serve that host name' };
  }
  if (request.origin !== undefined && !policy.hosts.has(originHost(request.origin))) {
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

function originHost(origin: string): string {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' ? url.host.toLowerCase() : '';
  } catch {
    return '';
  }
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
