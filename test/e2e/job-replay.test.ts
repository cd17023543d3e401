/**
 * A finished job seen again after the page is reloaded, in Debian's Chromium on a real local
 * memcached cluster: the summary's counts, every grid cell's state, the throughput chart and the
 * notices read as they did before the reload, for a resync that succeeded and for one that failed
 * on every vbucket (its target refuses every connection). The finished job after the reload is saved
 * as test-results/finished-job-after-reload.png for a person to look at.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { computeStoreView } from '../../core/cluster/store-view.js';
import { ClusterClients, makeDataset, writeThroughView } from '../support/cluster-data.js';
import { startCluster, type MemcachedCluster } from '../support/memcached-process.js';
import { REPO_ROOT } from '../support/repo-paths.js';
import { launchChromium, loopbackContext } from './support/chromium.js';
import { addCluster, jobEnded, selectCluster, startResync } from './support/console-actions.js';
import { startWebConsoleProcess, type WebConsoleProcess } from './support/web-console-process.js';

const RESULTS_DIR = join(REPO_ROOT, 'test-results');
const TIMEOUT_MS = 20_000;
// Nothing listens on port 1 of loopback, and no test can start a memcached there (other tests
// on this machine may take a stopped memcached's address): every connection is refused at once.
const LOST_NODE = '127.0.0.1:1';

/** What the live view shows of the watched job, read from the page. */
interface ShownJob {
  readonly totals: string;
  /** Each grid cell's class and description, in order. */
  readonly cells: readonly string[];
  /** Each chart line's path: the same samples draw the same path. */
  readonly chartLines: readonly string[];
  readonly timeTicks: number;
  readonly notices: string;
}

async function readJob(page: Page): Promise<ShownJob> {
  const targets = page.locator('section.targets');
  return {
    totals: ((await page.locator('.job-figures').first().textContent()) ?? '').trim(),
    cells: await targets
      .getByRole('gridcell')
      .evaluateAll((cells) =>
        cells.map((cell) => `${cell.className} | ${cell.getAttribute('aria-label') ?? ''}`),
      ),
    chartLines: await targets
      .locator('.recharts-line path.recharts-curve')
      .evaluateAll((paths) => paths.map((path) => path.getAttribute('d') ?? '')),
    timeTicks: await targets.locator('.recharts-xAxis .recharts-cartesian-axis-tick').count(),
    notices: ((await page.locator('section.notices').textContent()) ?? '').trim(),
  };
}

/** How long the watched job ran, from its header's "ended …, (mm:ss)". */
async function jobSeconds(page: Page): Promise<number> {
  const times = (await page.locator('.job-times').first().textContent()) ?? '';
  const match = /\((?:(\d+):)?(\d+):(\d+)\)/.exec(times);
  assert.ok(match !== null, times);
  return Number(match[1] ?? 0) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}

/** The summary's "vbuckets done N of M". */
function vbucketsDone(totals: string): [number, number] {
  const match = /vbuckets done\s*([\d,]+)\s*of\s*([\d,]+)/.exec(totals);
  assert.ok(match !== null, totals);
  return [Number(match[1]?.replace(/,/g, '')), Number(match[2]?.replace(/,/g, ''))];
}

async function reloadToLive(page: Page, cluster: string): Promise<void> {
  await page.reload();
  await page
    .getByRole('status')
    .filter({ hasText: /^Connected$/ })
    .waitFor();
  await selectCluster(page, cluster);
  await page.getByRole('tab', { name: 'Live' }).click();
  await page.locator('.job-state').first().waitFor();
}

describe('a finished job after a reload, in Chromium', () => {
  let memcached: MemcachedCluster;
  let nodes: string[];
  let server: WebConsoleProcess;
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  const problems: string[] = [];

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'astaire-replay-e2e-'));
    mkdirSync(RESULTS_DIR, { recursive: true });
    memcached = await startCluster(4);
    nodes = memcached.addresses;
    const items = makeDataset({ seed: 15, count: 6000, valueSizes: [2000, 4000, 6000] });
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
    await page.goto(server.url);
    await page
      .getByRole('status')
      .filter({ hasText: /^Connected$/ })
      .waitFor();
    await addCluster(page, 'lab', nodes.slice(0, 3), nodes.slice(0, 4));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await memcached?.stop();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows a resync that ran to its end as before the reload', async () => {
    // Throttled, so that the chart has a few seconds of samples to draw.
    await startResync(page, nodes[3] ?? '', { full: true, rateLimitMiB: 1 });
    await jobEnded(page, 'succeeded');
    // The last batch of events is in: the page no longer changes.
    await page.waitForTimeout(500);
    const before = await readJob(page);
    const [done, total] = vbucketsDone(before.totals);
    assert.ok(total > 0 && done === total, before.totals);
    assert.ok(
      before.cells.some((cell) => /vb-done/.test(cell)),
      'done cells before',
    );
    assert.ok(before.chartLines.length >= 2, 'the target and its sources are drawn');
    // A sample every second: the target's line has a point for each second the job ran.
    const seconds = await jobSeconds(page);
    const points = before.chartLines[0]?.match(/[ML]/g)?.length ?? 0;
    assert.ok(seconds >= 3 && points >= seconds, `${points} points in ${seconds} s`);
    assert.ok(before.timeTicks > 2, `${before.timeTicks} labels on the time axis`);
    await reloadToLive(page, 'lab');
    await page.locator('.recharts-line path.recharts-curve').first().waitFor();
    const after = await readJob(page);
    assert.deepEqual(after, before);
    await page.screenshot({
      path: join(RESULTS_DIR, 'finished-job-after-reload.png'),
      fullPage: true,
    });
    // The chart's strokes on the dark theme too.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({
      path: join(RESULTS_DIR, 'finished-job-after-reload-dark.png'),
      fullPage: true,
    });
    await page.emulateMedia({ colorScheme: 'light' });
    assert.deepEqual(problems, []);
  });

  it('shows a resync that failed on every vbucket with its failures after the reload', async () => {
    await addCluster(page, 'lost', nodes.slice(0, 3), [...nodes.slice(0, 3), LOST_NODE]);
    await startResync(page, LOST_NODE, { full: true });
    await jobEnded(page, 'failed').catch(async (error: unknown) => {
      await page.screenshot({ path: join(RESULTS_DIR, 'debug-failed.png'), fullPage: true });
      const jobs = await page.evaluate(async () => {
        const response = await fetch('api/jobs:list', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: 'null',
        });
        return JSON.stringify(await response.json()).slice(0, 3000);
      });
      throw new Error(`${String(error)}\nservice jobs: ${jobs}\nstderr: ${server.stderr()}`);
    });
    await page.waitForTimeout(500);
    const before = await readJob(page);
    const failed = before.cells.filter((cell) => /vb-failed/.test(cell)).length;
    const [done, total] = vbucketsDone(before.totals);
    assert.ok(total > 0 && done === 0, before.totals);
    assert.equal(failed, total, 'every vbucket of the target failed');
    assert.match(before.totals, new RegExp(`${total} failed`));
    await reloadToLive(page, 'lost');
    await page.locator('section.targets .vb-failed').first().waitFor();
    const after = await readJob(page);
    assert.deepEqual(after, before);
    assert.match(after.notices, /ECONNREFUSED/, 'the retries it told of');
    await page.screenshot({
      path: join(RESULTS_DIR, 'failed-job-after-reload.png'),
      fullPage: true,
    });
    assert.deepEqual(problems, []);
  });
});
