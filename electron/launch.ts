/**
 * What `npm start` and `npm run demo` run, in Node: the desktop console when Electron's binary is
 * installed, otherwise the same console in web mode (`astaire console`), with a plain note saying
 * why. Arguments go through unchanged: both take `--demo`, `--keys N` and `--data-dir DIR`.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runCliInProcess } from '../core/cli/process-cli.js';
import { findElectronBinary } from './electron-binary.js';

// package.json, whose "main" is dist/electron/main.js, is two levels up from this file.
const APP_DIR = fileURLToPath(new URL('../../', import.meta.url));

function runElectron(binary: string, args: readonly string[]): Promise<number> {
  const env = { ...process.env };
  // Inherited from a parent that runs Electron as Node, it would make the binary a plain Node.
  delete env['ELECTRON_RUN_AS_NODE'];
  const child = spawn(binary, [APP_DIR, ...args], { stdio: 'inherit', env });
  // The window's process decides how to stop (it closes the console's service first).
  const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
  process.on('SIGINT', forward).on('SIGTERM', forward);
  return new Promise((resolve) => {
    const finish = (status: number): void => {
      process.off('SIGINT', forward).off('SIGTERM', forward);
      resolve(status);
    };
    child.on('error', (error) => {
      process.stderr.write(`astaire: could not start Electron (${binary}): ${error.message}\n`);
      finish(1);
    });
    child.on('exit', (code, signal) => {
      finish(code ?? 128 + (signal === null ? 0 : constants.signals[signal]));
    });
  });
}

const args = process.argv.slice(2);
const electron = findElectronBinary();
if (electron.isInstalled) {
  process.exitCode = await runElectron(electron.path, args);
} else {
  process.stderr.write(
    `Electron's binary is not installed on this machine (${electron.reason}); ` +
      'opening the console in web mode instead.\n',
  );
  process.exitCode = await runCliInProcess(['console', ...args]);
}
