/** Reading a file the operator named on the command line, with an error that names it. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LocalIoError } from '../errors.js';

/** The text of `path` (relative to `cwd`). `what` names the file's role in the error message. */
export async function readLocalText(
  path: string,
  cwd: string,
  what: string,
  code: string,
): Promise<string> {
  try {
    return await readFile(resolve(cwd, path), 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'no such file'
        : (error as Error).message;
    throw new LocalIoError(code, `cannot read ${what}: ${reason}`, { file: path });
  }
}
