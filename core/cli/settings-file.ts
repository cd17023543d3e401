/** Loading a cluster_settings file for a command: read, parse as the clients do, lint. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LocalIoError } from '../errors.js';
import { parseClusterSettings, type ParsedClusterSettings } from '../cluster/cluster-settings.js';
import { lintClusterSettings, type SettingsWarning } from '../cluster/settings-lint.js';
import { DEMO_SETTINGS_NAME, DEMO_SETTINGS_TEXT } from '../demo/demo-settings.js';

export interface LoadedSettings {
  /** The file as named in messages: the path the operator typed, or the demo's name. */
  readonly file: string;
  readonly settings: ParsedClusterSettings;
  readonly warnings: readonly SettingsWarning[];
}

/** Reads `path` (relative to `cwd`), or the built-in demo file when `path` is undefined. */
export async function loadSettings(path: string | undefined, cwd: string): Promise<LoadedSettings> {
  const file = path ?? DEMO_SETTINGS_NAME;
  const text = path === undefined ? DEMO_SETTINGS_TEXT : await readSettingsText(path, cwd);
  const settings = parseClusterSettings(text, file);
  return { file, settings, warnings: lintClusterSettings(settings, file) };
}

async function readSettingsText(path: string, cwd: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, path), 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'no such file'
        : (error as Error).message;
    throw new LocalIoError('SETTINGS_UNREADABLE', `cannot read cluster_settings: ${reason}`, {
      file: path,
    });
  }
}
