/**
 * The throttle and the address rule in Chromium, as an operator met them (issue 15, items 3 and
 * 4): a rate of 0.3 MiB/s typed in the wizard is the rate the job runs at, shown alike in the live
 * view's header and its throttle, and a key moves it to the neighbouring stop, not threefold; the
 * cluster editor refuses words with spaces, a URL and a blank name in plain words at the field,
 * and says which port an entry without one is reached on.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { computeStoreView } from '../../core/cluster/store-view.js';
import { ClusterClients, makeDataset, writeThroughView } from '../support/cluster-data.js';
import { startCluster, type MemcachedCluster } from '../support/memcached-process.js';
import { REPO_ROOT } from '../support/repo-paths.js';
import { launchChromium, loopbackContext } from './support/chromium.js';
import { addCluster, JOB_TIMEOUT_MS, selectCluster } from './support/console-actions.js';
import { startWebConsoleProcess, type WebConsoleProcess } from './support/web-console-process.js';

const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'throttle-and-addresses');
const TIMEOUT_MS = 20_000;

describe('the throttle and the address rule in Chromium', () => {
  let memcached: MemcachedCluster;
  let nodes: string[];
  let server: WebConsoleProcess;
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  const problems: string[] = [];

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'astaire-throttle-'));
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    memcached = await startCluster(3);
    nodes = memcached.addresses;
    // Enough data that a resync at 0.3 MiB/s runs for a while: about 6 MiB into the new node.
    const items = makeDataset({ seed: 15, count: 3000, valueSizes: [3000] });
    const clients = new ClusterClients();
    try {
      await writeThroughView(
        computeStoreView({ servers: nodes.slice(0, 2), newServers: [] }),
        items,
        clients,
      );
    } finally {
      await clients.close();
    }
    server = await startWebConsoleProcess(['--data-dir', dataDir]);
    browser = await launchChromium();
    page = await (await loopbackContext(browser, TIMEOUT_MS)).newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(server.url);
    await page
      .getByRole('status')
      .filter({ hasText: /^Connected$/ })
      .waitFor();
  });

  afterEach(async (t) => {
    await page
      ?.screenshot({
        path: join(SCREENSHOT_DIR, `${t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`),
        fullPage: true,
      })
      .catch(() => undefined);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await memcached?.stop();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a blank name, words with spaces and a URL in plain words at their field', async () => {
    await page.getByRole('button', { name: 'Add a cluster' }).click();
    const form = page.getByRole('form', { name: 'Add a cluster' });
    const servers = form.getByLabel('Servers', { exact: true });
    const save = form.getByRole('button', { name: 'Add cluster' });

    await servers.fill('127.0.0.77:11211');
    await save.click();
    assert.equal(await fieldError(form, 'Name'), '✕ Give the cluster a name.');

    await form.getByLabel('Name', { exact: true }).fill('typos');
    await servers.fill('127.0.0.77:11211\nnot an address');
    await save.click();
    assert.equal(
      await fieldError(form, 'Servers'),
      '✕ "not an address" has spaces in it: write one host:port per line, or separate them with commas.',
    );

    await servers.fill('http://127.0.0.77:11999');
    await save.click();
    assert.equal(
      await fieldError(form, 'Servers'),
      '✕ http://127.0.0.77:11999 is a URL; write host:port, e.g. 127.0.0.77:11999',
    );
    const clusters = page.getByRole('navigation', { name: 'Clusters' });
    assert.equal(await clusters.getByRole('button', { name: 'typos' }).count(), 0);
    assert.deepEqual(problems, []);
  });

  it('takes a profile as a form or as JSON, and names JSON it cannot read', async () => {
    const form = page.getByRole('form', { name: 'Add a cluster' });
    await form.getByLabel('Through a cluster profile (SSH)').check();
    await form.getByRole('button', { name: 'Edit as JSON' }).click();
    const json = form.getByLabel('Profile JSON', { exact: true });
    assert.match(await json.inputValue(), /"settingsPath": "\/etc\/clearwater\/cluster_settings"/);
    await json.fill('');
    await form.getByRole('button', { name: 'Back to the form' }).click();
    assert.match(await fieldError(form, 'Profile JSON'), /Profile JSON: empty/);
    await json.fill('{"settingsPath": "/etc/elsewhere"}');
    await form.getByRole('button', { name: 'Back to the form' }).click();
    assert.equal(
      await form.getByLabel('cluster_settings path on the nodes').inputValue(),
      '/etc/elsewhere',
    );
    await form.getByLabel(/^Directly, at their cluster_settings addresses/).check();
  });

  it('says which port an entry without one is reached on, and saves the entry as written', async () => {
    const form = page.getByRole('form', { name: 'Add a cluster' });
    const servers = form.getByLabel('Servers', { exact: true });
    await servers.fill('127.0.0.77');
    const hint = form.getByText(/Port 11211 assumed/);
    assert.match((await hint.textContent()) ?? '', /reached at 127\.0\.0\.77:11211/);
    await form.getByRole('button', { name: 'Add cluster' }).click();
    const table = page.getByRole('table', { name: 'Nodes of typos' });
    await table.getByRole('row').filter({ hasText: '127.0.0.77' }).first().waitFor();
    // One node, named as typed: not three nodes, not rewritten.
    assert.equal(await table.getByRole('row').filter({ hasText: '127.0.0.77' }).count(), 1);
  });

  it('runs a wizard resync at 0.3 MiB/s, shown alike in the header and the throttle', async () => {
    await addCluster(page, 'throttled', nodes.slice(0, 2), []);
    await page.getByRole('tab', { name: 'Resize' }).click();
    await page.getByLabel('New servers').fill(nodes.join('\n'));
    await page.getByRole('button', { name: 'Begin the resize' }).click();
    await confirmByHand(page, 1);
    await confirmByHand(page, 2);
    const wizardThrottle = page.getByRole('textbox', { name: /^Rate limit per target/ });
    await wizardThrottle.fill('0.3');
    await page.getByRole('button', { name: 'Start the resync' }).click();

    await page.getByRole('tab', { name: 'Live' }).click();
    const controls = page.getByRole('region', { name: 'Job controls' });
    const slider = controls.getByRole('slider', { name: /^Rate limit into each target/ });
    const typed = controls.getByRole('textbox', { name: /^Rate limit into each target/ });
    await page
      .getByText(/rate limit 307 KiB\/s/)
      .first()
      .waitFor({ timeout: JOB_TIMEOUT_MS });
    assert.equal(await slider.getAttribute('aria-valuetext'), '307 KiB/s');
    assert.equal(await typed.inputValue(), '307 KiB/s');
    await screenshotBoth(page, 'live-0.3-MiB');

    // One step up from 307 KiB/s is the next stop, 512 KiB/s (the old slider went to 1 MiB/s and
    // further); it reaches the job, and both read it.
    await slider.focus();
    await slider.press('ArrowRight');
    await page
      .getByText(/rate limit 512 KiB\/s/)
      .first()
      .waitFor();
    assert.equal(await typed.inputValue(), '512 KiB/s');
    await slider.press('ArrowLeft');
    await page
      .getByText(/rate limit 256 KiB\/s/)
      .first()
      .waitFor();

    // Typed in the running job's box, the rate is kept exactly; a small drag of the thumb then
    // lands on a neighbouring stop of 307 KiB/s (256 or 512), not far away.
    await typed.fill('0.3');
    await typed.press('Enter');
    await page
      .getByText(/rate limit 307 KiB\/s/)
      .first()
      .waitFor();
    const box = await slider.boundingBox();
    assert.ok(box !== null);
    const at = Number(await slider.inputValue()) / Number(await slider.getAttribute('max'));
    const thumbX = box.x + 8 + at * (box.width - 16);
    await page.mouse.move(thumbX, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(thumbX + 6, box.y + box.height / 2, { steps: 3 });
    await page.mouse.up();
    await page
      .getByText(/rate limit (256|512) KiB\/s/)
      .first()
      .waitFor();

    await controls.getByRole('button', { name: 'Cancel job…' }).click();
    await controls.getByRole('button', { name: 'Cancel the job' }).click();
    await controls.waitFor({ state: 'detached', timeout: JOB_TIMEOUT_MS });
    await selectCluster(page, 'throttled');
    assert.deepEqual(problems, []);
  });
});

async function fieldError(form: Locator, label: string): Promise<string> {
  const control = form.getByLabel(label, { exact: true });
  await control.and(form.locator('[aria-invalid="true"]')).waitFor();
  const id = await control.getAttribute('aria-errormessage');
  assert.ok(id !== null, `${label} names its error`);
  return (await form.locator(`[id="${id}"]`).textContent()) ?? '';
}

async function confirmByHand(page: Page, step: number): Promise<void> {
  const confirm = page.getByRole('button', { name: `Confirm step ${step} done by hand` });
  await confirm.waitFor({ timeout: JOB_TIMEOUT_MS });
  const box = page.getByRole('checkbox', { name: /^I have/ });
  if ((await box.count()) > 0) await box.first().check();
  await confirm.click();
  await confirm.waitFor({ state: 'detached', timeout: JOB_TIMEOUT_MS }).catch(() => undefined);
}

async function screenshotBoth(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${scheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
