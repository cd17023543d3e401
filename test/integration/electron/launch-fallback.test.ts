import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT } from '../../support/repo-paths.js';

const LAUNCH_PATH = join(REPO_ROOT, 'dist', 'electron', 'launch.js');
const WEB_URL = /http:\/\/127\.0\.0\.1:\d+\/s\/[^/\s]+\//;

describe('npm start without the Electron binary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'astaire-launch-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('says so plainly and opens the console in web mode', { timeout: 60_000 }, async () => {
    // An empty override directory: the binary is missing here even where Electron is installed.
    const noElectron = mkdtempSync(join(dir, 'no-electron-'));
    const child = spawn(
      process.execPath,
      [LAUNCH_PATH, '--port', '0', '--data-dir', join(dir, 'data')],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: noElectron },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = once(child, 'exit');
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const read = (chunk: Buffer): void => {
        output += chunk.toString();
        const match = WEB_URL.exec(output);
        if (match !== null) resolve(match[0]);
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.once('exit', (code) => reject(new Error(`launch.js exited (${code}):\n${output}`)));
    });

    assert.match(
      output,
      /Electron's binary is not installed on this machine \(.+\); opening the console in web mode instead\.\n/,
    );
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>Astaire Console<\/title>/);

    assert.ok(child.pid !== undefined);
    process.kill(child.pid, 'SIGINT');
    const [code, signal] = await exited;
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, output);
  });

  it('npm run demo without memcached names the set-up command', { timeout: 60_000 }, async () => {
    // A PATH with nothing on it: memcached is missing here even where it is installed.
    const emptyPath = mkdtempSync(join(dir, 'empty-path-'));
    const child = spawn(
      process.execPath,
      [LAUNCH_PATH, '--demo', '--port', '0', '--data-dir', join(dir, 'demo-data')],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, PATH: emptyPath, ELECTRON_OVERRIDE_DIST_PATH: emptyPath },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = await once(child, 'exit');
    assert.equal(code, 2, stderr);
    assert.match(
      stderr,
      /astaire: cannot run memcached \(spawn memcached ENOENT\): run \.\/setup\.sh/,
    );
  });
});
