/**
 * How the resync reaches a node: a function from a node's cluster_settings name to a connected
 * client. Direct TCP here; the profile connector provides the same function over SSH tunnels, so
 * nothing above it changes.
 */
import type { Duplex } from 'node:stream';
import { MemcachedClient } from '../memcached/client.js';
import { MemcachedConnection, type ConnectionOptions } from '../memcached/connection.js';
import { connectDirect, DEFAULT_CONNECT_TIMEOUT_MS } from './direct.js';

/** Opens a new connection to `node`; `purpose` says what it is for, in messages and logs. */
export type NodeConnector = (node: string, purpose: string) => Promise<MemcachedClient>;

export interface DirectConnectorOptions extends Omit<ConnectionOptions, 'node'> {
  readonly connectTimeoutMs?: number;
}

export function directConnector(options: DirectConnectorOptions = {}): NodeConnector {
  return (node) => connectDirectClient(node, node, options);
}

/** A client for `node` over TCP to `address` (its own entry, or where a profile says it listens). */
export async function connectDirectClient(
  node: string,
  address: string,
  options: DirectConnectorOptions,
): Promise<MemcachedClient> {
  const socket = await connectDirect(
    address,
    options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
  );
  return clientOver(socket, node, options);
}

/** A client for `node` over any duplex stream: a socket, or an SSH tunnel. */
export function clientOver(
  stream: Duplex,
  node: string,
  options: Omit<ConnectionOptions, 'node'>,
): MemcachedClient {
  return new MemcachedClient(new MemcachedConnection(stream, { ...options, node }));
}
