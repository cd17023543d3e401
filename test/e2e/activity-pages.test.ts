/**
 * Regression test for "the activity log grows without bound while running", on the page: the
 * Activity screen loads the newest page of the log, older pages on request, and its search covers
 * what is loaded. The console starts on a log file of 1,200 entries written beforehand.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, loopbackContext } from './support/chromium.js';
import { addCluster } from './support/console-actions.js';
import { startWebConsoleProcess, type WebConsoleProcess } from './support/web-console-process.js';

const TIMEOUT_MS = 20_000;
const WRITTEN = 1200;

describe('activity log bounded: the Activity screen in pages, in Chromium', () => {
  let server: WebConsoleProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dataDir: string;
  const problems: string[] = [];

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'astaire-activity-pages-'));
    mkdirSync(dataDir, { recursive: true });
    const lines = Array.from({ length: WRITTEN }, (_, i) =>
      JSON.stringify({
        id: i + 1,
        at: new Date(Date.UTC(2030, 0, 1, 0, 0, i)).toISOString(),
        action: `written entry ${String(i + 1).padStart(4, '0')}`,
        outcome: 'info',
      }),
    );
    writeFileSync(join(dataDir, 'activity.jsonl'), lines.join('\n') + '\n', { mode: 0o600 });
    server = await startWebConsoleProcess(['--data-dir', dataDir]);
    browser = await launchChromium();
    context = await loopbackContext(browser, TIMEOUT_MS);
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(server.url);
    await page
      .getByRole('status')
      .filter({ hasText: /^Connected$/ })
      .waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the newest page, loads older pages on request, and searches what is loaded', async () => {
    // The Activity tab is a cluster's tab: a cluster where nothing listens (loopback) opens it.
    await addCluster(page, 'paged', ['127.0.0.1:1'], []);
    await page.getByRole('tab', { name: 'Activity' }).click();
    await page.getByRole('radio', { name: 'All clusters' }).check();
    const loaded = async (): Promise<number> => {
      const text = await page.locator('.activity .section-head p').textContent();
      const match = /^(\d+) of (\d+) entries$/.exec(text ?? '');
      assert.ok(match !== null, `the count reads "${text}"`);
      assert.equal(match[1], match[2], 'no filter is on');
      return Number(match[2]);
    };
    await page.locator('tr.activity-row').first().waitFor();
    // The newest page: the cluster just added and the newest written entries, 500 in all (a few
    // more when entries arrived as events after the page was read).
    const first = await loaded();
    assert.ok(first >= 500 && first < 510, String(first));
    const search = page.getByRole('searchbox', { name: 'Search' });
    await search.fill('written entry 0007');
    await page.getByText('No entry matches the filter.').waitFor();
    await search.fill('');

    const loadOlder = page.getByRole('button', { name: 'Load older entries' });
    await loadOlder.click();
    await page.getByRole('button', { name: /^Show 500 older entries/ }).waitFor();
    assert.equal(await loaded(), first + 500);
    await page.getByRole('button', { name: /^Show 500 older entries/ }).click();
    await loadOlder.click();
    await page.getByRole('button', { name: /^Show \d+ older entries/ }).click();
    // Every written entry is loaded, and a short page was the oldest: nothing more to load.
    assert.ok((await loaded()) >= WRITTEN + 1);
    assert.equal(await loadOlder.count(), 0);

    await search.fill('written entry 0007');
    await page.locator('tr.activity-row').first().waitFor();
    const actions = await page.locator('tr.activity-row td:nth-child(4)').allTextContents();
    assert.deepEqual(actions, ['written entry 0007']);
    assert.deepEqual(problems, []);
  });
});
