import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventBatch } from '../../../../core/console/contract.js';
import {
  ConsoleCallError,
  type ConnectionChange,
} from '../../../../renderer/api/console-client.js';
import {
  createWebClient,
  eventsUrl,
  retryDelay,
  type EventSocket,
} from '../../../../renderer/api/web-client.js';

const PAGE = 'http://127.0.0.1:4321/s/tok3n/';

interface Call {
  readonly url: string;
  readonly init: RequestInit | undefined;
}

function answering(status: number, body: string, calls: Call[] = []): typeof fetch {
  return async (input, init) => {
    calls.push({ url: String(input), init });
    return new Response(body, { status, headers: { 'Content-Type': 'application/json' } });
  };
}

describe('web client: calls', () => {
  it('POSTs the request as JSON to api/<channel> under the page URL and returns the value', async () => {
    const calls: Call[] = [];
    const value = { version: '0.1.0', mode: 'web' };
    const client = createWebClient({
      pageUrl: PAGE,
      fetch: answering(200, JSON.stringify({ ok: true, value }), calls),
    });
    assert.deepEqual(await client.invoke('app:info', null), value);
    await client.invoke('cluster:status', { clusterId: 'c1' });
    assert.equal(calls[0]?.url, 'http://127.0.0.1:4321/s/tok3n/api/app:info');
    assert.equal(calls[0]?.init?.method, 'POST');
    assert.equal(calls[0]?.init?.body, 'null');
    assert.deepEqual(calls[0]?.init?.headers, { 'Content-Type': 'application/json' });
    assert.equal(calls[1]?.url, 'http://127.0.0.1:4321/s/tok3n/api/cluster:status');
    assert.equal(calls[1]?.init?.body, '{"clusterId":"c1"}');
  });

  it("throws a ConsoleCallError with the service's code, message and detail", async () => {
    const error = {
      code: 'BAD_REQUEST',
      message: 'clusters:save: definition.servers.0: not host:port',
      detail: { stage: 'usage' },
    };
    const client = createWebClient({
      pageUrl: PAGE,
      fetch: answering(400, JSON.stringify({ ok: false, error })),
    });
    const failure = await client
      .invoke('clusters:save', { definition: { name: 'x', servers: ['y'], newServers: [] } })
      .then(
        () => assert.fail('resolved'),
        (e: unknown) => e,
      );
    assert.ok(failure instanceof ConsoleCallError);
    assert.equal(failure.code, error.code);
    assert.equal(failure.message, error.message);
    assert.deepEqual(failure.detail, error.detail);
    assert.equal(failure.channel, 'clusters:save');
  });

  it('answers BAD_RESPONSE for a body that is not an envelope, naming the HTTP status', async () => {
    for (const [status, body] of [
      [404, 'not found'],
      [200, '{"value":1}'],
      [200, '{"ok":false,"error":"oops"}'],
      [200, 'null'],
    ] as const) {
      const client = createWebClient({ pageUrl: PAGE, fetch: answering(status, body) });
      await assert.rejects(client.invoke('jobs:list', null), (error: unknown) => {
        assert.ok(error instanceof ConsoleCallError);
        assert.equal(error.code, 'BAD_RESPONSE');
        assert.match(error.message, new RegExp(`HTTP ${status}`));
        return true;
      });
    }
  });

  it('answers SERVICE_UNREACHABLE when the request itself fails', async () => {
    const client = createWebClient({
      pageUrl: PAGE,
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    await assert.rejects(client.invoke('jobs:list', null), {
      code: 'SERVICE_UNREACHABLE',
      detail: { stage: 'connect' },
    });
  });
});

class FakeSocket implements EventSocket {
  onopen: EventSocket['onopen'] = null;
  onmessage: EventSocket['onmessage'] = null;
  onclose: EventSocket['onclose'] = null;
  onerror: EventSocket['onerror'] = null;
  isClosed = false;
  constructor(readonly url: string) {}
  open() {
    this.onopen?.({} as Event);
  }
  send(data: string) {
    this.onmessage?.({ data } as MessageEvent);
  }
  drop() {
    this.onerror?.({} as Event);
    this.onclose?.({} as CloseEvent);
  }
  close() {
    this.isClosed = true;
  }
}

function eventClient() {
  const sockets: FakeSocket[] = [];
  const timers: { callback: () => void; ms: number; isCancelled: boolean }[] = [];
  const client = createWebClient({
    pageUrl: PAGE,
    fetch: answering(200, '{"ok":true,"value":null}'),
    openSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    initialRetryMs: 100,
    maxRetryMs: 1000,
    random: () => 0.5,
    setTimeout: (callback, ms) => {
      const timer = { callback, ms, isCancelled: false };
      timers.push(timer);
      return timer;
    },
    clearTimeout: (timer) => {
      (timer as { isCancelled: boolean }).isCancelled = true;
    },
  });
  return { client, sockets, timers };
}

describe('web client: events', () => {
  it('opens ws://<same host>/s/<token>/events on the first listener and delivers batches', () => {
    const { client, sockets } = eventClient();
    assert.equal(sockets.length, 0, 'no socket before anyone listens');
    const batches: EventBatch[] = [];
    client.onEvents((batch) => batches.push(batch));
    assert.equal(sockets.length, 1);
    assert.equal(sockets[0]?.url, 'ws://127.0.0.1:4321/s/tok3n/events');
    sockets[0]?.open();
    const batch: EventBatch = { events: [{ type: 'clusters-changed', seq: 1 }] };
    sockets[0]?.send(JSON.stringify(batch));
    assert.deepEqual(batches, [batch]);
  });

  it('drops messages that are not event batches', () => {
    const { client, sockets } = eventClient();
    const batches: EventBatch[] = [];
    client.onEvents((batch) => batches.push(batch));
    sockets[0]?.open();
    for (const data of ['not json', '{}', '{"events":[{"seq":1}]}', '{"events":[1]}', 'null']) {
      sockets[0]?.send(data);
    }
    assert.deepEqual(batches, []);
  });

  it('reconnects with growing delays and reports the missed events once back', () => {
    const { client, sockets, timers } = eventClient();
    const changes: ConnectionChange[] = [];
    client.onConnection?.((change) => changes.push(change));
    client.onEvents(() => {});
    sockets[0]?.open();
    sockets[0]?.drop();
    timers.at(-1)?.callback();
    sockets[1]?.drop();
    timers.at(-1)?.callback();
    sockets[2]?.open();
    assert.deepEqual(
      timers.map((t) => t.ms),
      [100, 200],
    );
    assert.deepEqual(changes, [
      { state: 'connecting', hasMissedEvents: false },
      { state: 'connected', hasMissedEvents: false },
      { state: 'disconnected', hasMissedEvents: false, retryInMs: 100 },
      { state: 'connecting', hasMissedEvents: false },
      { state: 'disconnected', hasMissedEvents: false, retryInMs: 200 },
      { state: 'connecting', hasMissedEvents: false },
      { state: 'connected', hasMissedEvents: true },
    ]);
    // A successful open resets the backoff.
    sockets[2]?.drop();
    assert.equal(timers.at(-1)?.ms, 100);
  });

  it('closes the socket and stops retrying when the last listener leaves', () => {
    const { client, sockets, timers } = eventClient();
    const stop = client.onEvents(() => {});
    sockets[0]?.open();
    sockets[0]?.drop();
    stop();
    assert.equal(timers[0]?.isCancelled, true);
    const again = client.onEvents(() => {});
    sockets[1]?.open();
    again();
    assert.equal(sockets[1]?.isClosed, true);
  });

  it('ignores a socket it has replaced', () => {
    const { client, sockets } = eventClient();
    const batches: EventBatch[] = [];
    const stop = client.onEvents((batch) => batches.push(batch));
    stop();
    client.onEvents((batch) => batches.push(batch));
    sockets[0]?.send('{"events":[{"type":"clusters-changed","seq":1}]}');
    assert.deepEqual(batches, []);
  });
});

describe('web client: helpers', () => {
  it('derives the events URL from the page URL', () => {
    assert.equal(eventsUrl(PAGE), 'ws://127.0.0.1:4321/s/tok3n/events');
    assert.equal(eventsUrl('https://example.test/s/t/?x=1#y'), 'wss://example.test/s/t/events');
  });

  it('backs off exponentially with jitter, capped', () => {
    assert.equal(
      retryDelay(0, 500, 10_000, () => 0.5),
      500,
    );
    assert.equal(
      retryDelay(3, 500, 10_000, () => 0.5),
      4000,
    );
    assert.equal(
      retryDelay(50, 500, 10_000, () => 0.5),
      10_000,
    );
    assert.equal(
      retryDelay(0, 500, 10_000, () => 0),
      400,
    );
    assert.equal(
      retryDelay(0, 500, 10_000, () => 0.999999),
      600,
    );
  });
});
