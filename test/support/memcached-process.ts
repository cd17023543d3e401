/**
 * Real memcached processes for integration tests, each on its own loopback address so that test
 * files running in parallel never meet on a port. Processes are only ever signalled by pid.
 *
 * Three kinds: Debian's memcached (`stock`); Clearwater's memcached fork (`clearwater`), where a
 * build of it is given as ASTAIRE_CLEARWATER_MEMCACHED=<install prefix>; and the test server that
 * plays the fork (`clearwater-test-server`, test/support/clearwater-fork-server.ts), which CI
 * runs in the fork's place. Each is started the way its kind is.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { clearwaterPrefix, memcachedCommand } from '../../core/demo/local-memcached.js';
import { allocateLoopbackHost, type LoopbackHost } from './loopback-hosts.js';
import { rawExchange, rawStats } from './raw-memcached.js';

/** How to start a memcached; every field has a default. */
export interface MemcachedOptions {
  /** Default: an address from allocateLoopbackHost(), released on the final stop(). */
  readonly host?: string;
  /** Default: 11211. */
  readonly port?: number;
  /** Default: 64. */
  readonly memoryMb?: number;
  /** Appended to the command line. */
  readonly extraArgs?: readonly string[];
  /** Default: `stock`. */
  readonly kind?: MemcachedKind;
  /**
   * Clearwater's memcached only: the engine's cache_size (`memoryMb` is not used: the fork
   * reports its own default, 64 MB, as limit_maxbytes). Default: `memoryMb`.
   */
  readonly engineCacheMb?: number;
}

/** Which memcached to start. */
export type MemcachedKind = 'stock' | 'clearwater' | 'clearwater-test-server';

/** The fork's install prefix, when a build of it is given. */
export const CLEARWATER_PREFIX = clearwaterPrefix();

/**
 * The kinds that play Clearwater's memcached here: always the test server, and the fork itself
 * where a build is given. `skip` says why the fork is not among them, for tests to print.
 */
export function clearwaterKinds(): {
  readonly kinds: readonly MemcachedKind[];
  readonly skip: string | undefined;
} {
  return CLEARWATER_PREFIX === undefined
    ? {
        kinds: ['clearwater-test-server'],
        skip:
          "SKIPPED against Clearwater's real memcached fork: ASTAIRE_CLEARWATER_MEMCACHED is not " +
          'set to a build of it (these scenarios ran against the test server that plays it)',
      }
    : { kinds: ['clearwater-test-server', 'clearwater'], skip: undefined };
}

/** One running memcached. */
export interface MemcachedProcess {
  readonly host: string;
  readonly port: number;
  /** `host:port`, as cluster settings name a node. */
  readonly address: string;
  /** The current process; restart() changes it. */
  readonly pid: number;
  /** SIGTERM, then SIGKILL after 2 s; resolves once the process has exited. Idempotent. */
  stop(): Promise<void>;
  /** Sends a signal to the current process (SIGKILL, SIGSTOP, SIGCONT, ...). */
  signal(sig: NodeJS.Signals): void;
  /**
   * SIGSTOP, resolved once every thread of the process is stopped: kill() returns when the signal
   * is queued, and on a loaded machine a worker thread can still answer a request sent just after.
   */
  freeze(): Promise<void>;
  /** Stops the process if running and starts an empty one on the same address and options. */
  restart(): Promise<void>;
}

/** Several memcached processes on distinct addresses and the same port. */
export interface MemcachedCluster {
  readonly nodes: MemcachedProcess[];
  readonly addresses: string[];
  stop(): Promise<void>;
}

const MEMCACHED_BINARY = '/usr/bin/memcached';

const READY_POLL_MS = 20;
const READY_TIMEOUT_MS = 5000;
const STOP_GRACE_MS = 2000;
const STDERR_LIMIT_CHARS = 16_384;

interface Settings {
  readonly host: string;
  readonly port: number;
  readonly memoryMb: number;
  readonly extraArgs: readonly string[];
  readonly kind: MemcachedKind;
  readonly engineCacheMb: number;
}

// One spawned process; restart() replaces it.
interface Incarnation {
  readonly pid: number;
  isRunning(): boolean;
  halt(): Promise<void>;
}

const runningPids = new Set<number>();
let isExitHookInstalled = false;

/** Starts memcached in the foreground and resolves once it answers `version`. */
export async function startMemcached(options: MemcachedOptions = {}): Promise<MemcachedProcess> {
  let { host } = options;
  let lease: LoopbackHost | undefined;
  if (host === undefined) {
    lease = await allocateLoopbackHost();
    host = lease.host;
  }
  const settings: Settings = {
    host,
    port: options.port ?? 11211,
    memoryMb: options.memoryMb ?? 64,
    extraArgs: options.extraArgs ?? [],
    kind: options.kind ?? 'stock',
    engineCacheMb: options.engineCacheMb ?? options.memoryMb ?? 64,
  };
  try {
    return new ManagedMemcached(settings, await launch(settings), lease);
  } catch (error) {
    lease?.release();
    throw error;
  }
}

/** Starts `count` memcached processes on distinct allocated addresses, all or none. */
export async function startCluster(
  count: number,
  options: Omit<MemcachedOptions, 'host'> = {},
): Promise<MemcachedCluster> {
  const results = await Promise.allSettled(
    Array.from({ length: count }, () => startMemcached(options)),
  );
  const nodes = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = results.find((result) => result.status === 'rejected');
  if (failure !== undefined) {
    await Promise.all(nodes.map((node) => node.stop()));
    throw failure.reason;
  }
  return {
    nodes,
    addresses: nodes.map((node) => node.address),
    stop: async () => {
      await Promise.all(nodes.map((node) => node.stop()));
    },
  };
}

class ManagedMemcached implements MemcachedProcess {
  readonly host: string;
  readonly port: number;
  readonly address: string;
  private isStopped = false;

  constructor(
    private readonly settings: Settings,
    private incarnation: Incarnation,
    private readonly lease: LoopbackHost | undefined,
  ) {
    this.host = settings.host;
    this.port = settings.port;
    this.address = `${settings.host}:${settings.port}`;
  }

  get pid(): number {
    return this.incarnation.pid;
  }

  async stop(): Promise<void> {
    this.isStopped = true;
    await this.incarnation.halt();
    this.lease?.release();
  }

  signal(sig: NodeJS.Signals): void {
    if (!this.incarnation.isRunning()) {
      throw new Error(`memcached at ${this.address} (pid ${this.pid}) is not running`);
    }
    process.kill(this.pid, sig);
  }

  async freeze(): Promise<void> {
    this.signal('SIGSTOP');
    const tasks = `/proc/${this.pid}/task`;
    const deadline = Date.now() + 5000;
    const isStopped = (task: string) => {
      // The state follows the command name, which is in parentheses: "pid (name) T ...".
      const stat = readFileSync(`${tasks}/${task}/stat`, 'utf8');
      return /^[tT]$/.test(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? '');
    };
    while (!readdirSync(tasks).every(isStopped)) {
      if (Date.now() > deadline) throw new Error(`memcached at ${this.address} did not stop`);
      await sleep(5);
    }
  }

  async restart(): Promise<void> {
    if (this.isStopped) throw new Error(`memcached at ${this.address} was stopped for good`);
    await this.incarnation.halt();
    const next = await launch(this.settings);
    if (this.isStopped) {
      // stop() ran while this one was starting, and must not leave it behind.
      await next.halt();
      throw new Error(`memcached at ${this.address} was stopped during restart()`);
    }
    this.incarnation = next;
  }
}

/** The program and arguments that start a memcached of `settings.kind`. */
function commandFor(settings: Settings): { program: string; args: string[] } {
  const { host, port } = settings;
  switch (settings.kind) {
    case 'stock': {
      const stock = memcachedCommand({ host, port, memoryMb: settings.memoryMb });
      return { program: MEMCACHED_BINARY, args: [...stock.args, ...settings.extraArgs] };
    }
    case 'clearwater': {
      if (CLEARWATER_PREFIX === undefined) {
        throw new Error('ASTAIRE_CLEARWATER_MEMCACHED is not set: no build of the fork to start');
      }
      const fork = forkCommand(settings, CLEARWATER_PREFIX);
      return { program: fork.program, args: [...fork.args, ...settings.extraArgs] };
    }
    case 'clearwater-test-server': {
      // Started with the fork's own command line, which it reads as the fork would.
      const fork = forkCommand(settings, '/test-server');
      const main = join(import.meta.dirname, 'clearwater-fork-server-main.js');
      return { program: process.execPath, args: [main, ...fork.args, ...settings.extraArgs] };
    }
  }
}

function forkCommand(settings: Settings, prefix: string) {
  const { host, port } = settings;
  return memcachedCommand({ host, port, memoryMb: settings.engineCacheMb, clearwater: prefix });
}

async function launch(settings: Settings): Promise<Incarnation> {
  const { program, args } = commandFor(settings);
  const commandLine = [program, ...args].join(' ');
  const child = spawn(program, args, { stdio: ['ignore', 'ignore', 'pipe'] });

  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    if (stderr.length < STDERR_LIMIT_CHARS) stderr += text;
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const failure = (reason: string) =>
    new Error(
      `memcached on ${settings.host}:${settings.port} did not start: ${reason}\n` +
        `  command: ${commandLine}\n  stderr: ${stderr.trim() || '(empty)'}`,
    );

  const { pid } = child;
  if (pid === undefined) {
    const [error] = (await once(child, 'error')) as [Error];
    throw failure(error.message);
  }
  let hasExited = false;
  runningPids.add(pid);
  installExitHook();
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      hasExited = true;
      runningPids.delete(pid);
      resolve();
    });
  });
  // A test file that forgets stop() must still let its process end; the exit hook kills us then.
  child.unref();
  if (child.stderr instanceof Socket) child.stderr.unref();

  let halting: Promise<void> | undefined;
  const incarnation: Incarnation = {
    pid,
    isRunning: () => !hasExited,
    halt: () =>
      (halting ??= terminate(
        pid,
        exited,
        () => hasExited,
        () => child.ref(),
      )),
  };

  const notReadyReason = await whyNotReady(settings, pid, () => hasExited);
  if (notReadyReason === undefined) return incarnation;
  await incarnation.halt();
  await closed;
  throw failure(notReadyReason);
}

// Resolves `undefined` once the server answers, or the reason it never did.
async function whyNotReady(
  settings: Settings,
  pid: number,
  hasExited: () => boolean,
): Promise<string | undefined> {
  const { host, port } = settings;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!hasExited()) {
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) return `no VERSION reply within ${READY_TIMEOUT_MS} ms`;
    try {
      const reply = await rawExchange(
        host,
        port,
        'version\r\n',
        (received) => received.includes('\r\n'),
        Math.min(remainingMs, 1000),
      );
      if (reply.toString('latin1').startsWith('VERSION ')) {
        // Another server already on this address would answer too, while ours fails to bind.
        const ownerPid = (await rawStats(host, port)).get('pid');
        return ownerPid === String(pid)
          ? undefined
          : `another server (pid ${ownerPid}) answers there`;
      }
    } catch {
      // Not listening yet: poll again.
    }
    await sleep(READY_POLL_MS);
  }
  return 'the process exited';
}

async function terminate(
  pid: number,
  exited: Promise<void>,
  hasExited: () => boolean,
  keepEventLoopAlive: () => void,
): Promise<void> {
  if (hasExited()) return;
  keepEventLoopAlive();
  signalIfRunning(pid, 'SIGTERM', hasExited);
  // A SIGSTOPped process holds SIGTERM until continued; continue it so stop() need not wait 2 s.
  signalIfRunning(pid, 'SIGCONT', hasExited);
  const grace = new AbortController();
  const isExited = await Promise.race([
    exited.then(() => true),
    sleep(STOP_GRACE_MS, false, { signal: grace.signal }).catch(() => false),
  ]);
  grace.abort();
  if (isExited) return;
  signalIfRunning(pid, 'SIGKILL', hasExited);
  await exited;
}

function signalIfRunning(pid: number, sig: NodeJS.Signals, hasExited: () => boolean): void {
  if (hasExited()) return;
  try {
    process.kill(pid, sig);
  } catch {
    // Exited between the check and the signal; the exit event is on its way.
  }
}

function installExitHook(): void {
  if (isExitHookInstalled) return;
  isExitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of runningPids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });
}
