/** Direct TCP to a node's memcached port. */
import { connect, type Socket } from 'node:net';
import { ConnectError, TimeoutError } from '../errors.js';
import { parseServerAddress } from '../shared/server-address.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/**
 * Opens a TCP connection to `address` (a cluster_settings entry, host:port, or where a profile
 * says that `node` listens). Errors name `node`, so that they are attributed to the node the
 * resync knows (a source's failure to that source), and say the address when it differs.
 * @throws ConnectError when the address does not parse or the node refuses;
 * TimeoutError when it does not answer in time.
 */
export function connectDirect(
  address: string,
  timeoutMs: number = DEFAULT_CONNECT_TIMEOUT_MS,
  node: string = address,
): Promise<Socket> {
  const at = node === address ? '' : ` at ${address}`;
  const parsed = parseServerAddress(address);
  if (!parsed.ok) {
    return Promise.reject(
      new ConnectError('BAD_ADDRESS', `cannot connect${at}: ${parsed.reason}`, {
        node,
        command: 'connect',
      }),
    );
  }
  const { host, port } = parsed.address;
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new TimeoutError(
          'CONNECT_TIMEOUT',
          `no answer${at} within ${timeoutMs} ms; is the node up and reachable?`,
          {
            node,
            command: 'connect',
          },
        ),
      );
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const hint =
        error.code === 'ECONNREFUSED'
          ? ': nothing listens there; is memcached running on that address?'
          : '';
      reject(
        new ConnectError(
          'CONNECT_FAILED',
          `cannot connect${at} (${error.code ?? error.message})${hint}`,
          {
            node,
            command: 'connect',
          },
        ),
      );
    });
  });
}
