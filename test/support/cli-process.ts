/** Runs a command as a real process with pipes, as scripts and CI run the CLI. */
import { spawn } from 'node:child_process';
import { CLI_PATH, REPO_ROOT } from './repo-paths.js';

export interface ProcessRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command` in the repository; stdin gets `stdin` then end of file (never a terminal). */
export function runProcess(
  command: string,
  args: readonly string[],
  stdin = '',
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'], env });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) =>
      resolve({ status, stdout: Buffer.concat(stdout).toString(), stderr }),
    );
    child.stdin.end(stdin);
  });
}

/** The compiled `astaire` CLI, run with node. */
export function runAstaire(
  args: readonly string[],
  stdin?: string,
  env?: NodeJS.ProcessEnv,
): Promise<ProcessRun> {
  return runProcess(process.execPath, [CLI_PATH, ...args], stdin, env);
}
