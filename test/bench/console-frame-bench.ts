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
import type { Page } from 'playwright-core';
import { computeStoreView } from '../../core/cluster/store-view.js';
import { ClusterClients, makeDataset, writeThroughView } from '../support/cluster-data.js';
import { startCluster } from '../support/memcached-process.js';
import { launchChromium, loopbackContext } from '../e2e/support/chromium.js';
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

interface PageGlobals {
  benchFrames: number[];
  benchLongTasks: number[];
  benchStop: boolean;
  requestAnimationFrame(callback: (now: number) => void): number;
  PerformanceObserver: new (callback: (list: { getEntries(): { duration: number }[] }) => void) => {
    observe(options: { type: string; buffered: boolean }): void;
  };
}

interface FrameReport {
  readonly frames: number[];
  readonly longTasks: number[];
  readonly seconds: number;
}

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

    const cluster = await call<{ id: string }>(page, 'clusters:save', {
      definition: { name: 'bench 8 -> 16', servers, newServers },
    });
    await page.getByRole('button', { name: /bench 8 -> 16/ }).click();
    const job = await call<{ id: string }>(page, 'jobs:start', {
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
        const jobs = await call<{ id: string; state: string }[]>(page, 'jobs:list', null);
        const state = jobs.find((entry) => entry.id === job.id)?.state;
        if (state !== 'running') return state ?? 'unknown';
        await page.waitForTimeout(500);
      }
    });
    const idle = await recordFrames(page, async () => {
      await page.waitForTimeout(5000);
      return 'idle';
    });
    print('live resize (8 -> 16 nodes, all 16 streaming)', during);
    print('after it ended (idle Live view)', idle);
  } finally {
    await browser?.close();
    await console_?.stop();
    await memcached.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Calls the service from inside the page, with its token and origin, as the page's client does. */
async function call<T>(page: Page, channel: string, request: unknown): Promise<T> {
  return page.evaluate(
    async ([name, body]) => {
      const response = await fetch(`api/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const result = (await response.json()) as {
        ok: boolean;
        value?: unknown;
        error?: { message: string };
      };
      if (!result.ok) throw new Error(`${name}: ${result.error?.message ?? 'failed'}`);
      return result.value;
    },
    [channel, request] as const,
  ) as Promise<T>;
}

async function recordFrames(
  page: Page,
  during: () => Promise<string>,
): Promise<FrameReport & { outcome: string }> {
  // Runs in the page: the names are the browser's (this file is compiled without the DOM's types).
  await page.evaluate(() => {
    const w = globalThis as unknown as PageGlobals;
    w.benchFrames = [];
    w.benchLongTasks = [];
    w.benchStop = false;
    let last = performance.now();
    const tick = (now: number) => {
      w.benchFrames.push(now - last);
      last = now;
      if (!w.benchStop) w.requestAnimationFrame(tick);
    };
    w.requestAnimationFrame(tick);
    new w.PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.benchLongTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  const started = Date.now();
  const outcome = await during();
  const seconds = (Date.now() - started) / 1000;
  const report = await page.evaluate(() => {
    const w = globalThis as unknown as PageGlobals;
    w.benchStop = true;
    return { frames: w.benchFrames.slice(1), longTasks: w.benchLongTasks };
  });
  return { ...report, seconds, outcome };
}

function print(label: string, report: FrameReport & { outcome: string }): void {
  const sorted = [...report.frames].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const over = (ms: number) => sorted.filter((frame) => frame > ms).length;
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  process.stdout.write(
    `${label} (${report.outcome}, ${report.seconds.toFixed(1)} s):\n` +
      `  frames ${sorted.length}, p50 ${ms(at(0.5))}, p95 ${ms(at(0.95))}, p99 ${ms(at(0.99))}, ` +
      `max ${ms(sorted.at(-1) ?? 0)}\n` +
      // At 60 Hz a frame is 16.7 ms; one over 20 ms means at least one refresh was missed.
      `  frames over 20 ms (a refresh missed): ${over(20)}, over 50 ms: ${over(50)}; long tasks: ` +
      `${report.longTasks.length} (longest ${ms(Math.max(0, ...report.longTasks))})\n`,
  );
}

await main();
