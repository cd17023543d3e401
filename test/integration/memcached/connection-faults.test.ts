/**
 * How a connection fails: a real memcached killed, stopped or absent, and, for the replies a
 * real memcached never sends, the fault server. Every failure must reject everything pending with
 * an error naming the node, and every later request at once: nothing may hang.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import {
  ConnectError,
  ProtocolError,
  TimeoutError,
  type AstaireError,
} from '../../../core/errors.js';
import type { MemcachedClient } from '../../../core/memcached/client.js';
import { directConnector } from '../../../core/transport/node-connector.js';
import { startFaultServer, type FaultBehaviour } from '../../support/fault-server.js';
import { allocateLoopbackHost } from '../../support/loopback-hosts.js';
import { startMemcached } from '../../support/memcached-process.js';
import { failsWith, stockClient, withMemcached, within } from './harness.js';

const NO_EXPIRY = { clientFlags: 0, exptime: 0, mode: 'set' } as const;

// Requests of several kinds, all started at once, each settled (never left hanging).
function sendMixedRequests(client: MemcachedClient, count: number): Promise<unknown>[] {
  return Array.from({ length: count }, (_, index) => {
    const key = Buffer.from(`pending:${index}`);
    switch (index % 4) {
      case 0:
        return client.get(key);
      case 1:
        return client.set(key, Buffer.from('value\r\n'), NO_EXPIRY);
      case 2:
        return client.stats();
      default:
        return client.getMany([key, Buffer.from([0x00])]);
    }
  });
}

// Every one of `requests` rejects with an error that `check` accepts; returns those errors.
async function allReject(
  requests: readonly Promise<unknown>[],
  check: (error: unknown) => true,
): Promise<AstaireError[]> {
  const outcomes = await within(2000, 'the pending requests', Promise.allSettled(requests));
  return outcomes.map((outcome, index) => {
    assert.equal(outcome.status, 'rejected', `request ${index} was rejected`);
    const reason: unknown = outcome.status === 'rejected' ? outcome.reason : undefined;
    check(reason);
    return reason as AstaireError;
  });
}

// After a failure the connection is closed: later requests fail at once with the same error.
async function assertClosedWith(client: MemcachedClient, failure: AstaireError): Promise<void> {
  assert.equal(client.connection.isClosed, true);
  assert.equal(client.connection.inFlight, 0);
  const later: Promise<unknown>[] = [
    client.version(),
    client.get(Buffer.from('k')),
    client.stats(),
  ];
  await Promise.all(
    later.map((request) =>
      assert.rejects(within(100, 'a request on a closed connection', request), (error) => {
        assert.equal(error, failure);
        return true;
      }),
    ),
  );
}

async function withFaultServer(
  behaviour: FaultBehaviour,
  body: (client: MemcachedClient, address: string) => Promise<void>,
): Promise<void> {
  const server = await startFaultServer(behaviour);
  try {
    const client = stockClient(
      await directConnector({ timeoutMs: 5000 })(server.address, 'fault test'),
    );
    try {
      await body(client, server.address);
    } finally {
      client.close();
    }
  } finally {
    await server.stop();
  }
}

describe('MemcachedConnection faults against a real memcached', () => {
  it('a memcached killed with SIGKILL fails every pending request with a ConnectError', async () => {
    await withMemcached({ client: { window: 8 } }, async ({ server, client }) => {
      assert.match(await client.version(), /^\d/);
      // Stopped first, so that the requests are certainly still pending when it dies.
      await server.freeze();
      const requests = sendMixedRequests(client, 20);
      await sleep(50);
      assert.equal(client.connection.inFlight, 8, 'the window is full, the rest wait for a slot');
      server.signal('SIGKILL');

      const errors = await allReject(requests, failsWith(ConnectError, { node: server.address }));
      const [failure] = errors;
      assert.ok(failure !== undefined);
      assert.ok(
        errors.every((error) => error === failure),
        'one reason for all',
      );
      assert.match(failure.code, /^CONNECTION_(CLOSED|LOST)$/);
      await assertClosedWith(client, failure);
    });
  });

  it('a memcached stopped with SIGSTOP past the deadline gives a TimeoutError, never early', async () => {
    await withMemcached({ client: { timeoutMs: 300 } }, async ({ server, client }) => {
      await client.set(Buffer.from('k'), Buffer.from('v'), NO_EXPIRY);
      // Every thread stopped before the requests go: else one could still answer the first.
      await server.freeze();
      const startedAt = Date.now();
      const requests = [client.get(Buffer.from('k')), client.version(), client.stats()];
      const errors = await allReject(
        requests,
        failsWith(TimeoutError, {
          code: 'NODE_TIMEOUT',
          node: server.address,
          command: 'mg',
          message: /no reply for \d+\.\d s/,
        }),
      );
      const elapsedMs = Date.now() - startedAt;
      // Never before the deadline; how late a loaded machine's timer fires is not this test's
      // business (a hang would fail the test's own timeout).
      assert.ok(elapsedMs >= 290, `timed out after ${elapsedMs} ms`);
      const [failure] = errors;
      assert.ok(failure !== undefined);
      await assertClosedWith(client, failure);
    });
  });

  it('a connection we paused is not stalled, however long the pause', async () => {
    await withMemcached({ client: { timeoutMs: 200 } }, async ({ client }) => {
      await client.set(Buffer.from('k'), Buffer.from('v'), NO_EXPIRY);
      client.connection.pause();
      const item = client.get(Buffer.from('k'));
      await sleep(600);
      client.connection.resume();
      assert.deepEqual((await item)?.value, Buffer.from('v'));
      assert.equal(client.connection.isClosed, false);
    });
  });

  it('a slow dump that keeps sending is not stalled by a short deadline', async () => {
    await withMemcached({ client: { timeoutMs: 300 } }, async ({ client }) => {
      const requests = Array.from({ length: 2000 }, (_, index) => ({
        key: Buffer.from(`slow:${index}`),
        value: Buffer.from('v'),
        options: NO_EXPIRY,
      }));
      assert.equal((await client.setManyQuiet(requests)).size, 0);
      // Entries trickle in with pauses shorter than the deadline, for longer than it in total.
      let seen = 0;
      const count = await client.metadump('hash', () => {
        if (++seen % 500 !== 0) return;
        client.connection.pause();
        setTimeout(() => client.connection.resume(), 150);
      });
      assert.equal(count, 2000);
    });
  });

  it('a stopped memcached: connect fails with CONNECT_FAILED, saying nothing listens', async () => {
    const lease = await allocateLoopbackHost();
    try {
      // Our own lease, so the address stays ours (and empty) after the server stops.
      const server = await startMemcached({ host: lease.host });
      await server.stop();
      const startedAt = Date.now();
      await assert.rejects(
        directConnector()(server.address, 'fault test'),
        failsWith(ConnectError, {
          code: 'CONNECT_FAILED',
          node: server.address,
          command: 'connect',
          message: /ECONNREFUSED.*nothing listens there/,
        }),
      );
      assert.ok(Date.now() - startedAt < 1000);
    } finally {
      lease.release();
    }
  });
});

describe('MemcachedConnection faults a real memcached never makes', () => {
  it('a reply cut short by the server closing fails the request with a ConnectError', async () => {
    const reply = 'VA 10 f1\r\nabc';
    const behaviour = { kind: 'cut-reply', reply, keepBytes: reply.length } as const;
    await withFaultServer(behaviour, async (client, address) => {
      const [failure] = await allReject(
        [client.get(Buffer.from('k')), client.version()],
        failsWith(ConnectError, { code: 'CONNECTION_CLOSED', node: address, command: 'mg' }),
      );
      assert.ok(failure !== undefined);
      await assertClosedWith(client, failure);
    });
  });

  it('a server that drops the connection on the first request fails everything pending', async () => {
    await withFaultServer({ kind: 'close-on-request' }, async (client, address) => {
      const errors = await allReject(
        sendMixedRequests(client, 10),
        failsWith(ConnectError, { node: address, command: 'mg' }),
      );
      const [failure] = errors;
      assert.ok(failure !== undefined);
      await assertClosedWith(client, failure);
    });
  });

  for (const [what, bytes] of [
    ['an HTTP reply', Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')],
    ['binary garbage', Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0d, 0x0a])],
    ['an endless line', Buffer.alloc(20_000, 0x41)],
    ['a value without its "\\r\\n"', Buffer.from('VA 3\r\nabcdef\r\n')],
  ] as const) {
    it(`garbage (${what}) fails every pending request with a ProtocolError`, async () => {
      await withFaultServer({ kind: 'garbage', bytes }, async (client, address) => {
        const errors = await allReject(
          sendMixedRequests(client, 10),
          failsWith(ProtocolError, {
            code: 'PROTOCOL_ERROR',
            node: address,
            command: 'mg',
            message: /is this a memcached server\?/,
          }),
        );
        const [failure] = errors;
        assert.ok(failure !== undefined);
        assert.ok(errors.every((error) => error === failure));
        await assertClosedWith(client, failure);
      });
    });
  }

  it('a reply nobody asked for closes the connection with a ProtocolError', async () => {
    const behaviour: FaultBehaviour = {
      kind: 'script',
      onLine: (line, socket) => {
        if (line === 'version') socket.write('VERSION 1.6.18\r\nHD\r\n');
      },
    };
    await withFaultServer(behaviour, async (client, address) => {
      const closed = new Promise<AstaireError>((resolve) => client.connection.onClose(resolve));
      assert.equal(await client.version(), '1.6.18');
      const failure = await within(1000, 'the connection closing', closed);
      failsWith(ProtocolError, {
        code: 'PROTOCOL_ERROR',
        node: address,
        message: /a reply nobody asked for \(meta\)/,
      })(failure);
      await assertClosedWith(client, failure);
    });
  });

  it('a server that never answers gives a TimeoutError naming the command', async () => {
    const server = await startFaultServer({ kind: 'stall' });
    try {
      const client = stockClient(
        await directConnector({ timeoutMs: 300 })(server.address, 'fault test'),
      );
      try {
        const [failure] = await allReject(
          [client.stats('settings'), client.get(Buffer.from('k'))],
          failsWith(TimeoutError, {
            code: 'NODE_TIMEOUT',
            node: server.address,
            command: 'stats settings',
          }),
        );
        assert.ok(failure !== undefined);
        await assertClosedWith(client, failure);
      } finally {
        client.close();
      }
    } finally {
      await server.stop();
    }
  });
});
