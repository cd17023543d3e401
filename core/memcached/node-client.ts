/**
 * A node's client, whichever memcached it runs. Two kinds hold MemcachedStore clusters: stock
 * memcached 1.6 (meta commands, `lru_crawler metadump`) and the fork Clearwater's nodes run
 * (1.6.0_beta: no meta commands and no crawler, but the binary protocol and TAP dumps). Each
 * connection is probed before use: `version` and a meta no-op (`mn`), pipelined, tell them apart.
 *
 * memcached fixes a connection's protocol at its first command, so a fork's probe connection,
 * which spoke text, is closed and the client gets a second, binary one.
 */
import type { Duplex } from 'node:stream';
import { ProtocolError } from '../errors.js';
import { BinaryClient } from './binary-client.js';
import { BinaryDecoder } from './binary-decode.js';
import { MemcachedClient } from './client.js';
import { MemcachedConnection, type ConnectionOptions } from './connection.js';
import { ReplyDecoder, type Reply } from './decode.js';
import { META_NOOP, VERSION_COMMAND } from './encode.js';
import { clipForMessage } from '../util/clip-for-message.js';
import type { Dialect } from './dialect.js';

export type NodeClient = MemcachedClient | BinaryClient;

/** The fork's version line: `VERSION 1.6.0_beta1_<commits>_g<hash>`. */
const CLEARWATER_VERSION = /^1\.6\.0_beta/;

/**
 * Opens a client for `node` over streams from `openStream` (a TCP socket, an SSH tunnel), in the
 * node's dialect.
 * @throws ProtocolError UNSUPPORTED_MEMCACHED when the node is neither dialect.
 */
export async function openNodeClient(
  node: string,
  openStream: () => Promise<Duplex>,
  options: Omit<ConnectionOptions, 'node'>,
): Promise<NodeClient> {
  const probe = new MemcachedClient(
    new MemcachedConnection(await openStream(), { ...options, node }, new ReplyDecoder()),
  );
  let dialect: Dialect;
  try {
    dialect = await probeDialect(probe);
  } catch (error) {
    probe.close();
    throw error;
  }
  if (dialect === 'stock') return probe;
  probe.close();
  return new BinaryClient(
    new MemcachedConnection(await openStream(), { ...options, node }, new BinaryDecoder()),
  );
}

/** Sends `version` and `mn` at once and reads the two answers. */
async function probeDialect(client: MemcachedClient): Promise<Dialect> {
  const connection = client.connection;
  const version = connection.request('version', VERSION_COMMAND, (reply) => reply);
  const noop = connection.request('mn', META_NOOP, (reply) => reply);
  const [versionReply, noopReply] = await Promise.all([version, noop]);
  const versionText = versionReply.kind === 'version' ? versionReply.version : undefined;
  if (noopReply.kind === 'meta' && noopReply.code === 'MN' && versionText !== undefined) {
    return 'stock';
  }
  if (
    noopReply.kind === 'error' &&
    versionText !== undefined &&
    CLEARWATER_VERSION.test(versionText)
  ) {
    return 'clearwater';
  }
  throw new ProtocolError(
    'UNSUPPORTED_MEMCACHED',
    `answered ${describe(versionReply)} to "version" and ${describe(noopReply)} to "mn" (meta ` +
      "no-op): Astaire supports memcached 1.6 or later with meta commands, and Clearwater's " +
      'memcached (version 1.6.0_beta, TAP dumps); upgrade this node to one of them',
    { node: client.node, command: 'probe' },
  );
}

function describe(reply: Reply): string {
  switch (reply.kind) {
    case 'version':
      return `"VERSION ${clipForMessage(reply.version)}"`;
    case 'error':
      return `"${clipForMessage(`${reply.type} ${reply.message}`.trimEnd())}"`;
    case 'meta':
      return `"${reply.code}"`;
    default:
      return `a "${reply.kind}" reply`;
  }
}
