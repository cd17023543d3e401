/**
 * This process's memory and open file descriptors, for soak tests that check a long run leaves
 * them flat: a full garbage collection first, so that what is sampled is what is still reachable.
 */
import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';

/** One sample, in bytes and descriptors. */
export interface ProcessUsage {
  /** The V8 heap in use after a full collection. */
  readonly heapUsed: number;
  /** Memory held outside the V8 heap by JS objects: Buffers and other ArrayBuffers. */
  readonly external: number;
  readonly rss: number;
  /** Entries of /proc/self/fd: sockets, pipes, files. */
  readonly fds: number;
}

let gc: (() => void) | undefined;

// node:test starts each file in a process of its own without --expose-gc; the flag can still be
// set at run time, and a fresh context then sees the `gc` global it adds.
function collector(): () => void {
  if (gc === undefined) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  return gc;
}

/**
 * Lets closed sockets finish closing (their descriptors go on a later tick), collects garbage
 * twice (finalizers run by the first free more on the second), and samples.
 */
export async function sampleProcessUsage(settleMs = 200): Promise<ProcessUsage> {
  await sleep(settleMs);
  const collect = collector();
  collect();
  await sleep(0);
  collect();
  const memory = process.memoryUsage();
  return {
    heapUsed: memory.heapUsed,
    external: memory.external,
    rss: memory.rss,
    fds: readdirSync('/proc/self/fd').length,
  };
}

/** The least-squares slope of `values` against their index (growth per step). */
export function slopePerStep(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((sum, y) => sum + y, 0) / n;
  let covariance = 0;
  let variance = 0;
  values.forEach((y, x) => {
    covariance += (x - meanX) * (y - meanY);
    variance += (x - meanX) ** 2;
  });
  return covariance / variance;
}
