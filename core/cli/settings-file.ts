/** Loading a cluster_settings file for a command: read, parse as the clients do, lint. */
import { parseClusterSettings, type ParsedClusterSettings } from '../cluster/cluster-settings.js';
import { lintClusterSettings, type SettingsWarning } from '../cluster/settings-lint.js';
import { DEMO_SETTINGS_NAME, DEMO_SETTINGS_TEXT } from '../demo/demo-settings.js';
import { readLocalText } from './local-file.js';

export interface LoadedSettings {
  /** The file as named in messages: the path the operator typed, or the demo's name. */
  readonly file: string;
  readonly settings: ParsedClusterSettings;
  readonly warnings: readonly SettingsWarning[];
}

/** Reads `path` (relative to `cwd`), or the built-in demo file when `path` is undefined. */
export async function loadSettings(path: string | undefined, cwd: string): Promise<LoadedSettings> {
  const file = path ?? DEMO_SETTINGS_NAME;
  const text =
    path === undefined
      ? DEMO_SETTINGS_TEXT
      : await readLocalText(path, cwd, 'cluster_settings', 'SETTINGS_UNREADABLE');
  const settings = parseClusterSettings(text, file);
  return { file, settings, warnings: lintClusterSettings(settings, file) };
}
