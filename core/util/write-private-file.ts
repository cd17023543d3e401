/**
 * Writes a file readable by its owner only, atomically: into a temporary file beside it (unique per
 * write, so two consoles on one data directory never share one), synced, then renamed over it. A
 * crash leaves the old file or the new one, never half of either. Its folder is created (0700)
 * when missing. Errors are the file system's own; callers say what the file was for.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function writePrivateFile(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}-${randomUUID().slice(0, 8)}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
