import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { _electron } from 'playwright-core';
import { CHANNEL_FUNCTIONS } from '../../core/console/contract.js';
import { findElectronBinary } from '../../electron/electron-binary.js';
import { REPO_ROOT } from '../support/repo-paths.js';

// The page's globals as this test reads them: the test is compiled without the DOM's types.
interface PageGlobals {
  readonly astaire?: Record<string, unknown> & {
    appInfo?: () => Promise<{ ok: boolean; value?: { mode: string } }>;
  };
  readonly require?: unknown;
  readonly process?: unknown;
  open(url: string): unknown;
}

describe('the desktop console', () => {
  it('opens a locked-down window whose page reaches the service only by name', async (t) => {
    const electron = findElectronBinary();
    if (!electron.isInstalled) {
      const reason = `Electron binary not installed on this machine: ${electron.reason}`;
      process.stdout.write(`skipped the Electron app test (${reason})\n`);
      t.skip(reason);
      return;
    }
    const dataDir = mkdtempSync(join(tmpdir(), 'astaire-electron-'));
    const env = Object.fromEntries(
      Object.entries(process.env).filter(
        (entry): entry is [string, string] =>
          entry[1] !== undefined && entry[0] !== 'ELECTRON_RUN_AS_NODE',
      ),
    );
    const app = await _electron.launch({
      executablePath: electron.path,
      args: [REPO_ROOT, '--data-dir', dataDir],
      env,
      timeout: 30_000,
    });
    try {
      const page = await app.firstWindow();
      await page.waitForLoadState('domcontentloaded');
      assert.equal(await page.title(), 'Astaire Console');

      const exposed = await page.evaluate(() => {
        const page = globalThis as unknown as PageGlobals;
        const bridge = page.astaire ?? {};
        return {
          names: Object.keys(bridge).sort(),
          types: [...new Set(Object.values(bridge).map((value) => typeof value))],
          require: typeof page.require,
          process: typeof page.process,
        };
      });
      assert.deepEqual(exposed, {
        names: [...Object.values(CHANNEL_FUNCTIONS), 'onEvents'].sort(),
        types: ['function'],
        require: 'undefined',
        process: 'undefined',
      });

      const info = await page.evaluate(async () => {
        const page = globalThis as unknown as PageGlobals;
        return await page.astaire?.appInfo?.();
      });
      assert.equal(info?.ok, true);
      assert.equal(info?.value?.mode, 'electron');

      // A file: URL, so that a failure here cannot open the operator's browser either.
      const opened = await page.evaluate(() =>
        (globalThis as unknown as PageGlobals).open('file:///'),
      );
      assert.equal(opened, null);
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
