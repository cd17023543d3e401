/**
 * What the renderer calls the console service through, whichever way it is reached (Electron IPC
 * or the web server), and how a call's envelope (`InvokeResult`) becomes a value or an error.
 */
import type {
  Channel,
  ErrorPayload,
  EventBatch,
  RequestOf,
  ResponseOf,
} from '../../core/console/contract.js';

/** How the event stream to the service stands. Electron's IPC is always `connected`. */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

export interface ConnectionChange {
  readonly state: ConnectionState;
  /**
   * True on a `connected` that follows a drop: events were missed in between, so whatever was
   * built from them (clusters, jobs) must be fetched again.
   */
  readonly hasMissedEvents: boolean;
  /** With `disconnected`: when the next attempt is made. */
  readonly retryInMs?: number;
}

/** The console service, as the renderer sees it. */
export interface ConsoleClient {
  /** Calls one channel; rejects with a `ConsoleCallError` when the service answers an error. */
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  /** Calls `listener` with every batch of events from now on; returns the unsubscribe. */
  onEvents(listener: (batch: EventBatch) => void): () => void;
  /**
   * Calls `listener` with the current connection state at once, then with every change; returns
   * the unsubscribe. Absent when the connection cannot drop (Electron).
   */
  onConnection?(listener: (change: ConnectionChange) => void): () => void;
}

/** A call that the service answered with `{ ok: false }`, or that never got an answer. */
export class ConsoleCallError extends Error {
  readonly code: string;
  readonly detail: ErrorPayload['detail'];

  constructor(
    readonly channel: Channel,
    payload: ErrorPayload,
  ) {
    super(payload.message);
    this.name = 'ConsoleCallError';
    this.code = payload.code;
    this.detail = payload.detail;
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message, detail: this.detail };
  }
}

/**
 * The value of an `InvokeResult` that arrived from outside the renderer (a JSON body, an IPC
 * reply); throws a `ConsoleCallError` with the service's error, or BAD_RESPONSE when `body` is not
 * an envelope at all.
 */
export function unwrapResult<C extends Channel>(
  channel: C,
  body: unknown,
  context = 'the console service',
): ResponseOf<C> {
  if (isRecord(body)) {
    if (body.ok === true && 'value' in body) return body.value as ResponseOf<C>;
    if (body.ok === false && isErrorPayload(body.error)) {
      throw new ConsoleCallError(channel, body.error);
    }
  }
  throw new ConsoleCallError(channel, {
    code: 'BAD_RESPONSE',
    message: `${channel}: ${context} answered something that is not a call result`,
    detail: { stage: 'protocol' },
  });
}

/** Any error as an `ErrorPayload`, for state that shows errors. */
export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof ConsoleCallError) return error.toPayload();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'RENDERER_ERROR', message, detail: { stage: 'io' } };
}

function isErrorPayload(value: unknown): value is ErrorPayload {
  return (
    isRecord(value) &&
    typeof value.code === 'string' &&
    typeof value.message === 'string' &&
    isRecord(value.detail) &&
    typeof value.detail.stage === 'string'
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
