/**
 * The console's frame times while it shows a live resize: 16 memcached nodes on loopback, a resize
 * from 8 to 16 with 1,024 vbuckets (every new node a target, all eight filled at once, so all 16
 * nodes stream), the console in web mode as a child process, its page in Debian's Chromium on the
 * Live view. The page records the time between animation frames (requestAnimationFrame) and every
 * long task (> 50 ms) while the resize runs. Prints figures; asserts nothing.
 *
 * Usage: node dist/test/bench/console-frame-bench.js [--keys N] [--rate BYTES_PER_S] [--vbuckets N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { computeStoreView } from '../../core/cluster/store-view.js';
import { ClusterClients, makeDataset, writeThroughView } from '../support/cluster-data.js';
import { startCluster } from '../support/memcached-process.js';
import { launchChromium, loopbackContext } from '../e2e/support/chromium.js';
import { describeFrames, recordFrames } from '../e2e/support/frame-recorder.js';
import { callFromPage } from '../e2e/support/page-api.js';
import { startWebConsoleProcess } from '../e2e/support/web-console-process.js';

const { values: args } = parseArgs({
  options: {
    keys: { type: 'string', default: '120000' },
    // Per target: slow enough that the resize lasts long enough to measure (about half a minute).
    rate: { type: 'string', default: '400000' },
    vbuckets: { type: 'string', default: '1024' },
  },
});
const KEYS = Number(args.keys);
const RATE = Number(args.rate);
const VBUCKETS = Number(args.vbuckets);
const NODES = 16;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'astaire-frame-bench-'));
  const memcached = await startCluster(NODES, { memoryMb: 128 });
  const servers = memcached.addresses.slice(0, NODES / 2);
  const newServers = memcached.addresses;
  let console_: Awaited<ReturnType<typeof startWebConsoleProcess>> | undefined;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    process.stderr.write(
      `Loading ${KEYS} keys through the 8-node view (${VBUCKETS} vbuckets)...\n`,
    );
    const clients = new ClusterClients();
    try {
      const items = makeDataset({ seed: 7, count: KEYS, valueSizes: [50, 200, 800] });
      const view = computeStoreView({ servers, newServers: [] }, { vbuckets: VBUCKETS });
      await writeThroughView(view, items, clients);
    } finally {
      await clients.close();
    }

    console_ = await startWebConsoleProcess([
      '--data-dir',
      dataDir,
      '--vbuckets',
      String(VBUCKETS),
    ]);
    browser = await launchChromium();
    const context = await loopbackContext(browser, 30_000);
    const page = await context.newPage();
    await page.goto(console_.url);
    await page
      .getByRole('status')
      .filter({ hasText: /^Connected$/ })
      .waitFor();

    const cluster = await callFromPage<{ id: string }>(page, 'clusters:save', {
      definition: { name: 'bench 8 -> 16', servers, newServers },
    });
    await page.getByRole('button', { name: /bench 8 -> 16/ }).click();
    const job = await callFromPage<{ id: string }>(page, 'jobs:start', {
      kind: 'resize',
      clusterId: cluster.id,
      full: false,
      parallel: NODES / 2,
      rateLimit: RATE,
    });
    await page.getByRole('tab', { name: 'Live' }).click();
    await page.waitForTimeout(500);

    const during = await recordFrames(page, async () => {
      for (;;) {
        const jobs = await callFromPage<{ id: string; state: string }[]>(page, 'jobs:list', null);
        const state = jobs.find((entry) => entry.id === job.id)?.state;
        if (state !== 'running') return state ?? 'unknown';
        await page.waitForTimeout(500);
      }
    });
    const idle = await recordFrames(page, async () => {
      await page.waitForTimeout(5000);
      return 'idle';
    });
    process.stdout.write(
      describeFrames(`live resize (8 -> 16 nodes, all 16 streaming; ${during.outcome})`, during),
    );
    process.stdout.write(describeFrames('after it ended (idle Live view)', idle));
  } finally {
    await browser?.close();
    await console_?.stop();
    await memcached.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
