/**
 * The client in web mode. The page is served at `http://127.0.0.1:PORT/s/<token>/`, so every URL
 * here is relative to the page and carries the session token: calls are `POST api/<channel>` with
 * the request as JSON, answering an `InvokeResult`; events arrive over the WebSocket at `events`,
 * one JSON `EventBatch` per message. When the socket drops it is opened again with backoff, and the
 * reconnect is reported so that what was built from missed events gets fetched again.
 */
import type { Channel, EventBatch, RequestOf, ResponseOf } from '../../core/console/contract.js';
import {
  ConsoleCallError,
  unwrapResult,
  type ConnectionChange,
  type ConsoleClient,
} from './console-client.js';

/** The part of a WebSocket the client uses, so tests can stand in for the browser's. */
export interface EventSocket {
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  close(): void;
}

export interface WebClientOptions {
  /** The page's own URL (`location.href`); calls and the socket are resolved against it. */
  readonly pageUrl: string;
  readonly fetch?: typeof fetch;
  readonly openSocket?: (url: string) => EventSocket;
  /** First reconnect delay; it doubles per failed attempt up to `maxRetryMs`. */
  readonly initialRetryMs?: number;
  readonly maxRetryMs?: number;
  /** 0 <= x < 1, spreads the retries of many pages over time. */
  readonly random?: () => number;
  readonly setTimeout?: (callback: () => void, ms: number) => unknown;
  readonly clearTimeout?: (timer: unknown) => void;
}

const DEFAULT_INITIAL_RETRY_MS = 500;
const DEFAULT_MAX_RETRY_MS = 10_000;

export function createWebClient(options: WebClientOptions): ConsoleClient {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  return {
    invoke: (channel, request) => invokeOverHttp(fetchImpl, options.pageUrl, channel, request),
    ...createEventStream(options),
  };
}

/** The `events` socket's URL for a page URL: same host, ws: for http: and wss: for https:. */
export function eventsUrl(pageUrl: string): string {
  const url = new URL('events', pageUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

async function invokeOverHttp<C extends Channel>(
  fetchImpl: typeof fetch,
  pageUrl: string,
  channel: C,
  request: RequestOf<C>,
): Promise<ResponseOf<C>> {
  let response: Response;
  try {
    response = await fetchImpl(new URL(`api/${channel}`, pageUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request ?? null),
      cache: 'no-store',
    });
  } catch (error) {
    throw new ConsoleCallError(channel, {
      code: 'SERVICE_UNREACHABLE',
      message: `${channel}: the console service did not answer (${describe(error)}); is it still running?`,
      detail: { stage: 'connect' },
    });
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    // A proxy's error page, or a server stopped mid-answer: the status is all there is to say.
    body = undefined;
  }
  // A refused call's envelope comes with a 4xx status (core/console/web-calls.ts has the table);
  // it is still the service's own answer, read like any other.
  return unwrapResult(channel, body, `the console service (HTTP ${response.status})`);
}

function createEventStream(
  options: WebClientOptions,
): Pick<ConsoleClient, 'onEvents' | 'onConnection'> {
  const openSocket = options.openSocket ?? ((url: string): EventSocket => new WebSocket(url));
  const initialRetryMs = options.initialRetryMs ?? DEFAULT_INITIAL_RETRY_MS;
  const maxRetryMs = options.maxRetryMs ?? DEFAULT_MAX_RETRY_MS;
  const random = options.random ?? Math.random;
  const schedule = options.setTimeout ?? ((callback, ms) => globalThis.setTimeout(callback, ms));
  const cancel =
    options.clearTimeout ??
    ((timer) => globalThis.clearTimeout(timer as ReturnType<typeof setTimeout>));
  const url = eventsUrl(options.pageUrl);

  const eventListeners = new Set<(batch: EventBatch) => void>();
  const connectionListeners = new Set<(change: ConnectionChange) => void>();
  let socket: EventSocket | undefined;
  let retryTimer: unknown;
  let failedAttempts = 0;
  let hasEverConnected = false;
  let current: ConnectionChange = { state: 'connecting', hasMissedEvents: false };

  const report = (change: ConnectionChange) => {
    current = change;
    for (const listener of connectionListeners) listener(change);
  };

  const connect = () => {
    retryTimer = undefined;
    if (current.state !== 'connecting') report({ state: 'connecting', hasMissedEvents: false });
    const opened = openSocket(url);
    socket = opened;
    opened.onopen = () => {
      if (socket !== opened) return;
      failedAttempts = 0;
      report({ state: 'connected', hasMissedEvents: hasEverConnected });
      hasEverConnected = true;
    };
    opened.onmessage = (event) => {
      if (socket !== opened) return;
      const batch = parseBatch(event.data);
      // The server only ever sends batches; anything else is dropped rather than half-applied.
      if (batch === undefined) return;
      for (const listener of eventListeners) listener(batch);
    };
    // An error is always followed by close, which is where the retry is decided.
    opened.onerror = () => {};
    opened.onclose = () => {
      if (socket !== opened) return;
      socket = undefined;
      const retryInMs = retryDelay(failedAttempts++, initialRetryMs, maxRetryMs, random);
      report({ state: 'disconnected', hasMissedEvents: false, retryInMs });
      retryTimer = schedule(connect, retryInMs);
    };
  };

  const disconnect = () => {
    if (retryTimer !== undefined) cancel(retryTimer);
    retryTimer = undefined;
    const closing = socket;
    socket = undefined;
    closing?.close();
    failedAttempts = 0;
    hasEverConnected = false;
    report({ state: 'connecting', hasMissedEvents: false });
  };

  return {
    onEvents(listener) {
      eventListeners.add(listener);
      if (eventListeners.size === 1) connect();
      return () => {
        if (!eventListeners.delete(listener)) return;
        if (eventListeners.size === 0) disconnect();
      };
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(current);
      return () => {
        connectionListeners.delete(listener);
      };
    },
  };
}

/** Exponential backoff with jitter: about initial * 2^attempt, capped, each +-20 %. */
export function retryDelay(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random: () => number,
): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (0.8 + 0.4 * random()));
}

function parseBatch(data: unknown): EventBatch | undefined {
  if (typeof data !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { events } = parsed as { events?: unknown };
  if (!Array.isArray(events)) return undefined;
  const isEvent = (event: unknown) =>
    typeof event === 'object' &&
    event !== null &&
    typeof (event as { type?: unknown }).type === 'string' &&
    typeof (event as { seq?: unknown }).seq === 'number';
  return events.every(isEvent) ? (parsed as EventBatch) : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
