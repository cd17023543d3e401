/** Paths inside the repository, found the same way whether a test runs from source or dist/. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('tests must run inside the repository');
    dir = parent;
  }
  return dir;
}

export const REPO_ROOT = findRepoRoot();

export function fixturePath(...parts: string[]): string {
  return join(REPO_ROOT, 'test', 'fixtures', ...parts);
}

/** The compiled CLI, as `npx astaire` runs it. */
export const CLI_PATH = join(REPO_ROOT, 'dist', 'core', 'cli', 'main.js');
