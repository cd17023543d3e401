/**
 * A TCP forwarder on its own loopback port. As `ssh -L 8080:127.0.0.1:PORT bastion` is from the
 * browser's side: bytes are piped both ways and nothing is rewritten, so the Host and Origin a
 * browser sends name the forwarder's port, not the server's. As a network blip between the console
 * and a node: `cutAll` destroys every open connection at once (both sides), and new ones are
 * forwarded as before.
 */
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { parseServerAddress } from '../../core/shared/server-address.js';

export interface TcpForwarder {
  readonly port: number;
  /** `127.0.0.1:port`, to name the forwarder as a node address. */
  readonly address: string;
  /** Destroys every open connection, both sides; returns how many there were. */
  cutAll(): number;
  close(): Promise<void>;
}

/** Forwards to `target`: a port on 127.0.0.1, or a loopback `host:port`. */
export async function startTcpForwarder(target: number | string): Promise<TcpForwarder> {
  const { host, port: targetPort } = loopbackTarget(target);
  const open = new Set<readonly [Socket, Socket]>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, host);
    const pair = [client, upstream] as const;
    open.add(pair);
    for (const socket of pair) {
      // A reset on one side ends the other; neither is a test failure in itself.
      socket.on('error', () => undefined);
      socket.on('close', () => {
        open.delete(pair);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const cutAll = () => {
    const count = open.size;
    for (const pair of open) for (const socket of pair) socket.destroy();
    open.clear();
    return count;
  };
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    address: `127.0.0.1:${port}`,
    cutAll,
    close: async () => {
      cutAll();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function loopbackTarget(target: number | string): { host: string; port: number } {
  if (typeof target === 'number') return { host: '127.0.0.1', port: target };
  const parsed = parseServerAddress(target);
  if (!parsed.ok || !parsed.address.host.startsWith('127.')) {
    throw new Error(`a forwarder in a test forwards to loopback only, not ${target}`);
  }
  return parsed.address;
}
