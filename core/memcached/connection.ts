/**
 * One memcached connection over any duplex stream (a TCP socket, or an SSH channel), in either
 * wire dialect: it is given the dialect's decoder (decode.ts, binary-decode.ts).
 *
 * Requests are pipelined: each is written at once and queued in a FIFO; memcached answers in order,
 * so each reply belongs to the oldest unfinished request. A request may be several commands (a
 * batch) and its reply several lines (stats, a metadump): its collector says when it is complete.
 * At most `window` requests are in flight; callers beyond that wait, which is the backpressure that
 * keeps memory bounded. The oldest request has a deadline measured from its last sign of progress.
 * A decode error, a deadline, or the stream closing fails every pending request with an error that
 * names the node and the command, and closes the connection: nothing is left hanging. The one
 * exception is a request whose replies end by design when the node closes (a TAP dump): a clean
 * close with nothing partial held completes it.
 */
import type { Duplex } from 'node:stream';
import { ConnectError, ProtocolError, TimeoutError, type AstaireError } from '../errors.js';
import { ReplyDecodeError, type Reply } from './decode.js';

/** A pure push decoder of one wire dialect's replies (see decode.ts and binary-decode.ts). */
export interface ReplyStreamDecoder<R> {
  /** True when no partial reply is held: the stream may end here cleanly. */
  readonly isIdle: boolean;
  feed(chunk: Buffer, emit: (reply: R) => void): void;
}

/** Returned by a collector while its request wants more replies. */
export const MORE = Symbol('more');

/**
 * Receives a request's replies in order; returns the request's result once it is complete, MORE
 * while it is not. Throwing fails the request (and only it) with that error.
 */
export type Collector<T, R = Reply> = (reply: R) => T | typeof MORE;

export interface ConnectionOptions {
  /** The node's name as the operator knows it (its cluster_settings entry), for messages. */
  readonly node: string;
  /** Requests in flight at once. */
  readonly window?: number;
  /** How long the oldest request may go without any reply before the node is declared stalled. */
  readonly timeoutMs?: number;
}

export const DEFAULT_WINDOW = 64;
export const DEFAULT_TIMEOUT_MS = 10_000;

interface PendingRequest<R> {
  readonly command: string;
  readonly collect: Collector<unknown, R>;
  /** For a request whose replies end when the node closes the connection (a TAP dump). */
  readonly atClose: (() => unknown) | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

export class MemcachedConnection<R = Reply> {
  readonly node: string;
  private readonly window: number;
  private readonly timeoutMs: number;
  private readonly decoder: ReplyStreamDecoder<R>;
  private readonly pending: PendingRequest<R>[] = [];
  private pendingHead = 0;
  private readonly slotWaiters: (() => void)[] = [];
  private closedBy: AstaireError | undefined;
  // Monotonic times (performance.now()): a clock step must not look like a stalled node.
  private lastProgress = performance.now();
  private lastCheck = 0;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private isCorked = false;
  private isPausedByUs = false;
  private readonly closeListeners: ((error: AstaireError) => void)[] = [];

  /** `decoder` reads the node's dialect (decode.ts or binary-decode.ts). */
  constructor(
    private readonly stream: Duplex,
    options: ConnectionOptions,
    decoder: ReplyStreamDecoder<R>,
  ) {
    this.decoder = decoder;
    this.node = options.node;
    this.window = options.window ?? DEFAULT_WINDOW;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('error', (error: Error) =>
      this.fail(
        new ConnectError('CONNECTION_LOST', `connection lost: ${error.message}`, this.place()),
      ),
    );
    // The node's end of the stream: 'end' (an SSH channel may stay half-open after it, never
    // emitting 'close' until we end ours), or 'close'.
    const onPeerClosed = () => {
      if (this.finishAtClose()) return;
      this.fail(
        new ConnectError(
          'CONNECTION_CLOSED',
          'the connection was closed (did the node restart, or the network drop?)',
          this.place(),
        ),
      );
    };
    stream.on('end', onPeerClosed);
    stream.on('close', onPeerClosed);
  }

  get isClosed(): boolean {
    return this.closedBy !== undefined;
  }

  get inFlight(): number {
    return this.pending.length - this.pendingHead;
  }

  /** Calls `listener` once, with the reason, when the connection closes for any reason. */
  onClose(listener: (error: AstaireError) => void): void {
    if (this.closedBy !== undefined) listener(this.closedBy);
    else this.closeListeners.push(listener);
  }

  /**
   * Sends one request (one or more encoded commands) and resolves with what `collect` returns
   * once the request's replies are complete. Waits first while the window is full.
   */
  async request<T>(
    command: string,
    payload: Buffer | readonly Buffer[],
    collect: Collector<T, R>,
    options: { readonly atClose?: () => T } = {},
  ): Promise<T> {
    while (this.inFlight >= this.window && this.closedBy === undefined) {
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    }
    if (this.closedBy !== undefined) throw this.closedBy;
    return new Promise<T>((resolve, reject) => {
      if (this.inFlight === 0) this.lastProgress = performance.now();
      this.pending.push({
        command,
        collect,
        atClose: options.atClose,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      this.write(payload);
      this.armDeadline();
    });
  }

  /**
   * Stops reading from the node (a consumer is full). The deadline does not run meanwhile:
   * silence we asked for is not a stalled node.
   */
  pause(): void {
    this.isPausedByUs = true;
    this.stream.pause();
  }

  resume(): void {
    this.isPausedByUs = false;
    this.lastProgress = performance.now();
    this.stream.resume();
  }

  /** Closes the connection; pending requests fail with `reason` (or a plain "closed"). */
  close(reason?: AstaireError): void {
    this.fail(
      reason ??
        new ConnectError('CONNECTION_CLOSED', 'the connection was closed by Astaire', this.place()),
    );
  }

  private write(payload: Buffer | readonly Buffer[]): void {
    // Commands issued in the same tick leave in one write: far fewer syscalls and packets.
    if (!this.isCorked) {
      this.isCorked = true;
      this.stream.cork();
      process.nextTick(() => {
        this.isCorked = false;
        this.stream.uncork();
      });
    }
    if (Buffer.isBuffer(payload)) this.stream.write(payload);
    else for (const part of payload) this.stream.write(part);
  }

  private onData(chunk: Buffer): void {
    if (this.closedBy !== undefined) return;
    this.lastProgress = performance.now();
    try {
      this.decoder.feed(chunk, (reply) => this.onReply(reply));
    } catch (error) {
      if (!(error instanceof ReplyDecodeError)) throw error;
      this.fail(
        new ProtocolError('PROTOCOL_ERROR', `sent ${error.message}; is this a memcached server?`, {
          ...this.place(),
        }),
      );
    }
  }

  /**
   * A close that ends a request by design (the last of a TAP dump) completes it. Only a clean
   * end: the request is the last one pending and no partial reply is held.
   */
  private finishAtClose(): boolean {
    const request = this.pending[this.pendingHead];
    if (
      this.closedBy !== undefined ||
      request?.atClose === undefined ||
      this.inFlight !== 1 ||
      !this.decoder.isIdle
    ) {
      return false;
    }
    let result: unknown;
    try {
      result = request.atClose();
    } catch (error) {
      this.finishHead();
      request.reject(error instanceof Error ? error : new Error(String(error)));
      this.close();
      return true;
    }
    this.finishHead();
    request.resolve(result);
    this.close();
    return true;
  }

  private onReply(reply: R): void {
    const request = this.pending[this.pendingHead];
    if (request === undefined) {
      throw new ReplyDecodeError(
        `a reply nobody asked for (${String((reply as { kind?: unknown }).kind)})`,
      );
    }
    let result: unknown;
    try {
      result = request.collect(reply);
    } catch (error) {
      // The reply was understood but refused: this request fails, the connection carries on.
      // A collector only throws once it has consumed its request's last reply.
      this.finishHead();
      request.reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (result === MORE) return;
    this.finishHead();
    request.resolve(result);
  }

  private finishHead(): void {
    this.pending[this.pendingHead] = undefined as unknown as PendingRequest<R>;
    this.pendingHead++;
    // Compact now and then rather than shift() on every reply.
    if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
      this.pending.splice(0, this.pendingHead);
      this.pendingHead = 0;
    }
    this.slotWaiters.shift()?.();
    if (this.inFlight === 0) this.disarmDeadline();
  }

  private armDeadline(): void {
    if (this.deadlineTimer !== undefined) return;
    const period = Math.max(10, Math.min(1000, this.timeoutMs / 4));
    this.lastCheck = performance.now();
    this.deadlineTimer = setInterval(() => this.checkDeadline(period), period);
    this.deadlineTimer.unref();
  }

  private disarmDeadline(): void {
    if (this.deadlineTimer !== undefined) clearInterval(this.deadlineTimer);
    this.deadlineTimer = undefined;
  }

  private checkDeadline(period: number): void {
    const now = performance.now();
    const lateBy = now - this.lastCheck - period;
    this.lastCheck = now;
    // A check this late means this process was stalled (suspended, or its event loop blocked):
    // replies may be waiting unread, so the node is given its time again rather than blamed.
    if (lateBy > period) {
      this.lastProgress = now;
      return;
    }
    if (this.isPausedByUs || this.inFlight === 0) return;
    const silentFor = performance.now() - this.lastProgress;
    if (silentFor < this.timeoutMs) return;
    const command = this.pending[this.pendingHead]?.command ?? 'request';
    this.fail(
      new TimeoutError(
        'NODE_TIMEOUT',
        `no reply for ${(silentFor / 1000).toFixed(1)} s; the node may be stalled or overloaded`,
        { node: this.node, command },
      ),
    );
  }

  private place(): { node: string; command?: string } {
    const command = this.pending[this.pendingHead]?.command;
    return command === undefined ? { node: this.node } : { node: this.node, command };
  }

  private fail(error: AstaireError): void {
    if (this.closedBy !== undefined) return;
    this.closedBy = error;
    this.disarmDeadline();
    const pending = this.pending.slice(this.pendingHead);
    this.pending.length = 0;
    this.pendingHead = 0;
    for (const request of pending) request.reject(error);
    for (const wake of this.slotWaiters.splice(0)) wake();
    for (const listener of this.closeListeners.splice(0)) listener(error);
    this.stream.destroy();
  }
}
