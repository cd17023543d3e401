/**
 * The console's page in real Chromium through web mode: `astaire console` as a child process, real
 * memcached nodes on loopback, and the page driven the way an operator uses it (by labels, roles
 * and button names). Screenshots of each state, light and dark, go to test-results/console-shell/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startCluster, type MemcachedCluster } from '../support/memcached-process.js';
import { REPO_ROOT } from '../support/repo-paths.js';
import { launchChromium, loopbackContext } from './support/chromium.js';
import { startWebConsoleProcess, type WebConsoleProcess } from './support/web-console-process.js';

const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'console-shell');
const TIMEOUT_MS = 15_000;
// Nothing listens on port 1: connecting is refused at once, without leaving loopback.
const UNREACHABLE = '127.0.0.1:1';
const BAD_PORT = '127.0.0.1:99999';

// Every problem the page reports, by page: uncaught errors, console errors, blocked requests.
const problems = new Map<Page, string[]>();

describe('the web console in Chromium', () => {
  let memcached: MemcachedCluster;
  let server: WebConsoleProcess;
  let browser: Browser;
  let context: BrowserContext;
  let dataDir: string;
  let page: Page;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'astaire-web-console-'));
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    memcached = await startCluster(3);
    server = await startWebConsoleProcess(['--data-dir', dataDir]);
    browser = await launchChromium();
    // The page may reach the console service and nothing else: every request leaving loopback is
    // refused, and counted as a problem.
    context = await loopbackContext(browser, TIMEOUT_MS);
    page = await openPage(context, server.url);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await memcached?.stop();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it('loads under its CSP, in web mode, with the event socket connected', async () => {
    assert.equal(await page.title(), 'Astaire Console');
    await page.getByRole('heading', { name: 'Astaire Console', level: 1 }).waitFor();
    await page.getByText('Web mode').waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: /^Connected$/ })
      .waitFor();
    await page.getByText('No clusters yet').waitFor();
    await screenshots(page, 'empty');
    assertNoProblems(page);
  });

  it('adds a cluster through the form and shows every node reachable with its version', async () => {
    // A second page sees the new cluster through the event socket alone (clusters-changed).
    const watcher = await openPage(context, server.url);
    await addCluster(page, 'three nodes', memcached.addresses.join('\n'));

    const table = page.getByRole('table', { name: 'Nodes of three nodes' });
    for (const address of memcached.addresses) {
      const row = table
        .getByRole('row')
        .filter({ has: page.getByRole('rowheader', { name: address }) });
      await row.filter({ hasText: 'reachable' }).waitFor();
      const cells = await row.getByRole('cell').allTextContents();
      assert.equal(cells.length, 5, `cells of ${address}: ${cells.join(' | ')}`);
      const [role, connection, items, memory, tag] = cells;
      assert.equal(role, 'stable');
      assert.match(connection ?? '', /^✓ reachablememcached \(meta\) 1\.6\.\d+, dumps allowed$/);
      assert.match(items ?? '', /^\d[\d,]*$/);
      assert.match(memory ?? '', /\d.* of 64\.0 MiBno evictions$/);
      // A cluster Astaire never resynced has no tag records anywhere: no alarm, just the fact.
      assert.equal(tag, 'never resynced by Astaire');
    }
    assert.equal(await table.getByText('DOWN').count(), 0);
    await page.getByRole('button', { name: 'Test connections' }).click();
    await page.getByText(/^Tested /).waitFor();
    await screenshots(page, 'nodes');

    await clusterButton(watcher, 'three nodes').waitFor();
    assertNoProblems(watcher);
    await watcher.close();
    assertNoProblems(page);
  });

  it('shows an unreachable node as DOWN with the reason', async () => {
    const live = memcached.addresses[0] ?? '';
    await addCluster(page, 'one down', `${live}, ${UNREACHABLE}`);
    const table = page.getByRole('table', { name: 'Nodes of one down' });
    const down = table
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: UNREACHABLE }) });
    await down.filter({ hasText: 'DOWN' }).waitFor();
    const [, state, items] = await down.getByRole('cell').allTextContents();
    assert.match(state ?? '', /^✕ DOWN.{8,}/, 'DOWN followed by the reason');
    assert.match(state ?? '', /127\.0\.0\.1:1|refused/i);
    assert.equal(items, '—');
    await table
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: live }) })
      .filter({ hasText: 'reachable' })
      .waitFor();
    await screenshots(page, 'down');

    // Switching back shows the first cluster again, all reachable.
    await clusterButton(page, 'three nodes').click();
    await page.getByRole('table', { name: 'Nodes of three nodes' }).waitFor();
    assertNoProblems(page);
  });

  it('shows at the field what is wrong with the entry, when a cluster is rejected', async () => {
    // Refused by the address rule before anything is looked up (a host name would be resolved).
    await addCluster(page, 'bad', BAD_PORT, false);
    const form = page.getByRole('form', { name: 'Add a cluster' });
    const alert = form.getByRole('alert');
    await alert.waitFor();
    const message = (await alert.textContent()) ?? '';
    assert.match(message, /"127\.0\.0\.1:99999": port "99999" is not a number from 1 to 65535/);
    assert.equal(
      await form.getByLabel('Servers', { exact: true }).getAttribute('aria-invalid'),
      'true',
    );
    assert.equal(await clusterButton(page, 'bad').count(), 0);
    await screenshots(page, 'rejected');
    assertNoProblems(page);
  });
});

async function openPage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  const list: string[] = [];
  problems.set(page, list);
  page.on('pageerror', (error) => list.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      list.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on('requestfailed', (request) =>
    list.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? '?'})`),
  );
  await page.goto(url);
  return page;
}

function assertNoProblems(page: Page): void {
  assert.deepEqual(problems.get(page), []);
}

function clusterButton(page: Page, name: string): Locator {
  return page
    .getByRole('navigation', { name: 'Clusters' })
    .getByRole('button')
    .filter({ has: page.getByText(name, { exact: true }) });
}

async function addCluster(page: Page, name: string, servers: string, isValid = true) {
  await page
    .getByRole('navigation', { name: 'Clusters' })
    .getByRole('button', { name: 'Add a cluster' })
    .click();
  const form = page.getByRole('form', { name: 'Add a cluster' });
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByLabel('Servers', { exact: true }).fill(servers);
  await form.getByRole('button', { name: 'Add cluster' }).click();
  if (!isValid) return;
  // Saving selects the new cluster; the list marks it as the current one.
  await clusterButton(page, name).and(page.locator('[aria-current="true"]')).waitFor();
  await page.getByRole('heading', { name, level: 2 }).waitFor();
}

// The page as it is now, in the light and the dark scheme.
async function screenshots(page: Page, name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({
      path: join(SCREENSHOT_DIR, `${name}-${colorScheme}.png`),
      fullPage: true,
    });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
