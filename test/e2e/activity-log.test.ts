/**
 * The activity log in Chromium, on a real local memcached cluster: visiting the tabs (each visit of
 * some reads the cluster's status) leaves no "connection test" line, the operator's own test
 * leaves one; a long cluster name stays on one line; the search box filters the list.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startCluster, type MemcachedCluster } from '../support/memcached-process.js';
import { REPO_ROOT } from '../support/repo-paths.js';
import { launchChromium, loopbackContext } from './support/chromium.js';
import { addCluster } from './support/console-actions.js';
import { startWebConsoleProcess, type WebConsoleProcess } from './support/web-console-process.js';

const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'activity-log');
const TIMEOUT_MS = 20_000;
const TABS = ['Overview', 'Plan', 'Resize', 'Resync a node', 'Live', 'Activity'];
// Long enough to wrap word by word in a narrow column.
const CLUSTER_NAME = 'sprout registration store of the east data centre';

describe('the activity log in Chromium', () => {
  let memcached: MemcachedCluster;
  let server: WebConsoleProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dataDir: string;
  let statusReads = 0;
  const problems: string[] = [];

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'astaire-activity-e2e-'));
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    memcached = await startCluster(3);
    server = await startWebConsoleProcess(['--data-dir', dataDir]);
    browser = await launchChromium();
    context = await loopbackContext(browser, TIMEOUT_MS);
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('response', (response) => {
      if (response.url().endsWith('/api/cluster:status')) statusReads++;
    });
    await page.goto(server.url);
    await page
      .getByRole('status')
      .filter({ hasText: /^Connected$/ })
      .waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await memcached?.stop();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  const rows = () => page.locator('tr.activity-row');
  const openActivity = async () => {
    await page.getByRole('tab', { name: 'Activity' }).click();
    await page.getByRole('heading', { name: 'Activity', level: 2 }).waitFor();
    await rows().first().waitFor();
  };

  it('logs no connection test for tab visits, and one for the operator’s test', async () => {
    await addCluster(page, CLUSTER_NAME, memcached.addresses, []);
    for (let round = 0; round < 3; round++) {
      for (const tab of TABS) {
        const isStatusRead = tab === 'Resync a node';
        const read = isStatusRead
          ? page.waitForResponse((r) => r.url().endsWith('/api/cluster:status'))
          : undefined;
        await page.getByRole('tab', { name: tab }).click();
        await page.getByRole('tab', { name: tab, selected: true }).waitFor();
        await read;
      }
    }
    // Selecting the new cluster read its status once, and each Resync visit once more.
    assert.ok(statusReads >= 4, `the status was read ${statusReads} times`);

    await openActivity();
    await rows().filter({ hasText: 'cluster added' }).waitFor();
    assert.equal(await rows().filter({ hasText: 'connection test' }).count(), 0);

    await page.getByRole('tab', { name: 'Overview' }).click();
    const operatorTest = page.waitForResponse(
      (r) =>
        r.url().endsWith('/api/cluster:status') &&
        (r.request().postData() ?? '').includes('isOperatorTest'),
    );
    await page.getByRole('button', { name: 'Test connections' }).click();
    await operatorTest;
    await openActivity();
    const tests = rows().filter({ hasText: 'connection test' });
    await tests.first().waitFor();
    assert.equal(await tests.count(), 1);
    assert.match((await tests.first().textContent()) ?? '', /3 of 3 nodes answered/);
    assert.deepEqual(problems, []);
  });

  it('keeps a long cluster name on one line', async () => {
    await openActivity();
    // Line boxes of the cluster cell's text: one, however narrow the column.
    await page.setViewportSize({ width: 900, height: 760 });
    const lines = await page
      .locator('tr.activity-row td:nth-child(2)')
      .first()
      .evaluate((cell) => {
        // The distinct tops of its text's line boxes.
        const tops = new Set<number>();
        const walker = cell.ownerDocument.createTreeWalker(cell, 4 /* NodeFilter.SHOW_TEXT */);
        for (let text = walker.nextNode(); text !== null; text = walker.nextNode()) {
          const range = cell.ownerDocument.createRange();
          range.selectNodeContents(text);
          for (const rect of range.getClientRects()) tops.add(Math.round(rect.top));
        }
        return tops.size;
      });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'activity-narrow.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 760 });
    assert.equal(lines, 1, 'the cluster column wrapped');
  });

  it('filters the list by the words typed in the search box', async () => {
    await openActivity();
    const all = await rows().count();
    assert.ok(all >= 2, `${all} entries`);
    const search = page.getByRole('searchbox', { name: 'Search' });
    await search.fill('CONNECTION test');
    await page.getByText(`1 of ${all} entries`).waitFor();
    assert.deepEqual(
      (await rows().allTextContents()).map((text) => /connection test/.test(text)),
      [true],
    );
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'activity-search.png'), fullPage: true });
    await search.fill('no entry says this');
    await page.getByText('No entry matches the filter.').waitFor();
    assert.equal(await rows().count(), 0);
    await search.fill('');
    await page.getByText(`${all} of ${all} entries`).waitFor();
    assert.deepEqual(problems, []);
  });
});
