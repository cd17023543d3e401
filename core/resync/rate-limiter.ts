/**
 * A token bucket on bytes per second that can be changed while a resync runs. Callers ask before
 * each batch; a batch larger than a second's worth still goes, after waiting its share of time,
 * so a low limit slows the stream instead of stopping it.
 */
import { sleep } from '../util/sleep.js';

export class RateLimiter {
  private bytesPerSecond: number;
  private available: number;
  private lastRefill = Date.now();

  /** `bytesPerSecond` of 0 or Infinity means unlimited. */
  constructor(bytesPerSecond = 0) {
    this.bytesPerSecond = normalise(bytesPerSecond);
    this.available = this.bytesPerSecond;
  }

  get limit(): number {
    return this.bytesPerSecond === Infinity ? 0 : this.bytesPerSecond;
  }

  setLimit(bytesPerSecond: number): void {
    this.refill();
    this.bytesPerSecond = normalise(bytesPerSecond);
    this.available = Math.min(this.available, this.bytesPerSecond);
  }

  /** Resolves once `bytes` may be sent; rejects if `signal` aborts while waiting. */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      this.refill();
      if (
        this.bytesPerSecond === Infinity ||
        this.available >= Math.min(bytes, this.bytesPerSecond)
      ) {
        this.available -= bytes;
        return;
      }
      const missing = Math.min(bytes, this.bytesPerSecond) - this.available;
      const waitMs = Math.min(250, Math.max(1, (1000 * missing) / this.bytesPerSecond));
      await sleep(waitMs, signal);
    }
  }

  private refill(): void {
    const now = Date.now();
    if (this.bytesPerSecond !== Infinity) {
      this.available = Math.min(
        this.bytesPerSecond,
        this.available + ((now - this.lastRefill) * this.bytesPerSecond) / 1000,
      );
    }
    this.lastRefill = now;
  }
}

function normalise(bytesPerSecond: number): number {
  if (!(bytesPerSecond >= 0))
    throw new RangeError(`a rate limit must be >= 0 bytes/s, not ${bytesPerSecond}`);
  return bytesPerSecond === 0 ? Infinity : bytesPerSecond;
}
