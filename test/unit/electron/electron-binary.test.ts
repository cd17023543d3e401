import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { findElectronBinary } from '../../../electron/electron-binary.js';

describe('findElectronBinary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'astaire-electron-binary-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds a binary in ELECTRON_OVERRIDE_DIST_PATH', (t) => {
    // path.txt, when there is one, names the platform's executable: `electron` on Linux only.
    if (process.platform !== 'linux') return t.skip('the executable has another name here');
    const binary = join(dir, 'electron');
    writeFileSync(binary, '');
    const found = findElectronBinary({ ELECTRON_OVERRIDE_DIST_PATH: dir });
    if (!found.isInstalled) assert.fail(found.reason);
    assert.equal(found.path, binary);
  });

  it('says which file is missing when there is none', () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    const found = findElectronBinary({ ELECTRON_OVERRIDE_DIST_PATH: empty });
    assert.equal(found.isInstalled, false);
    if (!found.isInstalled) assert.match(found.reason, /does not exist$/);
  });

  it('reports what it finds in node_modules without downloading anything', () => {
    const found = findElectronBinary({});
    if (found.isInstalled) assert.ok(existsSync(found.path), found.path);
    else assert.ok(found.reason.length > 0);
  });
});
