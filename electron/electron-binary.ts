/**
 * Finds Electron's binary the way the `electron` package does, minus its last resort: the package
 * (45.x) has no install script and downloads the binary when `require('electron')` finds none,
 * and neither the launcher nor a test may fetch a browser behind the operator's back. So this reads
 * the package's `path.txt` (written once the binary is extracted) and checks the file is there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type ElectronBinary =
  | { readonly isInstalled: true; readonly path: string }
  | { readonly isInstalled: false; readonly reason: string };

/** Where the Electron binary is, or why there is none; never downloads anything. */
export function findElectronBinary(env: NodeJS.ProcessEnv = process.env): ElectronBinary {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { isInstalled: false, reason: 'the electron package is not installed; run npm ci' };
  }
  const pathFile = join(packageDir, 'path.txt');
  const relativePath = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  // The same override the electron package honours, for a binary kept outside node_modules.
  const overrideDir = env['ELECTRON_OVERRIDE_DIST_PATH'];
  if (overrideDir !== undefined && overrideDir !== '') {
    return checkExists(join(overrideDir, relativePath ?? 'electron'));
  }
  if (relativePath === undefined) {
    return {
      isInstalled: false,
      reason: `${pathFile} is missing: the binary was never downloaded; npx install-electron downloads it`,
    };
  }
  return checkExists(join(packageDir, 'dist', relativePath));
}

function checkExists(path: string): ElectronBinary {
  return existsSync(path)
    ? { isInstalled: true, path }
    : { isInstalled: false, reason: `${path} does not exist` };
}
