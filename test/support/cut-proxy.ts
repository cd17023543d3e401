/**
 * A TCP forwarder on loopback in front of a real node, whose open connections a test can cut at
 * once, as a network blip between the console and that node would: both sides are destroyed, and
 * new connections are accepted and forwarded as before.
 */
import { connect, createServer, type Socket } from 'node:net';
import { parseServerAddress } from '../../core/shared/server-address.js';

export interface CutProxy {
  /** `host:port` to reach the node through the proxy. */
  readonly address: string;
  /** Destroys every open connection (both sides); returns how many there were. */
  cutAll(): number;
  /** How many connections it has accepted, cut ones included. */
  accepted(): number;
  stop(): Promise<void>;
}

export async function startCutProxy(node: string, host = '127.0.0.1'): Promise<CutProxy> {
  const parsed = parseServerAddress(node);
  if (!parsed.ok || !parsed.address.host.startsWith('127.') || !host.startsWith('127.')) {
    throw new Error(`a cut proxy runs on loopback in front of a loopback node, not ${node}`);
  }
  const open = new Set<readonly [Socket, Socket]>();
  let accepted = 0;
  const server = createServer((client) => {
    accepted++;
    const upstream = connect(parsed.address.port, parsed.address.host);
    const pair = [client, upstream] as const;
    open.add(pair);
    const end = () => {
      open.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    address: `${host}:${port}`,
    cutAll: () => {
      const count = open.size;
      for (const [client, upstream] of open) {
        client.destroy();
        upstream.destroy();
      }
      open.clear();
      return count;
    },
    accepted: () => accepted,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const [client, upstream] of open) {
          client.destroy();
          upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
