// The Electron fuses the packaged console must have, and a check of build/electron-builder.yml
// against them. The scan (scan-electron.mjs) runs the check; so does a unit test. The file is read
// with the YAML parser electron-builder itself uses (js-yaml, through app-builder-lib), so what is
// checked is what the packager sees. Names are electron-builder's `electronFuses` keys
// (FuseOptionsV1 in app-builder-lib/scheme.json).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('../', import.meta.url).pathname;

/** Each fuse and the value it must have, with why. */
export const REQUIRED_FUSES = {
  runAsNode: { value: false, why: 'ELECTRON_RUN_AS_NODE would make the app a plain Node' },
  enableNodeOptionsEnvironmentVariable: {
    value: false,
    why: 'NODE_OPTIONS could preload any script into the main process',
  },
  enableNodeCliInspectArguments: {
    value: false,
    why: '--inspect or SIGUSR1 would open a debugger on the main process',
  },
  enableEmbeddedAsarIntegrityValidation: {
    value: true,
    why: 'app.asar is checked against its hash before it is loaded',
  },
  onlyLoadAppFromAsar: { value: true, why: 'an app/ folder beside app.asar is never loaded' },
  enableCookieEncryption: { value: true, why: 'cookies on disk are encrypted with the OS keys' },
};

/** build/electron-builder.yml as electron-builder reads it. */
export function readBuilderConfig(file = join(root, 'build/electron-builder.yml')) {
  const fromBuilder = createRequire(createRequire(import.meta.url).resolve('app-builder-lib'));
  const yaml = fromBuilder('js-yaml');
  return yaml.load(readFileSync(file, 'utf8'));
}

/** What is wrong with `config`'s fuses, one sentence each; empty when every fuse is as required. */
export function fuseProblems(config) {
  const fuses = config?.electronFuses;
  if (fuses === undefined || fuses === null || typeof fuses !== 'object') {
    return [
      'build/electron-builder.yml sets no electronFuses: the packaged app keeps the defaults',
    ];
  }
  return Object.entries(REQUIRED_FUSES)
    .filter(([name, { value }]) => fuses[name] !== value)
    .map(
      ([name, { value, why }]) =>
        `electronFuses.${name} is ${JSON.stringify(fuses[name])} in build/electron-builder.yml, ` +
        `must be ${value} (${why})`,
    );
}
