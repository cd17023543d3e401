/**
 * A whole 3 -> 4 resize through the wizard in Debian's Chromium, on a real local memcached
 * cluster, with a verify that fails and is repaired without an override: moved keys are deleted on
 * the joining node before step 4, the blockers box resyncs the vbuckets it lists and verifies
 * again, and steps 4 and 5 finish with step 4's Done line saying no override was used. On the way,
 * the keyboard: the screen tabs follow the WAI-ARIA tabs pattern, and focus moves to the next
 * step's first control after a step is confirmed by hand. Screens go to test-results/wizard-repair/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { computeStoreView } from '../../core/cluster/store-view.js';
import {
  checkPlacement,
  ClusterClients,
  makeDataset,
  writeThroughView,
  type TestItem,
} from '../support/cluster-data.js';
import { startCluster, type MemcachedCluster } from '../support/memcached-process.js';
import { deleteMovedKeys } from '../support/moved-keys.js';
import { REPO_ROOT } from '../support/repo-paths.js';
import { launchChromium, loopbackContext } from './support/chromium.js';
import { JOB_TIMEOUT_MS, addCluster, confirmByHand } from './support/console-actions.js';
import { startWebConsoleProcess, type WebConsoleProcess } from './support/web-console-process.js';

const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'wizard-repair');
const TIMEOUT_MS = 20_000;

describe('the resize wizard repairs a failed verify in Chromium', () => {
  let memcached: MemcachedCluster;
  let nodes: string[];
  let items: TestItem[];
  let server: WebConsoleProcess;
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  const problems: string[] = [];

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'astaire-repair-'));
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    memcached = await startCluster(4);
    nodes = memcached.addresses;
    items = makeDataset({ seed: 67, count: 4000, valueSizes: [100, 800] });
    const clients = new ClusterClients();
    try {
      const view = computeStoreView({ servers: nodes.slice(0, 3), newServers: [] });
      await writeThroughView(view, items, clients);
    } finally {
      await clients.close();
    }
    server = await startWebConsoleProcess(['--data-dir', dataDir]);
    browser = await launchChromium();
    const context = await loopbackContext(browser, TIMEOUT_MS);
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    await page.goto(server.url);
    await page
      .getByRole('status')
      .filter({ hasText: /^Connected$/ })
      .waitFor();
    await addCluster(page, 'repair', nodes.slice(0, 3), nodes.slice(0, 4));
  });

  after(async () => {
    await page
      ?.screenshot({ path: join(SCREENSHOT_DIR, 'end.png'), fullPage: true })
      .catch(() => undefined);
    await browser?.close();
    await server?.stop();
    await memcached?.stop();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it('moves between the screen tabs with the arrow keys, Home and End', async () => {
    const tabs = page.getByRole('tablist', { name: 'Screens' });
    await tabs.getByRole('tab', { name: 'Overview' }).focus();
    await page.keyboard.press('ArrowRight');
    await assertSelectedTab(page, 'Plan');
    await page.keyboard.press('End');
    await assertSelectedTab(page, 'Activity');
    await page.keyboard.press('ArrowRight');
    await assertSelectedTab(page, 'Overview');
    await page.keyboard.press('ArrowLeft');
    await assertSelectedTab(page, 'Activity');
    await page.keyboard.press('Home');
    await assertSelectedTab(page, 'Overview');
    // One tab stop: only the selected tab is in the Tab order.
    const stops = await tabs.getByRole('tab').evaluateAll((all) => all.map((tab) => tab.tabIndex));
    assert.deepEqual(stops, [0, -1, -1, -1, -1, -1]);
  });

  it('moves focus to the next step after a step is confirmed by hand', async () => {
    await page.getByRole('tab', { name: 'Resize' }).click();
    await page.getByRole('button', { name: 'Begin the resize' }).click();
    await confirmByHand(page, 1);
    const focused = await focusedControl(page);
    assert.equal(focused.step, 'Step 2: Reload cluster_settings on every node');
    assert.match(focused.name, /I have reloaded cluster_settings on every node/);
    // From there, the keyboard alone confirms step 2.
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Start the resync' }).waitFor();
    const next = await focusedControl(page);
    assert.equal(next.step, 'Step 3: Resync every node');
  });

  it('clears a failed verify by resyncing the listed vbuckets and verifying again, with no override', async () => {
    await page.getByRole('button', { name: 'Start the resync' }).click();
    await page
      .getByRole('button', { name: 'Confirm step 4 done by hand' })
      .waitFor({ timeout: JOB_TIMEOUT_MS });
    const resize = { servers: nodes.slice(0, 3), newServers: nodes.slice(0, 4) };
    const lost = await deleteMovedKeys(resize, nodes[3] ?? '', items, 7);

    await confirmByHand(page, 4);
    const blockers = page.getByRole('alert').filter({ hasText: 'cannot be written yet' });
    await blockers.getByText(/verify found 7 keys missing/).waitFor({ timeout: JOB_TIMEOUT_MS });
    await blockers.getByText(lost.vbuckets.join(', ')).first().waitFor();
    await screenshot(page, 'blocked');

    await blockers.getByRole('button', { name: 'Resync the listed vbuckets' }).click();
    await blockers
      .getByText(/verify again to clear the blockers/)
      .first()
      .waitFor({ timeout: JOB_TIMEOUT_MS });
    await blockers.getByRole('button', { name: 'Verify again' }).click();
    await page
      .getByText('Nothing blocks writing the new servers list.')
      .waitFor({ timeout: JOB_TIMEOUT_MS });
    await screenshot(page, 'verified-again');

    await confirmByHand(page, 4);
    await confirmByHand(page, 5);
    await page.getByRole('button', { name: 'Save report' }).waitFor();
    const stepFour = page.locator('li.wizard-step').nth(3).locator('summary');
    assert.match(await stepFour.innerText(), /No override: a clean verify let the write through/);
    await screenshot(page, 'complete');

    const clients = new ClusterClients();
    try {
      const placement = await checkPlacement(
        { servers: nodes.slice(0, 4), newServers: [] },
        items,
        clients,
      );
      assert.equal(placement.checked, items.length * 2);
      assert.deepEqual(placement.wrong.slice(0, 5), []);
    } finally {
      await clients.close();
    }
    assert.deepEqual(problems, []);
  });
});

async function assertSelectedTab(page: Page, name: string): Promise<void> {
  const tab = page.getByRole('tab', { name, selected: true });
  await tab.waitFor();
  await page.locator('[role="tab"]:focus').filter({ hasText: name }).waitFor();
  const panel = await tab.getAttribute('aria-controls');
  assert.ok(panel !== null, `${name} names its panel`);
  const labelledBy = await page
    .locator(`[role="tabpanel"]#${panel}`)
    .getAttribute('aria-labelledby');
  assert.equal(labelledBy, await tab.getAttribute('id'));
}

/** The focused control in the current step (it must not be the body), and that step's heading. */
async function focusedControl(page: Page): Promise<{ step: string; name: string }> {
  const focused = page.locator('[aria-current="step"] .step-body :focus');
  await focused.waitFor();
  return focused.evaluate((element) => {
    // An input's own label names it; any other control is named by its text.
    const labels = (element as unknown as { labels?: ArrayLike<{ textContent: string | null }> })
      .labels;
    return {
      step: element.closest('li')?.querySelector('h3')?.textContent ?? '',
      name: labels?.[0]?.textContent ?? element.textContent ?? '',
    };
  });
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
