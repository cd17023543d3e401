/**
 * Real OpenSSH servers for tests: each runs as its own `sshd -D` on a loopback address of its own,
 * with a host key and client keys generated for the run in a temporary directory, and is stopped
 * by pid. The only thing outside that directory is /run/sshd, the empty directory sshd insists on
 * for privilege separation, created if the system lacks it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseClusterProfile, type ClusterProfile } from '../../core/cluster/cluster-profile.js';
import { allocateLoopbackHost, type LoopbackHost } from './loopback-hosts.js';

export interface ClientKeys {
  readonly dir: string;
  /** An unencrypted ed25519 key. */
  readonly plain: string;
  /** An ed25519 key encrypted with `passphrase`. */
  readonly encrypted: string;
  readonly passphrase: string;
}

export interface SshdProcess {
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  /** The server's first host public key line ("ssh-ed25519 AAAA..."). */
  readonly hostKeyLine: string;
  /** The server's host public key line of one type it was started with ("ssh-rsa AAAA..."). */
  hostKeyLineOf(type: HostKeyType): string;
  stop(): Promise<void>;
  signal(sig: NodeJS.Signals): void;
  /** Stops it and starts it again on the same address with a NEW host key. */
  restartWithNewHostKey(): Promise<void>;
  /**
   * Kills the server and every session process it forked (as a crash or a reboot would), so that
   * open SSH connections drop; `restart` brings it back with the same host key.
   */
  crash(): Promise<void>;
  restart(): Promise<void>;
}

/** Host key types a test sshd can hold, as ssh-keygen -t names them. */
export type HostKeyType = 'ed25519' | 'rsa' | 'ecdsa';

const SSHD = '/usr/sbin/sshd';
const PORT = 2222;
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running)
    if (child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
});

/** Client keys for a run: one plain, one encrypted; both are authorized on every sshd started with them. */
export function makeClientKeys(): ClientKeys {
  const dir = mkdtempSync(join(tmpdir(), 'astaire-ssh-keys-'));
  const plain = join(dir, 'id_plain');
  const encrypted = join(dir, 'id_encrypted');
  const passphrase = 'correct horse battery staple';
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'astaire-test', '-f', plain]);
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    passphrase,
    '-C',
    'astaire-test',
    '-f',
    encrypted,
  ]);
  return { dir, plain, encrypted, passphrase };
}

/** An sshd holding a host key of each of `hostKeyTypes`, the first offered by default. */
export async function startSshd(
  keys: ClientKeys,
  hostKeyTypes: readonly HostKeyType[] = ['ed25519'],
): Promise<SshdProcess> {
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const lock: LoopbackHost = await allocateLoopbackHost();
  const host = lock.host;
  const dir = mkdtempSync(join(tmpdir(), 'astaire-sshd-'));
  writeFileSync(
    join(dir, 'authorized_keys'),
    readFileSync(`${keys.plain}.pub`, 'utf8') + readFileSync(`${keys.encrypted}.pub`, 'utf8'),
    { mode: 0o600 },
  );
  let child: ChildProcess | undefined;
  const hostKeyLines = new Map<HostKeyType, string>();
  const hostKeyFile = (type: HostKeyType) => join(dir, `host_key_${type}`);

  const start = async (newHostKey = true) => {
    for (const type of hostKeyTypes) {
      if (newHostKey) {
        rmSync(hostKeyFile(type), { force: true });
        rmSync(`${hostKeyFile(type)}.pub`, { force: true });
        execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', hostKeyFile(type)]);
      }
      const line = readFileSync(`${hostKeyFile(type)}.pub`, 'utf8')
        .trim()
        .split(' ');
      hostKeyLines.set(type, line.slice(0, 2).join(' '));
    }
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        `ListenAddress ${host}:${PORT}`,
        ...hostKeyTypes.map((type) => `HostKey ${hostKeyFile(type)}`),
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'StrictModes no',
        'UsePAM no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        'PermitRootLogin yes',
        'AllowTcpForwarding yes',
        'LogLevel ERROR',
        '',
      ].join('\n'),
    );
    let stderr = '';
    const spawned = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    spawned.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    running.add(spawned);
    spawned.on('exit', () => running.delete(spawned));
    child = spawned;
    for (let waited = 0; ; waited += 20) {
      if (spawned.exitCode !== null) throw new Error(`sshd exited: ${stderr}`);
      if (await answers(host, PORT)) return;
      if (waited > 5000) throw new Error(`sshd did not start on ${host}:${PORT}: ${stderr}`);
      await sleep(20);
    }
  };

  const stop = async () => {
    const current = child;
    if (current === undefined || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    host,
    port: PORT,
    get pid() {
      return child?.pid ?? -1;
    },
    get hostKeyLine() {
      return hostKeyLines.get(hostKeyTypes[0] ?? 'ed25519') ?? '';
    },
    hostKeyLineOf(type) {
      const line = hostKeyLines.get(type);
      if (line === undefined) throw new Error(`this sshd has no ${type} host key`);
      return line;
    },
    async stop() {
      await stop();
      lock.release();
    },
    signal(sig) {
      if (child?.pid !== undefined) process.kill(child.pid, sig);
    },
    async restartWithNewHostKey() {
      await stop();
      await start();
    },
    async crash() {
      const pid = child?.pid;
      if (pid !== undefined)
        for (const descendant of descendantsOf(pid)) signalQuietly(descendant, 'SIGKILL');
      await stop();
    },
    async restart() {
      await stop();
      await start(false);
    },
  };
}

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('data', (chunk: Buffer) => {
      socket.destroy();
      resolve(chunk.toString('latin1').startsWith('SSH-'));
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, host);
  });
}

/** Every process below `pid`, read from /proc (sshd forks one process tree per connection). */
function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces, so read after its closing parenthesis.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const children = parents.get(ppid) ?? [];
      children.push(Number(entry));
      parents.set(ppid, children);
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const child of parents.get(parent) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** The known_hosts line that trusts `sshd`'s host key. */
export function knownHostsEntry(sshd: SshdProcess): string {
  return `[${sshd.host}]:${sshd.port} ${sshd.hostKeyLine}`;
}

/** A profile's `ssh` access to `sshd` with the run's plain key. */
export function sshAccessTo(sshd: SshdProcess, keys: ClientKeys) {
  return {
    via: 'ssh' as const,
    host: sshd.host,
    port: sshd.port,
    user: userInfo().username,
    identityFile: keys.plain,
  };
}

/** SSH prompts answered as a script without a terminal would: no, and no secrets. */
export const NO_PROMPTS = {
  confirmHostKey: async () => false,
  passphrase: async () => undefined,
  password: async () => undefined,
};

/**
 * A cluster profile that reaches each of `nodes` through `sshd` (a tunnel from it to the node's
 * own address, or to where `memcachedOf` says it listens), with a known_hosts file of its own
 * holding `sshd`'s key. `remove` deletes that file; `name` names the profile in errors.
 */
export function profileThroughSshd(
  sshd: SshdProcess,
  keys: ClientKeys,
  nodes: readonly string[],
  name: string,
  memcachedOf: (node: string) => string = (node) => node,
): { readonly profile: ClusterProfile; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'astaire-profile-'));
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `${knownHostsEntry(sshd)}\n`);
  const profile = parseClusterProfile(
    JSON.stringify({
      knownHostsFile: knownHosts,
      nodes: Object.fromEntries(
        nodes.map((node) => [node, { ...sshAccessTo(sshd, keys), memcached: memcachedOf(node) }]),
      ),
    }),
    name,
  );
  return { profile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
