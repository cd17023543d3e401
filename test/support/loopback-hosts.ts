/**
 * Distinct loopback IPv4 addresses for tests. Test files run in parallel processes and every
 * memcached in them listens on the same well-known port, so each process claims whole addresses
 * through lock files that every other process can see.
 */
import { unlinkSync } from 'node:fs';
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A loopback address held by this process until `release()` is called or the process exits. */
export interface LoopbackHost {
  readonly host: string;
  release(): void;
}

/** Where the locks live: one `<ip>.lock` file per held address, holding the owner's pid. */
export const LOOPBACK_LOCK_DIR = join(tmpdir(), 'astaire-test-hosts');

// A lock file without a pid is normally one whose owner is between creating and writing it; one
// this old belongs to a process that crashed in that gap.
const UNWRITTEN_LOCK_STALE_MS = 10_000;

const heldHosts = new Set<string>();
let isExitHookInstalled = false;

/** Claims the first free address from 127.0.0.11 up to 127.0.9.254. */
export async function allocateLoopbackHost(): Promise<LoopbackHost> {
  for (const host of candidateHosts()) {
    const claimed = await claimLoopbackHost(host);
    if (claimed !== undefined) return claimed;
  }
  throw new Error(
    `every loopback address from 127.0.0.11 to 127.0.9.254 is locked; ` +
      `if no tests are running, delete ${LOOPBACK_LOCK_DIR}`,
  );
}

/**
 * Claims one given address, taking over a lock whose owner process is gone; `undefined` when a
 * live process (this one included) holds it.
 */
export async function claimLoopbackHost(host: string): Promise<LoopbackHost | undefined> {
  if (heldHosts.has(host)) return undefined;
  await mkdir(LOOPBACK_LOCK_DIR, { recursive: true });
  if (await tryCreateLock(host)) return holding(host);
  const owner = await inspectLock(host);
  if (owner === 'released') return (await tryCreateLock(host)) ? holding(host) : undefined;
  if (owner === 'stale') return (await takeOverLock(host)) ? holding(host) : undefined;
  return undefined;
}

function* candidateHosts(): Generator<string> {
  // 127.0.0.1 to .10 are left to whatever a developer runs locally (a memcached on 11211, say).
  for (let third = 0; third <= 9; third++) {
    for (let fourth = third === 0 ? 11 : 1; fourth <= 254; fourth++) {
      yield `127.0.${third}.${fourth}`;
    }
  }
}

function lockPath(host: string): string {
  return join(LOOPBACK_LOCK_DIR, `${host}.lock`);
}

async function tryCreateLock(host: string): Promise<boolean> {
  let file;
  try {
    file = await open(lockPath(host), 'wx');
  } catch (error) {
    if (hasErrorCode(error, 'EEXIST')) return false;
    throw error;
  }
  // Held before the pid is written, so that a concurrent claim in this process that reads our pid
  // never mistakes the lock for one left by an earlier process with the same pid.
  heldHosts.add(host);
  try {
    await file.writeFile(`${process.pid}\n`);
  } catch (error) {
    releaseHost(host);
    throw error;
  } finally {
    await file.close();
  }
  return true;
}

async function inspectLock(host: string): Promise<'held' | 'stale' | 'released'> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, { mtimeMs }] = await Promise.all([
      readFile(lockPath(host), 'utf8'),
      stat(lockPath(host)),
    ]);
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return 'released';
    throw error;
  }
  if (!/^\d+\n$/.test(text)) {
    return Date.now() - mtimeMs > UNWRITTEN_LOCK_STALE_MS ? 'stale' : 'held';
  }
  const pid = Number(text);
  // Pids repeat across runs in a container, so a lock naming this process that it does not hold
  // is a leftover from a crashed predecessor.
  if (pid === process.pid) return heldHosts.has(host) ? 'held' : 'stale';
  return isProcessAlive(pid) ? 'held' : 'stale';
}

async function takeOverLock(host: string): Promise<boolean> {
  // Two processes can find the same stale lock. Without this guard one could delete the lock the
  // other has just created in its place, and both would believe they hold the address. A guard
  // left behind by a crash only retires this one address.
  const guardPath = `${lockPath(host)}.takeover`;
  let guard;
  try {
    guard = await open(guardPath, 'wx');
  } catch (error) {
    if (hasErrorCode(error, 'EEXIST')) return false;
    throw error;
  }
  try {
    await guard.writeFile(`${process.pid}\n`);
    await guard.close();
    const owner = await inspectLock(host);
    if (owner === 'held') return false;
    if (owner === 'stale') await unlink(lockPath(host)).catch(ignoreMissing);
    return await tryCreateLock(host);
  } finally {
    await unlink(guardPath).catch(ignoreMissing);
  }
}

function holding(host: string): LoopbackHost {
  if (!isExitHookInstalled) {
    isExitHookInstalled = true;
    process.on('exit', () => {
      for (const held of [...heldHosts]) releaseHost(held);
    });
  }
  return { host, release: () => releaseHost(host) };
}

function releaseHost(host: string): void {
  if (!heldHosts.delete(host)) return;
  try {
    unlinkSync(lockPath(host));
  } catch (error) {
    ignoreMissing(error);
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but belongs to another user.
    return !hasErrorCode(error, 'ESRCH');
  }
}

function hasErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

function ignoreMissing(error: unknown): void {
  if (!hasErrorCode(error, 'ENOENT')) throw error;
}
