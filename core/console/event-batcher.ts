/**
 * Folds a service's events into batches for one window or socket: at most one batch per interval
 * (about ten a second by default), events kept whole and in order. An event after a quiet spell
 * goes out at once; a burst waits for the rest of the interval and goes out as one message, so a
 * resync's thousands of events a second cost the renderer ten updates, not thousands.
 */
import type { ConsoleEvent, EventBatch } from './contract.js';

export const DEFAULT_BATCH_INTERVAL_MS = 100;

export class EventBatcher {
  private pending: ConsoleEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastSentAt = -Infinity;
  private isClosed = false;

  constructor(
    private readonly send: (batch: EventBatch) => void,
    private readonly intervalMs = DEFAULT_BATCH_INTERVAL_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(event: ConsoleEvent): void {
    if (this.isClosed) return;
    this.pending.push(event);
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastSentAt + this.intervalMs - this.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Sends what is pending now. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0 || this.isClosed) return;
    const events = this.pending;
    this.pending = [];
    this.lastSentAt = this.now();
    this.send({ events });
  }

  /** Sends what is pending, then drops whatever comes later. */
  close(): void {
    this.flush();
    this.isClosed = true;
  }
}
