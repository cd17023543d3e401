import { untilAborted } from '../util/abortable.js';

/**
 * The gate a resync's batches pass before they touch the target. While it is paused no batch
 * starts: nothing is read from the target or written to it, and nothing is fetched from a source
 * to be held over the pause (a value held for minutes could be deleted or rewritten on the source
 * meanwhile, and its remaining TTL would be stretched by the pause). The sources' key dumps are not
 * gated: they keep draining into their spill queues, since a crawler left unread stalls its node.
 *
 * A batch waits with `whenOpen`, does its reads, then asks `tryEnter` with the ticket it got; if a
 * pause came in between, it is refused and goes back to waiting, so what it read is read again
 * after the pause. Batches that entered are counted until they `leave`, so `pause()` can resolve
 * once the writes under way have finished: from then on, nothing reaches the target.
 */
export class PauseGate {
  private paused = false;
  // Bumped by every pause, so a ticket from before a pause is refused even after a resume.
  private epoch = 0;
  private writers = 0;
  private readonly openWaiters = new Set<() => void>();
  private idleWaiters: (() => void)[] = [];
  private pausedSince = 0;
  private pausedBeforeMs = 0;
  private lastResumedAt = 0;

  get isPaused(): boolean {
    return this.paused;
  }

  /** Time spent paused so far, the current pause included. */
  get pausedMs(): number {
    return this.pausedBeforeMs + (this.paused ? Date.now() - this.pausedSince : 0);
  }

  /** Stops new batches; resolves once the batches already writing have finished. */
  pause(): Promise<void> {
    if (!this.paused) {
      this.paused = true;
      this.epoch++;
      this.pausedSince = Date.now();
    }
    if (this.writers === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.lastResumedAt = Date.now();
    this.pausedBeforeMs += Date.now() - this.pausedSince;
    const waiters = [...this.openWaiters];
    this.openWaiters.clear();
    for (const wake of waiters) wake();
  }

  /**
   * Resolves, with a ticket for `tryEnter`, once the gate is open; rejects with the signal's
   * reason if it aborts while waiting.
   */
  async whenOpen(signal?: AbortSignal): Promise<number> {
    while (this.paused) {
      let wake!: () => void;
      const opened = new Promise<void>((resolve) => (wake = resolve));
      this.openWaiters.add(wake);
      try {
        await untilAborted(opened, signal);
      } finally {
        this.openWaiters.delete(wake);
      }
    }
    signal?.throwIfAborted();
    return this.epoch;
  }

  /**
   * Lets a batch write if no pause came since its `ticket` was issued, and counts it until it
   * calls `leave`; false when it must wait for the gate again.
   */
  tryEnter(ticket: number): boolean {
    if (this.paused || ticket !== this.epoch) return false;
    this.writers++;
    return true;
  }

  /** Waits for the gate to open and enters at once (for writes that read nothing before). */
  async enter(signal?: AbortSignal): Promise<void> {
    while (!this.tryEnter(await this.whenOpen(signal)));
  }

  /**
   * True when something read at `readAtMs` (Date.now()) was read before the last pause ended: it
   * must not be written now. For what cannot be read again at will: the items of a TAP dump.
   */
  isHeldOverPause(readAtMs: number): boolean {
    return readAtMs < this.lastResumedAt || (this.paused && readAtMs >= this.pausedSince);
  }

  leave(): void {
    this.writers--;
    if (this.writers === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }
}
