/**
 * memcached processes on this machine, for the demo cluster: started on loopback addresses in the
 * foreground (so they die with us if we are killed), stopped by pid. Stock memcached, or
 * Clearwater's memcached where a build of it is given (ASTAIRE_CLEARWATER_MEMCACHED=<prefix>).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, ConnectError } from '../errors.js';
import { parseServerAddress } from '../shared/server-address.js';

export interface LocalMemcached {
  readonly address: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 5000;
/** The README's set-up step, which installs memcached among the rest; named where it is missing. */
const SETUP_COMMAND = './setup.sh';

// The demo's memcached processes must not outlive it, however it ends (an error, a closed pipe).
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The install prefix of a build of Clearwater's memcached, when one is given. */
export function clearwaterPrefix(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env['ASTAIRE_CLEARWATER_MEMCACHED'] || undefined;
}

/**
 * How to start memcached on `host:port` with `memoryMb` of cache: stock memcached, or with
 * `clearwater`, the fork installed at that prefix, started as Clearwater starts it: one worker
 * thread (built against a current glibc, its stats code aborts on other threads), the default
 * engine with vbuckets ignored, its memory as the engine's cache_size (it refuses -m beside -e).
 */
export function memcachedCommand(options: {
  readonly host: string;
  readonly port: number;
  readonly memoryMb: number;
  readonly clearwater?: string | undefined;
}): { readonly program: string; readonly args: string[] } {
  const { host, port, memoryMb, clearwater } = options;
  // memcached refuses to run as root unless told which user to be.
  const asRoot = process.getuid?.() === 0 ? ['-u', 'root'] : [];
  if (clearwater === undefined) {
    return {
      program: 'memcached',
      args: ['-l', host, '-p', String(port), '-m', String(memoryMb), '-U', '0', ...asRoot],
    };
  }
  return {
    program: join(clearwater, 'bin', 'memcached'),
    args: [
      ...['-l', host, '-p', String(port), ...asRoot, '-t', '1'],
      ...['-E', join(clearwater, 'lib', 'memcached', 'default_engine.so')],
      ...['-e', `ignore_vbucket=true;cache_size=${memoryMb * 1024 * 1024}`],
    ],
  };
}

/** Starts memcached on `address` (a loopback host:port) with `memoryMb` of cache. */
export async function startLocalMemcached(address: string, memoryMb = 64): Promise<LocalMemcached> {
  const parsed = parseServerAddress(address);
  if (!parsed.ok || !parsed.address.host.startsWith('127.')) {
    throw new ConfigError(
      'DEMO_NOT_LOOPBACK',
      `the demo runs memcached on loopback addresses only, not ${address}`,
    );
  }
  const { host, port } = parsed.address;
  if (await isListening(host, port)) {
    throw new ConnectError(
      'DEMO_ADDRESS_IN_USE',
      'something already listens there (another demo still running?); stop it first',
      { node: address, command: 'memcached' },
    );
  }
  const clearwater = clearwaterPrefix();
  const { program, args } = memcachedCommand({ host, port, memoryMb, clearwater });
  let stderr = '';
  const child: ChildProcess = spawn(program, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  for (let waited = 0; ; waited += 25) {
    const failed = await Promise.race([spawnError, sleep(25).then(() => undefined)]);
    if (failed !== undefined && clearwater !== undefined) {
      throw new ConfigError(
        'MEMCACHED_NOT_FOUND',
        `cannot run Clearwater's memcached at ${program} (${failed.message}): ` +
          'ASTAIRE_CLEARWATER_MEMCACHED must be the install prefix of a build of it',
      );
    }
    if (failed !== undefined) {
      throw new ConfigError(
        'MEMCACHED_NOT_FOUND',
        `cannot run memcached (${failed.message}): run ${SETUP_COMMAND} in the checkout, which ` +
          'installs it and what else the console needs (or install the memcached package yourself)',
      );
    }
    if (child.exitCode !== null) {
      throw new ConnectError(
        'DEMO_MEMCACHED_EXITED',
        `memcached exited at start: ${stderr.trim() || 'no message'}`,
        {
          node: address,
          command: 'memcached',
        },
      );
    }
    if (await isListening(host, port)) break;
    if (waited > READY_TIMEOUT_MS) {
      child.kill('SIGKILL');
      throw new ConnectError('DEMO_MEMCACHED_SLOW', 'memcached did not start listening in 5 s', {
        node: address,
      });
    }
  }
  return {
    address,
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(2000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** True when something accepts TCP connections at host:port. */
export function isListening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
