/**
 * How the resync reaches a node: a function from a node's cluster_settings name to a connected
 * client. Direct TCP today; an SSH tunnel provides the same function, so nothing above it changes.
 */
import { MemcachedClient } from '../memcached/client.js';
import { MemcachedConnection, type ConnectionOptions } from '../memcached/connection.js';
import { connectDirect, DEFAULT_CONNECT_TIMEOUT_MS } from './direct.js';

/** Opens a new connection to `node`; `purpose` says what it is for, in messages and logs. */
export type NodeConnector = (node: string, purpose: string) => Promise<MemcachedClient>;

export interface DirectConnectorOptions extends Omit<ConnectionOptions, 'node'> {
  readonly connectTimeoutMs?: number;
}

export function directConnector(options: DirectConnectorOptions = {}): NodeConnector {
  return async (node) => {
    const socket = await connectDirect(
      node,
      options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    );
    return new MemcachedClient(new MemcachedConnection(socket, { ...options, node }));
  };
}
