/**
 * How the resync reaches a node: a function from a node's cluster_settings name to a connected
 * client. Direct TCP here; the profile connector provides the same function over SSH tunnels, so
 * nothing above it changes.
 */
import type { ConnectionOptions } from '../memcached/connection.js';
import { openNodeClient, type NodeClient } from '../memcached/node-client.js';
import { connectDirect, DEFAULT_CONNECT_TIMEOUT_MS } from './direct.js';

/**
 * Opens a new connection to `node`, in the dialect the node speaks (see node-client.ts);
 * `purpose` says what it is for, in messages and logs.
 */
export type NodeConnector = (node: string, purpose: string) => Promise<NodeClient>;

export interface DirectConnectorOptions extends Omit<ConnectionOptions, 'node'> {
  readonly connectTimeoutMs?: number;
}

export function directConnector(options: DirectConnectorOptions = {}): NodeConnector {
  return (node) => connectDirectClient(node, node, options);
}

/** A client for `node` over TCP to `address` (its own entry, or where a profile says it listens). */
export function connectDirectClient(
  node: string,
  address: string,
  options: DirectConnectorOptions,
): Promise<NodeClient> {
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return openNodeClient(node, () => connectDirect(address, timeoutMs, node), options);
}
