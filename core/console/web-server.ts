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
import { ConfigError, LocalIoError, UsageError, toErrorPayload } from '../errors.js';
import { dispatch, type ConsoleBackend } from './console-backend.js';
import type { InvokeResult } from './contract.js';
import { EventBatcher } from './event-batcher.js';
import { admit, isLoopbackAddress, type AdmissionPolicy } from './web-admission.js';

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
const MAX_REQUEST_BYTES = 1024 * 1024;
// A renderer that cannot keep up is dropped rather than buffered without bound; it reconnects
// and fetches the state afresh.
const MAX_SOCKET_BACKLOG_BYTES = 8 * 1024 * 1024;
const HEARTBEAT_MS = 30_000;
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
  const policy: AdmissionPolicy = {
    token,
    hosts: new Set([`${hostPart}:${port}`, `localhost:${port}`].map((h) => h.toLowerCase())),
  };
  const headers = securityHeaders(`${hostPart}:${port}`);

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('request', (request, response) => {
    void serveHttp(request, response, options.backend, policy, headers, pageFiles);
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
  headers: Readonly<Record<string, string>>,
  pageFiles: ReadonlyMap<string, Buffer>,
): Promise<void> {
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  const admission = admit(describe(request), policy);
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

async function answerCall(
  request: IncomingMessage,
  response: ServerResponse,
  backend: ConsoleBackend,
  channel: string,
): Promise<void> {
  let result: InvokeResult<unknown>;
  let status = 200;
  try {
    // A JSON content type makes a cross-site form unable to post here without a preflight.
    if (!/^application\/json\b/.test(request.headers['content-type'] ?? '')) {
      throw new UsageError('BAD_REQUEST', `${channel}: send the request as application/json`);
    }
    const body = await readBody(request, channel);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body === '' ? 'null' : body);
    } catch (error) {
      throw new UsageError('BAD_REQUEST', `${channel}: not JSON: ${(error as Error).message}`);
    }
    // Channel names are plain ASCII (domain:verb): the path segment is taken as it is, and an
    // unknown one is refused by name.
    result = await dispatch(backend, channel, parsed);
  } catch (error) {
    status = 400;
    result = { ok: false, error: toErrorPayload(error) };
  }
  const text = JSON.stringify(result);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

function readBody(request: IncomingMessage, channel: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new UsageError('BAD_REQUEST', `${channel}: the request is larger than 1 MiB`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
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
