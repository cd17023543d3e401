/**
 * The console's screens in Debian's Chromium, on a real local memcached cluster with data written
 * through the three-node view, driven as an operator drives them: define the cluster, read its
 * overview and vbucket map, preview the 3 -> 4 plan, see a dead node's reason and a resync that
 * fails for want of sources, resync one node in full, pause and resume a throttled resync, and
 * run the five-step resize wizard to its report. Each screen is saved, light and dark, under
 * test-results/console-screens/ for a person to look at.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { computeStoreView } from '../../core/cluster/store-view.js';
import {
  checkPlacement,
  ClusterClients,
  makeDataset,
  writeThroughView,
  type TestItem,
} from '../support/cluster-data.js';
import { startCluster, type MemcachedCluster } from '../support/memcached-process.js';
import { rawStats } from '../support/raw-memcached.js';
import { REPO_ROOT } from '../support/repo-paths.js';
import { launchChromium, loopbackContext } from './support/chromium.js';
import {
  JOB_TIMEOUT_MS,
  addCluster,
  confirmByHand,
  jobEnded,
  selectCluster,
  startResync,
} from './support/console-actions.js';
import { startWebConsoleProcess, type WebConsoleProcess } from './support/web-console-process.js';

const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'console-screens');
const TIMEOUT_MS = 20_000;

// Nothing listens on ports 1 and 2 of loopback: connections are refused at once.
const DEAD_NODES = ['127.0.0.1:1', '127.0.0.1:2'];

describe('the console screens in Chromium', () => {
  let memcached: MemcachedCluster;
  let nodes: string[];
  let items: TestItem[];
  let server: WebConsoleProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dataDir: string;
  const problems: string[] = [];

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'astaire-screens-'));
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    memcached = await startCluster(4);
    nodes = memcached.addresses;
    items = makeDataset({ seed: 66, count: 12_000, valueSizes: [100, 800, 3000] });
    const clients = new ClusterClients();
    try {
      await writeThroughView(
        computeStoreView({ servers: nodes.slice(0, 3), newServers: [] }),
        items,
        clients,
      );
    } finally {
      await clients.close();
    }
    server = await startWebConsoleProcess(['--data-dir', dataDir]);
    browser = await launchChromium();
    context = await loopbackContext(browser, TIMEOUT_MS);
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
  });

  afterEach(async (t) => {
    // Where each test left the page, failed or not, for whoever reads a failure in CI.
    await page
      ?.screenshot({ path: join(SCREENSHOT_DIR, `end-of-${slug(t.name)}.png`), fullPage: true })
      .catch(() => undefined);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await memcached?.stop();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it('defines a cluster and shows its nodes and its vbucket map', async () => {
    await addCluster(page, 'lab', nodes.slice(0, 3), nodes.slice(0, 4));
    const table = page.getByRole('table', { name: 'Nodes of lab' });
    await table.waitFor();
    for (const node of nodes) {
      await table.getByRole('row').filter({ hasText: node }).getByText('reachable').waitFor();
    }
    const map = page.getByRole('grid', { name: /vbuckets coloured/ });
    assert.equal(await map.getByRole('gridcell').count(), 128);
    await map.getByRole('gridcell').nth(5).click();
    const details = page.getByRole('complementary', { name: 'vbucket details' });
    await details
      .getByText(/vbucket 5/i)
      .first()
      .waitFor();
    assert.match((await details.textContent()) ?? '', /write/i);
    await screenshots(page, 'overview');
  });

  it('previews the 3 -> 4 plan with its estimate and the failure risk, writing nothing', async () => {
    await page.getByRole('tab', { name: 'Plan' }).click();
    await page.getByRole('heading', { name: 'Resize plan' }).waitFor();
    const summary = page.getByRole('table', { name: 'Each node before and after the resize' });
    await summary
      .getByRole('row')
      .filter({ hasText: nodes[3] ?? '' })
      .getByText('joining')
      .waitFor();
    const estimate = page.getByRole('region', { name: /^Estimate/ });
    // The estimate samples the sources: 12,000 keys were written, each to two of the three nodes.
    await estimate
      .getByText(/^\d{1,2},\d{3}$/)
      .first()
      .waitFor();
    // Two replicas, 3 -> 4: no node failing during it leaves fewer copies than without a resize.
    await page.getByText(/No node failing during this resize leaves a vbucket/).waitFor();
    const stats = await rawStats(...hostPort(nodes[3] ?? ''));
    assert.equal(stats.get('curr_items'), '0', 'the preview wrote nothing to the new node');
    await screenshots(page, 'plan');
  });

  it('shows a dead node with its reason, and a resync without sources fails naming them', async () => {
    await addCluster(page, 'broken', DEAD_NODES, [...DEAD_NODES, nodes[3] ?? '']);
    const table = page.getByRole('table', { name: 'Nodes of broken' });
    for (const dead of DEAD_NODES) {
      const row = table.getByRole('row').filter({ hasText: dead });
      await row
        .getByText(/DOWN|unreachable/i)
        .first()
        .waitFor();
      assert.match((await row.textContent()) ?? '', /refused/i);
    }
    await screenshots(page, 'dead-nodes');
    await startResync(page, nodes[3] ?? '', { full: false });
    await page
      .getByText(/no replica could serve it/i)
      .first()
      .waitFor({ timeout: JOB_TIMEOUT_MS });
    await page
      .getByRole('button', { name: /^Retry/ })
      .first()
      .waitFor();
    await screenshots(page, 'live-failed');
  });

  it('resyncs one node in full and shows it done', async () => {
    await selectCluster(page, 'lab');
    await startResync(page, nodes[3] ?? '', { full: true });
    await jobEnded(page, 'succeeded');
    await screenshots(page, 'live-done');
  });

  it('pauses a throttled resync (nothing reaches the node) and resumes it to the end', async () => {
    await startResync(page, nodes[3] ?? '', { full: true, rateLimitMiB: 1 });
    const pause = page.getByRole('button', { name: /Pause/ });
    await pause.click();
    await page.getByRole('button', { name: /Resume/ }).waitFor();
    await page.waitForTimeout(500);
    const target = hostPort(nodes[3] ?? '');
    const before = Number((await rawStats(...target)).get('cmd_set'));
    await page.waitForTimeout(1500);
    const after = Number((await rawStats(...target)).get('cmd_set'));
    assert.equal(after, before, 'no set reached the target while paused');
    await screenshots(page, 'live-paused');
    await page.getByRole('button', { name: /Resume/ }).click();
    await jobEnded(page, 'succeeded');
  });

  it('runs the five-step resize wizard to its report', async () => {
    await page.getByRole('tab', { name: 'Resize' }).click();
    await page.getByRole('button', { name: 'Begin the resize' }).click();
    await confirmByHand(page, 1);
    await screenshots(page, 'wizard-step-2');
    await confirmByHand(page, 2);
    await page.getByRole('button', { name: 'Start the resync' }).click();
    await page
      .getByRole('button', { name: 'Confirm step 4 done by hand' })
      .waitFor({ timeout: JOB_TIMEOUT_MS });
    await screenshots(page, 'wizard-step-4');
    // Step 4 by hand: the verify runs first, then the write is confirmed.
    await confirmByHand(page, 4);
    await confirmByHand(page, 4);
    await confirmByHand(page, 5);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Save report' }).click();
    const report = JSON.parse(readFileSync(await (await download).path(), 'utf8')) as {
      newServers: string[];
      resyncs: unknown[];
    };
    assert.deepEqual(report.newServers, nodes.slice(0, 4));
    assert.ok(report.resyncs.length >= 1);
    await screenshots(page, 'wizard-report');

    const clients = new ClusterClients();
    try {
      const placement = await checkPlacement(
        { servers: nodes.slice(0, 4), newServers: [] },
        items,
        clients,
      );
      // Every key on each of its two new replicas.
      assert.equal(placement.checked, items.length * 2);
      assert.deepEqual(placement.wrong.slice(0, 5), []);
    } finally {
      await clients.close();
    }
    await selectCluster(page, 'lab');
    await page
      .getByText(/4 nodes/)
      .first()
      .waitFor();
  });

  it('logs every action in the activity log', async () => {
    await page.getByRole('tab', { name: 'Activity' }).click();
    const log = page.getByRole('table', { name: 'Newest first' });
    await log
      .getByText(/cluster_settings|step/i)
      .first()
      .waitFor();
    assert.ok((await log.getByRole('row').count()) > 5);
    await screenshots(page, 'activity');
    assert.deepEqual(problems, []);
  });
});

function slug(text: string): string {
  return text.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
}

function hostPort(address: string): [string, number] {
  const [host = '', port = ''] = address.split(':');
  return [host, Number(port)];
}

async function screenshots(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${scheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
