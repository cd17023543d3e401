/**
 * The streams a CLI command talks through. Commands take this instead of touching `process`, so
 * tests can run them in-process and capture exactly what an operator would see.
 */
import type { Readable } from 'node:stream';

export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly stdin: Readable;
  /** The directory relative paths are resolved against. */
  readonly cwd: string;
  /** Aborted when the operator interrupts (Ctrl-C): long commands stop cleanly and report. */
  readonly signal?: AbortSignal;
}

/** Exit statuses, stable for scripts: 2 always means "the input was refused, nothing was done". */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks);
}
