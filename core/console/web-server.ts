/**
 * Web mode: the console's page and service over HTTP and WebSocket, for operators on a bastion
 * (reached through an SSH tunnel) and for testing the renderer in a real browser. It binds to
 * loopback only, and every request and socket must carry the session token (see web-admission.ts).
 *
 *   GET  /s/<token>/             the page, and its files (app.js, styles.css) beside it
 *   POST /s/<token>/api/<channel> a call: JSON request in, InvokeResult JSON out
 *   GET  /s/<token>/events        WebSocket: one EventBatch JSON per message
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP, type Socket } from 'node:net';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { ConfigError, LocalIoError } from '../errors.js';
import type { ConsoleBackend } from './console-backend.js';
import { EventBatcher } from './event-batcher.js';
import { admit, isLoopbackAddress, type AdmissionPolicy } from './web-admission.js';
import { answerCall } from './web-calls.js';

export interface WebConsoleOptions {
  readonly backend: ConsoleBackend;
  /** Default 127.0.0.1; only loopback addresses are accepted. */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  /** The built page (dist/console); default: beside this module's build. */
  readonly pageDir?: string;
}

export interface WebConsole {
  /** The page's address, token included: give it to the operator, and no one else. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export const DEFAULT_PAGE_DIR = fileURLToPath(new URL('../../console/', import.meta.url));
// A renderer that cannot keep up is dropped rather than buffered without bound; it reconnects
// and fetches the state afresh.
const MAX_SOCKET_BACKLOG_BYTES = 8 * 1024 * 1024;
const HEARTBEAT_MS = 30_000;
/**
 * The page needs no device, sensor or payment: every powerful feature is off for it and for
 * anything it could frame. Copying to the clipboard is the one it uses (the wizard's settings
 * text), for itself only. Only names Chromium knows: it warns on the page's console of each one
 * it does not (bluetooth and web-share, in Chromium 156), and the e2e tests count warnings.
 */
export const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'autoplay=()',
  'browsing-topics=()',
  'camera=()',
  'captured-surface-control=()',
  'clipboard-read=()',
  'clipboard-write=(self)',
  'compute-pressure=()',
  'digital-credentials-get=()',
  'display-capture=()',
  'encrypted-media=()',
  'fullscreen=()',
  'gamepad=()',
  'geolocation=()',
  'gyroscope=()',
  'hid=()',
  'identity-credentials-get=()',
  'idle-detection=()',
  'keyboard-map=()',
  'local-fonts=()',
  'magnetometer=()',
  'microphone=()',
  'midi=()',
  'otp-credentials=()',
  'payment=()',
  'picture-in-picture=()',
  'publickey-credentials-create=()',
  'publickey-credentials-get=()',
  'screen-wake-lock=()',
  'serial=()',
  'speaker-selection=()',
  'storage-access=()',
  'usb=()',
  'window-management=()',
  'xr-spatial-tracking=()',
].join(', ');
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Starts the web console. @throws ConfigError for a non-loopback host or a page not built. */
export async function startWebConsole(options: WebConsoleOptions): Promise<WebConsole> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) {
    throw new ConfigError(
      'WEB_NOT_LOOPBACK',
      `the web console listens on loopback only, not ${host}; to use it from another machine, ` +
        'tunnel to it: ssh -L 8080:127.0.0.1:PORT this-host',
    );
  }
  const pageFiles = await loadPage(options.pageDir ?? DEFAULT_PAGE_DIR);
  const token = randomBytes(24).toString('base64url');
  const server = createServer();
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen(options.port ?? 0, host);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => {
      throw new ConfigError(
        'WEB_LISTEN_FAILED',
        `cannot listen on ${host}:${options.port ?? 0}: ${(error as Error).message}; ` +
          'choose another --port, or leave it out for any free port',
      );
    }),
  ]);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const hostPart = isIP(host) === 6 ? `[${host}]` : host;
  const policy: AdmissionPolicy = { token };
  const ownHost = `${hostPart}:${port}`;

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('request', (request, response) => {
    void serveHttp(request, response, options.backend, policy, ownHost, pageFiles);
  });
  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    const admission = admit(describe(request), policy);
    if (!admission.ok || admission.rest !== 'events') {
      const status = admission.ok ? 404 : admission.status;
      socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => relayEvents(ws, options.backend));
  });

  return {
    url: `http://${hostPart}:${port}/s/${token}/`,
    port,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

function relayEvents(ws: WebSocket, backend: ConsoleBackend): void {
  const batcher = new EventBatcher((batch) => {
    if (ws.bufferedAmount > MAX_SOCKET_BACKLOG_BYTES) {
      ws.close(1013, 'too far behind; reconnect');
      return;
    }
    ws.send(JSON.stringify(batch));
  });
  const unsubscribe = backend.subscribe((event) => batcher.push(event));
  let isAlive = true;
  ws.on('pong', () => (isAlive = true));
  const heartbeat = setInterval(() => {
    if (!isAlive) return ws.terminate();
    isAlive = false;
    ws.ping();
  }, HEARTBEAT_MS);
  // The page only listens; anything it sends is ignored.
  ws.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
    batcher.close();
  });
  ws.on('error', () => ws.terminate());
}

async function serveHttp(
  request: IncomingMessage,
  response: ServerResponse,
  backend: ConsoleBackend,
  policy: AdmissionPolicy,
  ownHost: string,
  pageFiles: ReadonlyMap<string, Buffer>,
): Promise<void> {
  const admission = admit(describe(request), policy);
  // The page opens its event socket at the host it was loaded from, which is the tunnel's or
  // forwarder's when there is one; an admitted Host is a loopback name, safe to repeat here.
  const headers = securityHeaders(admission.ok ? (request.headers.host ?? ownHost) : ownHost);
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  if (!admission.ok) return refuse(response, admission.status, admission.reason);
  if (!admission.hasSlash) {
    // The page's own files and calls are relative to it, so its URL must end in a slash.
    response.writeHead(308, { Location: `${request.url?.split('?')[0] ?? ''}/` }).end();
    return;
  }
  const { rest } = admission;
  if (rest.startsWith('api/')) {
    if (request.method !== 'POST') return refuse(response, 405, 'calls are POST requests');
    return answerCall(request, response, backend, rest.slice('api/'.length));
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return refuse(response, 405, 'the page is read with GET');
  }
  const file = pageFiles.get(rest === '' ? 'index.html' : rest);
  if (file === undefined) return refuse(response, 404, 'no such file');
  response.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(rest === '' ? 'index.html' : rest)] ?? 'text/plain',
    'Content-Length': file.length,
  });
  response.end(request.method === 'HEAD' ? undefined : file);
}

function refuse(response: ServerResponse, status: number, reason: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
  response.end(reason + '\n');
}

function describe(request: IncomingMessage) {
  return {
    remoteAddress: request.socket.remoteAddress,
    host: request.headers.host,
    origin: request.headers.origin,
    path: (request.url ?? '').split('?')[0] ?? '',
  };
}

function securityHeaders(hostAndPort: string): Readonly<Record<string, string>> {
  return {
    'Content-Security-Policy':
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
      `connect-src 'self' ws://${hostAndPort}; base-uri 'none'; form-action 'none'; ` +
      "frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': PERMISSIONS_POLICY,
  };
}

/** The built page's files, read once: names are matched exactly, so no path can reach further. */
async function loadPage(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  try {
    for (const name of await readdir(dir)) {
      if (CONTENT_TYPES[extname(name)] !== undefined)
        files.set(name, await readFile(join(dir, name)));
    }
  } catch (error) {
    throw new LocalIoError(
      'PAGE_NOT_BUILT',
      `cannot read the console's page: ${(error as Error).message}; run npm run build`,
      { file: dir },
    );
  }
  if (!files.has('index.html')) {
    throw new LocalIoError('PAGE_NOT_BUILT', "the console's page is not built; run npm run build", {
      file: dir,
    });
  }
  return files;
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || isLoopbackAddress(host);
}
