/**
 * A tiny memcached client, independent of the project's own, for tests that seed and inspect
 * servers: what it sees is what the server holds, whatever the client under test believes.
 */
import { connect } from 'node:net';

/**
 * Opens a connection, writes `payload`, and resolves every byte received once `until` accepts
 * them. Rejects on a connection error, on the server closing first, or after `timeoutMs`.
 */
export function rawExchange(
  host: string,
  port: number,
  payload: Buffer | string,
  until: (received: Buffer) => boolean,
  timeoutMs = 5000,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const received = () => Buffer.concat(chunks);
    const socket = connect({ host, port });
    let isSettled = false;
    const settle = () => {
      isSettled = true;
      clearTimeout(timer);
      socket.destroy();
    };
    const fail = (reason: string, cause?: unknown) => {
      if (isSettled) return;
      settle();
      const seen = JSON.stringify(received().toString('latin1'));
      reject(new Error(`${host}:${port}: ${reason}; received ${seen}`, { cause }));
    };
    const timer = setTimeout(() => fail(`no complete reply within ${timeoutMs} ms`), timeoutMs);

    socket.on('connect', () => socket.write(payload));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const bytes = received();
      if (isSettled || !until(bytes)) return;
      settle();
      resolve(bytes);
    });
    socket.on('error', (error) => fail(error.message, error));
    socket.on('close', () => fail('connection closed before the reply was complete'));
  });
}

/** Sends one command line (CRLF added) and resolves its one-line reply, without the CRLF. */
export async function rawCommand(host: string, port: number, line: string): Promise<string> {
  const reply = await rawExchange(host, port, `${line}\r\n`, (received) =>
    received.includes('\r\n'),
  );
  const text = reply.toString('latin1');
  return text.slice(0, text.indexOf('\r\n'));
}

/** The server's general `stats`, by name. */
export async function rawStats(host: string, port: number): Promise<Map<string, string>> {
  const reply = await rawExchange(host, port, 'stats\r\n', (received) => {
    const text = received.toString('latin1');
    return text.endsWith('END\r\n') || /^(?:CLIENT_|SERVER_)?ERROR.*\r\n/.test(text);
  });
  const stats = new Map<string, string>();
  for (const line of reply.toString('latin1').split('\r\n')) {
    const match = /^STAT (\S+) (.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) stats.set(match[1], match[2]);
    else if (line !== 'END' && line !== '') {
      throw new Error(`${host}:${port}: unexpected reply to stats: ${JSON.stringify(line)}`);
    }
  }
  return stats;
}
