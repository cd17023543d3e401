/**
 * What the memcached integration tests share: a real memcached with clients of ours connected to
 * it, all closed and stopped however the test ends; reads through the independent raw client that
 * show what the server really holds; and checks on the errors our client throws.
 */
import assert from 'node:assert/strict';
import type { AstaireError } from '../../../core/errors.js';
import type { MemcachedClient } from '../../../core/memcached/client.js';
import type { NodeClient } from '../../../core/memcached/node-client.js';
import {
  directConnector,
  type DirectConnectorOptions,
} from '../../../core/transport/node-connector.js';
import {
  startMemcached,
  type MemcachedOptions,
  type MemcachedProcess,
} from '../../support/memcached-process.js';
import { rawExchange } from '../../support/raw-memcached.js';

export interface Session {
  readonly server: MemcachedProcess;
  /** A client on its own connection, opened with the session's client options. */
  readonly client: MemcachedClient;
  /** Opens another client on its own connection; the session closes it too. */
  connect(options?: DirectConnectorOptions): Promise<MemcachedClient>;
}

export interface SessionOptions extends MemcachedOptions {
  readonly client?: DirectConnectorOptions;
}

/** Starts a memcached, runs `body` with a client connected to it, then closes and stops all. */
export async function withMemcached(
  options: SessionOptions,
  body: (session: Session) => Promise<void>,
): Promise<void> {
  const server = await startMemcached(options);
  const clients: MemcachedClient[] = [];
  try {
    const connect = async (clientOptions = options.client ?? {}) => {
      const client = stockClient(
        await directConnector(clientOptions)(server.address, 'integration test'),
      );
      clients.push(client);
      return client;
    };
    await body({ server, client: await connect(), connect });
  } finally {
    for (const client of clients) client.close();
    await server.stop();
  }
}

interface Reachable {
  readonly host: string;
  readonly port: number;
}

/**
 * The value memcached holds under `key`, read by the raw client with a base64 meta get (so any
 * key bytes can be asked for, however our client sent them); undefined for a miss.
 */
export async function rawValue(server: Reachable, key: Uint8Array): Promise<Buffer | undefined> {
  const token = Buffer.from(key).toString('base64');
  const reply = await rawExchange(server.host, server.port, `mg ${token} b v\r\n`, isWholeMetaGet);
  const lineEnd = reply.indexOf('\r\n');
  const header = reply.toString('latin1', 0, lineEnd);
  if (header === 'EN') return undefined;
  const size = /^VA (\d+)/.exec(header)?.[1];
  assert.ok(size !== undefined, `raw mg answered ${JSON.stringify(header)}`);
  return reply.subarray(lineEnd + 2, lineEnd + 2 + Number(size));
}

function isWholeMetaGet(received: Buffer): boolean {
  const lineEnd = received.indexOf('\r\n');
  if (lineEnd < 0) return false;
  const size = /^VA (\d+)/.exec(received.toString('latin1', 0, lineEnd))?.[1];
  return size === undefined || received.length >= lineEnd + 2 + Number(size) + 2;
}

/**
 * Stores text items through the raw client as one quiet pipeline (memcached answers only
 * failures, then MN), so seeding 200k items takes a fraction of a second.
 */
export async function rawSeed(
  server: Reachable,
  items: Iterable<readonly [key: string, value: string]>,
): Promise<void> {
  const commands: string[] = [];
  for (const [key, value] of items) {
    commands.push(`ms ${key} ${Buffer.byteLength(value, 'latin1')} T0 q\r\n${value}\r\n`);
  }
  commands.push('mn\r\n');
  const reply = await rawExchange(
    server.host,
    server.port,
    Buffer.from(commands.join(''), 'latin1'),
    (received) => received.toString('latin1').endsWith('MN\r\n'),
    30_000,
  );
  assert.equal(reply.toString('latin1'), 'MN\r\n', 'every seeded item is stored');
}

interface ExpectedFailure {
  readonly code?: string;
  readonly node: string;
  readonly command?: string;
  readonly message?: RegExp;
}

/**
 * A check for assert.rejects/throws: the error is a `type`, has the code, names the node (and
 * the command) in its place and at the start of its message, as operators see it.
 */
export function failsWith<E extends AstaireError>(
  type: abstract new (...args: never[]) => E,
  expected: ExpectedFailure,
): (error: unknown) => true {
  return (error) => {
    assert.ok(error instanceof type, `expected a ${type.name}, got ${String(error)}`);
    if (expected.code !== undefined) assert.equal(error.code, expected.code, error.message);
    assert.equal(error.place.node, expected.node);
    const prefix =
      expected.command === undefined
        ? `node ${expected.node}`
        : `node ${expected.node} (${expected.command}): `;
    assert.ok(error.message.startsWith(prefix), `"${error.message}" starts with "${prefix}"`);
    if (expected.command !== undefined) assert.equal(error.place.command, expected.command);
    if (expected.message !== undefined) assert.match(error.message, expected.message);
    return true;
  };
}

/** `promise`, or a rejection saying what did not settle within `ms`: nothing may hang. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, expiry]);
  } finally {
    clearTimeout(timer);
  }
}

/** The client of a stock memcached (what these tests start): the meta commands' own client. */
export function stockClient(client: NodeClient): MemcachedClient {
  if (client.dialect !== 'stock') throw new Error(`${client.node} is not a stock memcached`);
  return client;
}
