/**
 * The console in Chromium on a cluster of Clearwater's memcached (the test server that plays it,
 * or the fork itself where ASTAIRE_CLEARWATER_MEMCACHED gives a build) joined by a stock node:
 * the overview names each node's memcached, and a one-node resync's live view says its sources
 * stream with TAP.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ClusterClients, makeDataset, seedCluster } from '../support/cluster-data.js';
import {
  CLEARWATER_PREFIX,
  startMemcached,
  type MemcachedProcess,
} from '../support/memcached-process.js';
import { REPO_ROOT } from '../support/repo-paths.js';
import { launchChromium, loopbackContext } from './support/chromium.js';
import { addCluster, jobEnded, startResync } from './support/console-actions.js';
import { startWebConsoleProcess, type WebConsoleProcess } from './support/web-console-process.js';

const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'console-screens');

describe("the console in Chromium on Clearwater's memcached", () => {
  const dir = mkdtempSync(join(tmpdir(), 'astaire-fork-screens-'));
  let nodes: MemcachedProcess[];
  let server: WebConsoleProcess;
  let browser: Browser;

  before(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const fork = CLEARWATER_PREFIX === undefined ? 'clearwater-test-server' : 'clearwater';
    nodes = await Promise.all([
      startMemcached({ kind: fork }),
      startMemcached({ kind: fork }),
      startMemcached({ kind: fork }),
      startMemcached({ kind: 'stock' }),
    ]);
    const clients = new ClusterClients();
    try {
      const all = nodes.map((node) => node.address);
      await seedCluster(clients, all, all.slice(0, 3), makeDataset({ seed: 470, count: 3000 }));
    } finally {
      await clients.close();
    }
    server = await startWebConsoleProcess(['--data-dir', join(dir, 'data')]);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await Promise.all(nodes.map((node) => node.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("names each node's memcached, and the TAP sources of a live resync", async () => {
    const context = await loopbackContext(browser, 20_000);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(server.url);
    const all = nodes.map((node) => node.address);
    await addCluster(page, 'clearwater', all.slice(0, 3), all);
    for (const node of all.slice(0, 3)) {
      const row = page.getByRole('row').filter({ hasText: node });
      await row.getByText(/Clearwater memcached \(TAP\) 1\.6\.0_beta1/).waitFor();
    }
    await page
      .getByRole('row')
      .filter({ hasText: all[3] as string })
      .getByText(/memcached \(meta\) 1\.6/)
      .waitFor();
    await page.screenshot({
      path: join(SCREENSHOT_DIR, 'clearwater-overview.png'),
      fullPage: true,
    });

    await startResync(page, all[3] as string, { full: false });
    await jobEnded(page, 'succeeded');
    const sources = page.getByRole('list', { name: `Sources of ${all[3] as string}` });
    await sources.getByText('Clearwater memcached (TAP)').first().waitFor();
    assert.equal(await sources.getByText('Clearwater memcached (TAP)').count(), 3);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'clearwater-live.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await context.close();
  });
});
