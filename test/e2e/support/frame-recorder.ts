/**
 * The page's frame times and long tasks while something runs: the time between animation frames
 * (requestAnimationFrame) and every long task (> 50 ms) the browser reports. Shared by the e2e run
 * that prints them for a live resize and by the frame benchmark.
 */
import type { Page } from 'playwright-core';

interface PageGlobals {
  frameTimes: number[];
  longTasks: number[];
  framesStopped: boolean;
  requestAnimationFrame(callback: (now: number) => void): number;
  PerformanceObserver: new (callback: (list: { getEntries(): { duration: number }[] }) => void) => {
    observe(options: { type: string; buffered: boolean }): void;
  };
}

export interface FrameReport {
  readonly frames: readonly number[];
  readonly longTasks: readonly number[];
  readonly seconds: number;
}

export interface FrameFigures {
  readonly frames: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** At 60 Hz a frame is 16.7 ms; one over 20 ms means at least one refresh was missed. */
  readonly over20: number;
  readonly over50: number;
  readonly longTasks: number;
  readonly longestTask: number;
}

/** Records frames while `during` runs, and returns them with its outcome. */
export async function recordFrames<T>(
  page: Page,
  during: () => Promise<T>,
): Promise<FrameReport & { readonly outcome: T }> {
  // Runs in the page: the names are the browser's (this file is compiled without the DOM's types).
  await page.evaluate(() => {
    const w = globalThis as unknown as PageGlobals;
    w.frameTimes = [];
    w.longTasks = [];
    w.framesStopped = false;
    let last = performance.now();
    const tick = (now: number) => {
      w.frameTimes.push(now - last);
      last = now;
      if (!w.framesStopped) w.requestAnimationFrame(tick);
    };
    w.requestAnimationFrame(tick);
    new w.PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  const started = Date.now();
  const outcome = await during();
  const seconds = (Date.now() - started) / 1000;
  const report = await page.evaluate(() => {
    const w = globalThis as unknown as PageGlobals;
    w.framesStopped = true;
    // The first interval runs from the set-up, not from a frame.
    return { frames: w.frameTimes.slice(1), longTasks: w.longTasks };
  });
  return { ...report, seconds, outcome };
}

export function frameFigures(report: FrameReport): FrameFigures {
  const sorted = [...report.frames].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    frames: sorted.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted.at(-1) ?? 0,
    over20: sorted.filter((frame) => frame > 20).length,
    over50: sorted.filter((frame) => frame > 50).length,
    longTasks: report.longTasks.length,
    longestTask: Math.max(0, ...report.longTasks),
  };
}

export function describeFrames(label: string, report: FrameReport): string {
  const figures = frameFigures(report);
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  return (
    `${label} (${report.seconds.toFixed(1)} s):\n` +
    `  frames ${figures.frames}, p50 ${ms(figures.p50)}, p95 ${ms(figures.p95)}, ` +
    `p99 ${ms(figures.p99)}, max ${ms(figures.max)}\n` +
    `  frames over 20 ms (a refresh missed): ${figures.over20}, over 50 ms: ${figures.over50}; ` +
    `long tasks: ${figures.longTasks} (longest ${ms(figures.longestTask)})\n`
  );
}
