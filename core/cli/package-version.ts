/** The version in package.json, read at run time so it has one source of truth. */
import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  // Compiled to dist/core/cli/, so the package root is three levels up.
  const url = new URL('../../../package.json', import.meta.url);
  const manifest = JSON.parse(readFileSync(url, 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}
