/** Where the console keeps its clusters when nobody says otherwise. */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** $XDG_CONFIG_HOME/astaire-console, else ~/.config/astaire-console (the web console's home). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== ''
      ? env.XDG_CONFIG_HOME
      : join(homedir(), '.config');
  return join(base, 'astaire-console');
}
