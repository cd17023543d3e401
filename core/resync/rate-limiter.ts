/**
 * A token bucket on bytes per second that can be changed while a resync runs. Callers ask before
 * each batch; a batch larger than a second's worth still goes, after waiting its share of time,
 * so a low limit slows the stream instead of stopping it.
 */
import { sleep } from '../util/sleep.js';

/** Time as the limiter reads it: the real clock, or a test's. */
export interface LimiterClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const REAL_CLOCK: LimiterClock = { now: () => Date.now(), sleep };

export class RateLimiter {
  private bytesPerSecond: number;
  // The bucket starts empty: a full one let a second's worth through at once, and the live view,
  // which rates the last few seconds, then showed a rate well above the limit the operator set.
  private available = 0;
  private lastRefill: number;

  /** `bytesPerSecond` of 0 or Infinity means unlimited. */
  constructor(
    bytesPerSecond = 0,
    private readonly clock: LimiterClock = REAL_CLOCK,
  ) {
    this.bytesPerSecond = normalise(bytesPerSecond);
    this.lastRefill = clock.now();
  }

  get limit(): number {
    return this.bytesPerSecond === Infinity ? 0 : this.bytesPerSecond;
  }

  setLimit(bytesPerSecond: number): void {
    this.refill();
    this.bytesPerSecond = normalise(bytesPerSecond);
    // What went out unlimited is no debt under the new limit: starting from empty, the new limit
    // holds from now on (a debt kept would stall the stream for as long as it took to send it).
    this.available = Math.max(0, Math.min(this.available, this.bytesPerSecond));
  }

  /** Resolves once `bytes` may be sent; rejects if `signal` aborts while waiting. */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      this.refill();
      if (this.bytesPerSecond === Infinity) return;
      if (this.available >= Math.min(bytes, this.bytesPerSecond)) {
        this.available -= bytes;
        return;
      }
      const missing = Math.min(bytes, this.bytesPerSecond) - this.available;
      const waitMs = Math.min(250, Math.max(1, (1000 * missing) / this.bytesPerSecond));
      await this.clock.sleep(waitMs, signal);
    }
  }

  private refill(): void {
    const now = this.clock.now();
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
