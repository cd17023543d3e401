/**
 * `npm run demo` on a machine without Electron's binary: the launcher says so, starts the demo
 * cluster, serves the console in web mode, and the page opens on the demo cluster with its four
 * nodes shown. Stopping it stops the demo's memcached processes too. (The demo listens on fixed
 * addresses, 127.0.0.1-4:11311, which is why it runs here, in the suite whose files run one at a
 * time.)
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { clusterNodes } from '../../core/cluster/worklist.js';
import { demoSettings } from '../../core/demo/demo-cluster.js';
import { isListening } from '../../core/demo/local-memcached.js';
import { parseServerAddress } from '../../core/shared/server-address.js';
import { REPO_ROOT } from '../support/repo-paths.js';
import { launchChromium, loopbackContext } from './support/chromium.js';
import { startWebConsoleProcess, type WebConsoleProcess } from './support/web-console-process.js';

const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'console-shell');

describe('npm run demo without Electron', () => {
  const dir = mkdtempSync(join(tmpdir(), 'astaire-demo-console-'));
  let demo: WebConsoleProcess;
  let browser: Browser;

  before(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    // An empty override directory: Electron's binary is missing here even where it is installed.
    const noElectron = mkdtempSync(join(dir, 'no-electron-'));
    demo = await startWebConsoleProcess(
      ['--demo', '--keys', '2000', '--data-dir', join(dir, 'data')],
      {
        viaLauncher: true,
        env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: noElectron },
        timeoutMs: 60_000,
      },
    );
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await demo?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens the console in web mode with the running demo cluster selected', async () => {
    assert.match(demo.stderr(), /Electron's binary is not installed on this machine/);
    const context = await loopbackContext(browser, 15_000);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (m) => (m.type() === 'error' ? problems.push(m.text()) : undefined));
    await page.goto(demo.url);
    // The first screen is the demo cluster's overview, with nothing clicked.
    const demoButton = page.getByRole('button').filter({ hasText: 'Demo cluster' });
    await demoButton.and(page.locator('[aria-current="true"]')).waitFor();
    await page.getByRole('tab', { name: 'Overview', selected: true }).waitFor();
    const nodes = clusterNodes(demoSettings());
    for (const node of nodes) {
      const row = page.getByRole('row').filter({ hasText: node });
      await row.getByText('reachable').waitFor();
      const role = node === nodes.at(-1) ? 'joining' : 'staying';
      await row.getByText(role, { exact: true }).waitFor();
    }
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'demo-light.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('stops the demo cluster when it stops', async () => {
    await demo.stop();
    for (const node of clusterNodes(demoSettings())) {
      const parsed = parseServerAddress(node);
      assert.ok(parsed.ok);
      assert.equal(await isListening(parsed.address.host, parsed.address.port), false, node);
    }
  });
});
