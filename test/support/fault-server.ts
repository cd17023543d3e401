/**
 * A small TCP server that misbehaves on demand, for the replies and failures a real memcached
 * never produces. Anything a real memcached can do is tested against a real memcached.
 */
import { createServer, isIPv4, type Socket } from 'node:net';

/** How the server treats every connection it accepts. */
export type FaultBehaviour =
  /** Reads requests and never replies. */
  | { readonly kind: 'stall' }
  /** Destroys the connection as soon as the first byte of a request arrives. */
  | { readonly kind: 'close-on-request' }
  /** On the first complete request line, writes the first `keepBytes` of `reply`, then ends. */
  | { readonly kind: 'cut-reply'; readonly reply: Buffer | string; readonly keepBytes: number }
  /** On the first complete request line, writes `bytes` and keeps the connection open. */
  | { readonly kind: 'garbage'; readonly bytes: Buffer }
  /**
   * Calls `onLine` for every received line, without its line ending; data blocks after a
   * storage command arrive as lines too.
   */
  | { readonly kind: 'script'; readonly onLine: (line: string, socket: Socket) => void };

/** A listening fault server. */
export interface FaultServer {
  readonly host: string;
  readonly port: number;
  /** `host:port`. */
  readonly address: string;
  /** How many connections it has accepted so far, closed ones included. */
  connections(): number;
  /** Destroys every open connection and closes the server. */
  stop(): Promise<void>;
}

/** Listens on an ephemeral port of a loopback address; any other address is refused. */
export async function startFaultServer(
  behaviour: FaultBehaviour,
  host = '127.0.0.1',
  options: {
    /** Default true: answer Astaire's dialect probe as stock memcached before misbehaving. */
    readonly answersProbe?: boolean;
  } = {},
): Promise<FaultServer> {
  if (!isLoopback(host)) {
    throw new Error(`fault servers listen on loopback only (127.0.0.0/8 or ::1), not ${host}`);
  }
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // Clients under test reset connections on purpose; that is not a failure of the server.
    socket.on('error', () => {});
    if (options.answersProbe === false) serve(behaviour, socket);
    else answerProbe(socket, () => serve(behaviour, socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error(`fault server on ${host} has no TCP address`);
  }
  const { port } = address;

  let stopping: Promise<void> | undefined;
  return {
    host,
    port,
    address: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
    connections: () => accepted,
    stop: () =>
      (stopping ??= new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      })),
  };
}

/** What the server answers to Astaire's dialect probe before it misbehaves: stock memcached 1.6. */
export const FAULT_SERVER_VERSION = '1.6.99-fault-server';
const PROBE = Buffer.from('version\r\nmn\r\n', 'latin1');

/**
 * Every client first probes the node's dialect (`version`, `mn`); the server answers that as stock
 * memcached would, then hands the connection, and any bytes after the probe, to its behaviour.
 */
function answerProbe(socket: Socket, then: () => void): void {
  let received = Buffer.alloc(0);
  let wait: NodeJS.Timeout | undefined;
  const handOver = (isProbe: boolean) => {
    clearTimeout(wait);
    socket.off('data', onData);
    if (isProbe) socket.write(`VERSION ${FAULT_SERVER_VERSION}\r\nMN\r\n`);
    then();
    // Not the probe: a client of some other kind, which meets the behaviour from its first byte.
    const rest = isProbe ? received.subarray(PROBE.length) : received;
    if (rest.length > 0) socket.emit('data', rest);
  };
  const onData = (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    const compared = Math.min(received.length, PROBE.length);
    if (!received.subarray(0, compared).equals(PROBE.subarray(0, compared))) {
      handOver(false);
    } else if (received.length >= PROBE.length) {
      handOver(true);
    } else {
      // Astaire sends the probe in one write; a lone `version` from another client is not it.
      clearTimeout(wait);
      wait = setTimeout(() => handOver(false), 50);
    }
  };
  socket.on('data', onData);
}

function serve(behaviour: FaultBehaviour, socket: Socket): void {
  switch (behaviour.kind) {
    case 'stall':
      // Reading keeps the client's writes from backing up, so it waits on the reply alone.
      socket.resume();
      return;
    case 'close-on-request':
      socket.once('data', () => socket.destroy());
      return;
    case 'cut-reply': {
      const cut = Buffer.from(behaviour.reply).subarray(0, behaviour.keepBytes);
      onFirstLine(socket, () => socket.end(cut));
      return;
    }
    case 'garbage':
      onFirstLine(socket, () => socket.write(behaviour.bytes));
      return;
    case 'script':
      onEachLine(socket, (line) => behaviour.onLine(line, socket));
      return;
  }
}

function onFirstLine(socket: Socket, handle: () => void): void {
  let isHandled = false;
  onEachLine(socket, () => {
    if (isHandled) return;
    isHandled = true;
    handle();
  });
}

function onEachLine(socket: Socket, handle: (line: string) => void): void {
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    let end: number;
    while ((end = pending.indexOf('\n')) !== -1) {
      const line = pending.subarray(0, end).toString('latin1');
      pending = pending.subarray(end + 1);
      handle(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
  });
}

function isLoopback(host: string): boolean {
  if (host === '::1') return true;
  return isIPv4(host) && host.split('.')[0] === '127';
}
