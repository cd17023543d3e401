/**
 * The live view during a 4-target resize, in Debian's Chromium: a 3 -> 4 resize of a loaded local
 * cluster, every node refilled in full (so all four stream at once), throttled so that it lasts a
 * few seconds. The page must show how far the job is at a glance (one bar by keys moved, with an
 * ETA, and one per target), give its grid the overview's shape, and end with full bars. Its frame
 * times while the resize streams are measured and printed (a test asserts behaviour; the figures
 * are for reading), and screenshots during and after go to test-results/live-progress/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { computeStoreView } from '../../core/cluster/store-view.js';
import { ClusterClients, makeDataset, writeThroughView } from '../support/cluster-data.js';
import { startCluster, type MemcachedCluster } from '../support/memcached-process.js';
import { REPO_ROOT } from '../support/repo-paths.js';
import { launchChromium, loopbackContext } from './support/chromium.js';
import { addCluster, jobEnded, JOB_TIMEOUT_MS, selectCluster } from './support/console-actions.js';
import { describeFrames, recordFrames } from './support/frame-recorder.js';
import { callFromPage } from './support/page-api.js';
import { startWebConsoleProcess, type WebConsoleProcess } from './support/web-console-process.js';

const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'live-progress');
const CLUSTER_NAME = 'four targets';
// Per target: each of the four receives about 3 MiB, so the resize streams for about ten seconds.
const RATE_LIMIT = 256 * 1024;

describe('the live view of a 4-target resize in Chromium (issue 15)', () => {
  let memcached: MemcachedCluster;
  let server: WebConsoleProcess;
  let browser: Browser;
  let page: Page;
  let dataDir: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'astaire-live-progress-'));
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    memcached = await startCluster(4);
    const servers = memcached.addresses.slice(0, 3);
    const clients = new ClusterClients();
    try {
      const items = makeDataset({ seed: 15, count: 6_000, valueSizes: [100, 800, 2000] });
      await writeThroughView(computeStoreView({ servers, newServers: [] }), items, clients);
    } finally {
      await clients.close();
    }
    server = await startWebConsoleProcess(['--data-dir', dataDir]);
    browser = await launchChromium();
    const context = await loopbackContext(browser, 20_000);
    page = await context.newPage();
    await page.goto(server.url);
    await addCluster(page, CLUSTER_NAME, servers, memcached.addresses);
    await selectCluster(page, CLUSTER_NAME);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await memcached?.stop();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the job and each target by keys moved, in the overview’s grid shape', async (t) => {
    await page.getByRole('tab', { name: 'Overview' }).click();
    const overviewColumns = await columnsOf(page.getByRole('grid').first());

    const clusters = await callFromPage<{ id: string; name: string }[]>(
      page,
      'clusters:list',
      null,
    );
    const cluster = clusters.find((entry) => entry.name === CLUSTER_NAME);
    assert.ok(cluster, 'the cluster was saved');
    await callFromPage(page, 'jobs:start', {
      kind: 'resize',
      clusterId: cluster.id,
      full: true,
      parallel: 4,
      rateLimit: RATE_LIMIT,
    });
    await page.getByRole('tab', { name: 'Live' }).click();

    const jobBar = page.getByRole('progressbar', { name: 'Progress of the whole job' });
    // Part-way: the bar has a share (every source counted its keys) and is not yet full.
    await waitForShare(jobBar, (percent) => percent >= 5 && percent <= 50);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'live-view-during-resize.png') });
    const text = (await jobBar.getAttribute('aria-valuetext')) ?? '';
    assert.match(text, /^\d+% · [\d,]+ of ~[\d,]+ keys · /, text);
    const targetBars = page.getByRole('progressbar', { name: /^Progress of 127\./ });
    assert.equal(await targetBars.count(), 4, 'one bar per target');
    const liveColumns = await columnsOf(page.getByRole('grid').first());
    assert.equal(liveColumns, overviewColumns, 'the live grid has the overview’s shape');
    assert.equal(liveColumns, 16);

    // Frames from here to the end, with the page left alone: a screenshot or a layout read by the
    // test would stall frames itself.
    const frames = await recordFrames(page, () => jobEnded(page, 'succeeded'));

    assert.equal(await jobBar.getAttribute('aria-valuenow'), '100');
    assert.match((await jobBar.getAttribute('aria-valuetext')) ?? '', /keys, .* moved$/);
    // A grid out of sight keeps the cells it last drew and catches up when it comes into view:
    // each is brought into view, and then shows every vbucket of its worklist done.
    const grids = page.getByRole('grid', { name: /^vbuckets moving to / });
    let done = 0;
    for (let index = 0; index < (await grids.count()); index++) {
      const grid = grids.nth(index);
      await grid.scrollIntoViewIfNeeded();
      await grid.locator('.vb-pending, .vb-streaming').first().waitFor({ state: 'detached' });
      done += await grid.locator('.vb-done').count();
    }
    assert.equal(done, 256, 'every vbucket of every worklist done: 128 vbuckets, 2 replicas');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'live-view-finished.png'), fullPage: true });
    // Figures for reading, not a pass mark: a timed assertion would fail on a busy machine.
    const report = describeFrames('Live view, 4-target resize streaming', frames);
    writeFileSync(join(SCREENSHOT_DIR, 'frame-times.txt'), report);
    for (const line of report.trimEnd().split('\n')) t.diagnostic(line);
  });
});

/** How many columns a grid is drawn with: the cells laid out on its first row. */
async function columnsOf(grid: Locator): Promise<number> {
  const cells = grid.getByRole('gridcell');
  const top = (await cells.first().boundingBox())?.y;
  assert.ok(top !== undefined, 'the grid is drawn');
  let columns = 0;
  while ((await cells.nth(columns).boundingBox())?.y === top) columns++;
  return columns;
}

/** Waits until a progress bar's share (its aria-valuenow) passes `test`. */
async function waitForShare(bar: Locator, test: (percent: number) => boolean): Promise<void> {
  const deadline = Date.now() + JOB_TIMEOUT_MS;
  for (;;) {
    const now = await bar.getAttribute('aria-valuenow');
    if (now !== null && test(Number(now))) return;
    if (Date.now() > deadline) throw new Error(`the bar's share stayed at ${now ?? 'unknown'}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
