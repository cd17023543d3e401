/**
 * `astaire console` (web mode) as a child process, for tests that drive its page in a browser. It
 * prints its address on stdout and runs until signalled; it is only ever signalled by pid.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI_PATH, REPO_ROOT } from '../../support/repo-paths.js';

export interface WebConsoleProcess {
  /** `http://127.0.0.1:<port>/s/<token>/`. */
  readonly url: string;
  readonly pid: number;
  /** What it wrote to stderr so far, for failure messages. */
  stderr(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

const URL_PATTERN = /http:\/\/127\.0\.0\.1:\d+\/s\/[^/\s]+\//;
const OUTPUT_LIMIT_CHARS = 64 * 1024;

export interface WebConsoleProcessOptions {
  /** Start it as `npm start` and `npm run demo` do (dist/electron/launch.js), not as the CLI. */
  readonly viaLauncher?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

const LAUNCH_PATH = join(REPO_ROOT, 'dist', 'electron', 'launch.js');

export async function startWebConsoleProcess(
  args: readonly string[],
  options: WebConsoleProcessOptions = {},
): Promise<WebConsoleProcess> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const entry = options.viaLauncher === true ? [LAUNCH_PATH] : [CLI_PATH, 'console'];
  const child = spawn(process.execPath, [...entry, '--port', '0', ...args], {
    cwd: REPO_ROOT,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    if (stderr.length < OUTPUT_LIMIT_CHARS) stderr += text;
  });
  const exited = once(child, 'exit').then(() => undefined);
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const url = await new Promise<string>((resolve, reject) => {
    const fail = (reason: string) =>
      reject(new Error(`astaire console ${reason}\n  stdout: ${stdout}\n  stderr: ${stderr}`));
    const timer = setTimeout(() => fail(`printed no URL within ${timeoutMs} ms`), timeoutMs);
    child.stdout.on('data', (text: string) => {
      if (stdout.length < OUTPUT_LIMIT_CHARS) stdout += text;
      const match = URL_PATTERN.exec(stdout);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      fail(`did not start: ${error.message}`);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(`exited (${signal ?? `code ${code}`}) before printing its URL`);
    });
  }).catch(async (error: unknown) => {
    if (!hasExited && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    await exited;
    throw error;
  });

  const pid = child.pid as number;
  let stopping: Promise<void> | undefined;
  return {
    url,
    pid,
    stderr: () => stderr,
    stop: (graceMs = 5000) =>
      (stopping ??= (async () => {
        if (hasExited) return;
        process.kill(pid, 'SIGTERM');
        const grace = new AbortController();
        const isExited = await Promise.race([
          exited.then(() => true),
          sleep(graceMs, false, { signal: grace.signal }).catch(() => false),
        ]);
        grace.abort();
        if (!isExited && !hasExited) {
          process.kill(pid, 'SIGKILL');
          await exited;
        }
      })()),
  };
}
