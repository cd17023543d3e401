/**
 * The options the desktop console takes on its command line (`npm run demo` passes `--demo`).
 * Electron's argv also carries the app path and Chromium's own switches, so anything else is
 * ignored rather than refused.
 */
import { parseArgs } from 'node:util';
import { integerOption } from '../core/cli/cli-args.js';
import { DEFAULT_DEMO_KEYS } from '../core/demo/demo-cluster.js';

export interface ShellOptions {
  /** Keys to load into the demo cluster; undefined: no demo cluster. */
  readonly demoKeys: number | undefined;
  /** Where the console keeps its clusters; undefined: Electron's userData directory. */
  readonly dataDir: string | undefined;
}

/** Reads `--demo`, `--keys N` and `--data-dir DIR`; a bad `--keys` throws a UsageError. */
export function parseShellArgs(argv: readonly string[]): ShellOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      demo: { type: 'boolean' },
      keys: { type: 'string' },
      'data-dir': { type: 'string' },
    },
    strict: false,
    allowPositionals: true,
  });
  const keys = typeof values.keys === 'string' ? values.keys : undefined;
  const dataDir = values['data-dir'];
  return {
    demoKeys:
      values.demo === true
        ? (integerOption('console', 'keys', keys) ?? DEFAULT_DEMO_KEYS)
        : undefined,
    dataDir: typeof dataDir === 'string' && dataDir !== '' ? dataDir : undefined,
  };
}
