/** Runs the CLI in-process with captured streams, as an operator's terminal would see it. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '../../core/cli/run-cli.js';

export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCliCaptured(
  argv: readonly string[],
  options: { stdin?: Buffer | string; cwd?: string } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    cwd: options.cwd ?? process.cwd(),
  });
  return { status, stdout, stderr };
}

/** A fresh directory holding one cluster_settings file; returns the file's path. */
export function writeSettingsFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'astaire-test-'));
  const path = join(dir, 'cluster_settings');
  writeFileSync(path, text);
  return path;
}
