/**
 * The web console's doors: the page, calls and the event socket are served only to loopback
 * clients that carry the session token, name our host and, when a browser says where it comes
 * from, come from our own page.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { ClusterStore } from '../../../core/console/cluster-store.js';
import { ConsoleService } from '../../../core/console/console-service.js';
import type { EventBatch } from '../../../core/console/contract.js';
import { startWebConsole, type WebConsole } from '../../../core/console/web-server.js';
import { AstaireError } from '../../../core/errors.js';
import { packageVersion } from '../../../core/util/package-version.js';
import { startTcpForwarder } from '../../support/tcp-forwarder.js';

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Opens the event socket; resolves with it once open, or with the refusal's status. */
function openSocket(url: string, origin?: string): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, origin === undefined ? {} : { origin });
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.once('error', reject);
  });
}

describe('web mode', () => {
  let dir: string;
  let service: ConsoleService;
  let web: WebConsole;
  let base: string;
  let origin: string;
  let token: string;

  const call = (channel: string, body: unknown, headers: Record<string, string> = {}) =>
    send(`${base}api/${channel}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: origin, ...headers },
      body: JSON.stringify(body),
    });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'astaire-web-'));
    const page = join(dir, 'page');
    await mkdir(page);
    await writeFile(
      join(page, 'index.html'),
      '<!doctype html><title>t</title><script src="app.js"></script>',
    );
    await writeFile(join(page, 'app.js'), 'void 0;');
    await writeFile(join(dir, 'secret.txt'), 'not for the page');
    service = new ConsoleService({
      mode: 'web',
      store: await ClusterStore.open(join(dir, 'clusters.json')),
    });
    web = await startWebConsole({ backend: service, pageDir: page });
    base = web.url;
    origin = `http://127.0.0.1:${web.port}`;
    token = /\/s\/([^/]+)\//.exec(base)?.[1] ?? '';
    assert.ok(token.length >= 32, 'a long random token');
  });
  after(async () => {
    await web.close();
    await service.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the page with a strict policy, to whoever has the token', async () => {
    const page = await send(base);
    assert.equal(page.status, 200);
    assert.match(page.body, /<title>t<\/title>/);
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.equal(
      (await send(`${base}app.js`)).headers['content-type'],
      'text/javascript; charset=utf-8',
    );
    const bare = await send(base.slice(0, -1));
    assert.equal(bare.status, 308);
    assert.equal(bare.headers.location, `/s/${token}/`);
  });

  it('refuses the page and its files without the right token', async () => {
    const root = `http://127.0.0.1:${web.port}`;
    for (const path of [
      '/',
      '/index.html',
      '/app.js',
      `/s/${token.slice(1)}/`,
      `/s/x${token}/app.js`,
      '/s/',
    ]) {
      const reply = await send(root + path);
      assert.equal(reply.status, 403, path);
      assert.doesNotMatch(reply.body, /<title>/, path);
    }
  });

  it("serves only the page's own files", async () => {
    for (const path of [
      '../secret.txt',
      '..%2fsecret.txt',
      '%2e%2e/secret.txt',
      'nope.js',
      'api',
    ]) {
      const reply = await send(base + path);
      assert.ok([403, 404, 405].includes(reply.status), `${path}: ${reply.status}`);
      assert.doesNotMatch(reply.body, /not for the page/);
    }
  });

  it("answers calls in the contract's envelope", async () => {
    const info = await call('app:info', null);
    assert.equal(info.status, 200);
    assert.deepEqual(JSON.parse(info.body), {
      ok: true,
      value: { version: packageVersion(), mode: 'web' },
    });
    const unknown = JSON.parse((await call('nodes:format', null)).body) as {
      ok: boolean;
      error: { code: string };
    };
    assert.deepEqual([unknown.ok, unknown.error.code], [false, 'UNKNOWN_CHANNEL']);
    const invalid = JSON.parse((await call('clusters:remove', { id: 3 })).body) as {
      error: { code: string };
    };
    assert.equal(invalid.error.code, 'BAD_REQUEST');
  });

  it('refuses calls with a wrong token, from another page, for another host, or not as JSON', async () => {
    const wrongToken = await send(
      `http://127.0.0.1:${web.port}/s/${'A'.repeat(token.length)}/api/clusters:list`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: origin },
        body: 'null',
      },
    );
    assert.equal(wrongToken.status, 403);
    for (const other of ['http://evil.example', `http://evil.example:${web.port}`, 'null']) {
      assert.equal((await call('clusters:list', null, { Origin: other })).status, 403, other);
    }
    assert.equal(
      (await call('clusters:list', null, { Host: `evil.example:${web.port}` })).status,
      421,
    );
    const form = await send(`${base}api/clusters:list`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin },
      body: 'a=b',
    });
    assert.equal(form.status, 415);
    assert.equal(JSON.parse(form.body).error.code, 'UNSUPPORTED_MEDIA_TYPE');
    assert.equal((await send(`${base}api/clusters:list`)).status, 405);
    // None of it reached the service.
    assert.deepEqual(JSON.parse((await call('clusters:list', null)).body), { ok: true, value: [] });
  });

  it('streams events over the socket to our page only', async () => {
    const eventsUrl = base.replace(/^http/, 'ws') + 'events';
    const socket = await openSocket(eventsUrl, origin);
    assert.ok(socket instanceof WebSocket);
    const batch = once(socket, 'message');
    await call('clusters:save', {
      definition: { name: 'ws', servers: ['127.0.0.1:11211'], newServers: [] },
    });
    const [data] = (await batch) as [Buffer];
    const received = JSON.parse(data.toString()) as EventBatch;
    assert.equal(received.events[0]?.type, 'clusters-changed');
    socket.close();

    const root = `ws://127.0.0.1:${web.port}`;
    assert.equal(await openSocket(`${root}/events`, origin), 403);
    assert.equal(await openSocket(`${root}/s/${token.slice(2)}/events`, origin), 403);
    assert.equal(await openSocket(eventsUrl, 'http://evil.example'), 403);
    assert.equal(await openSocket(eventsUrl.replace('events', 'other'), origin), 404);
  });

  it('serves the page, calls and events through a forwarder on another port (the bastion recipe)', async () => {
    const forwarder = await startTcpForwarder(web.port);
    try {
      assert.notEqual(forwarder.port, web.port);
      const forwarded = `http://127.0.0.1:${forwarder.port}`;
      const pageUrl = `${forwarded}/s/${token}/`;
      const page = await send(pageUrl);
      assert.equal(page.status, 200);
      assert.match(page.body, /<title>t<\/title>/);
      // The page opens its socket at the address it was loaded from: the forwarder's.
      assert.match(
        String(page.headers['content-security-policy']),
        new RegExp(`connect-src 'self' ws://127\\.0\\.0\\.1:${forwarder.port};`),
      );
      assert.equal((await send(`${pageUrl}app.js`)).status, 200);
      const json = { 'Content-Type': 'application/json', Origin: forwarded };
      const list = await send(`${pageUrl}api/clusters:list`, {
        method: 'POST',
        headers: json,
        body: 'null',
      });
      assert.equal(list.status, 200);
      assert.equal(JSON.parse(list.body).ok, true);
      const viaLocalhost = await send(`${pageUrl}api/app:info`, {
        method: 'POST',
        headers: {
          ...json,
          Host: `localhost:${forwarder.port}`,
          Origin: `http://localhost:${forwarder.port}`,
        },
        body: 'null',
      });
      assert.equal(viaLocalhost.status, 200);
      const socket = await openSocket(
        `ws://127.0.0.1:${forwarder.port}/s/${token}/events`,
        forwarded,
      );
      assert.ok(socket instanceof WebSocket, `the socket was refused: ${String(socket)}`);
      socket.close();

      // A rebinding page names its own domain, whatever port it uses; other pages are still refused.
      const rebound = await send(pageUrl, { headers: { Host: `evil.example:${forwarder.port}` } });
      assert.equal(rebound.status, 421);
      assert.doesNotMatch(rebound.body, /<title>/);
      const otherPage = await send(`${pageUrl}api/clusters:list`, {
        method: 'POST',
        headers: { ...json, Origin: 'http://evil.example' },
        body: 'null',
      });
      assert.equal(otherPage.status, 403);
      assert.equal(
        await openSocket(
          `ws://127.0.0.1:${forwarder.port}/s/${token}/events`,
          'http://evil.example',
        ),
        403,
      );
    } finally {
      await forwarder.close();
    }
  });

  it('denies every powerful feature (Permissions-Policy) on the page, its files, calls and refusals', async () => {
    const replies = [
      await send(base),
      await send(`${base}app.js`),
      await call('app:info', null),
      await call('nodes:format', null),
      await send(`http://127.0.0.1:${web.port}/`),
    ];
    for (const reply of replies) {
      const policy = String(reply.headers['permissions-policy']);
      for (const feature of ['camera', 'microphone', 'geolocation', 'usb', 'serial', 'hid']) {
        assert.match(
          policy,
          new RegExp(`(^|, )${feature}=\\(\\)(,|$)`),
          `${reply.status}: ${feature}`,
        );
      }
      for (const feature of [
        'payment',
        'clipboard-read',
        'display-capture',
        'midi',
        'fullscreen',
      ]) {
        assert.match(
          policy,
          new RegExp(`(^|, )${feature}=\\(\\)(,|$)`),
          `${reply.status}: ${feature}`,
        );
      }
    }
  });

  it('answers a body over 1 MiB with 413 and a JSON error, then serves the next call', async () => {
    const bodies = [
      // Declared up front, and sent without a length (chunked), where the size shows only later.
      { headers: {}, body: JSON.stringify({ text: 'x'.repeat(2 * 1024 * 1024) }) },
      {
        headers: { 'Transfer-Encoding': 'chunked' },
        body: JSON.stringify({ text: 'y'.repeat(3 * 1024 * 1024) }),
      },
    ];
    for (const { headers, body } of bodies) {
      const reply = await send(`${base}api/clusters:import-settings`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: origin, ...headers },
        body,
      });
      assert.equal(reply.status, 413);
      assert.match(String(reply.headers['content-type']), /^application\/json/);
      const parsed = JSON.parse(reply.body) as {
        ok: boolean;
        error: { code: string; message: string };
      };
      assert.equal(parsed.ok, false);
      assert.equal(parsed.error.code, 'REQUEST_TOO_LARGE');
      assert.match(parsed.error.message, /^clusters:import-settings: .*larger than 1 MiB/);
    }
    assert.equal((await call('app:info', null)).status, 200);
  });

  it('answers each refusal of a call with its own status and a JSON error', async () => {
    const cases: [number, string, Promise<Reply>][] = [
      [404, 'UNKNOWN_CHANNEL', call('nodes:format', null)],
      [400, 'BAD_REQUEST', call('clusters:remove', { id: 3 })],
      [
        400,
        'BAD_REQUEST',
        send(`${base}api/clusters:list`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Origin: origin },
          body: '{not json',
        }),
      ],
      [
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        send(`${base}api/clusters:list`, {
          method: 'POST',
          headers: { 'Content-Type': 'text/plain', Origin: origin },
          body: 'null',
        }),
      ],
    ];
    for (const [status, code, pending] of cases) {
      const reply = await pending;
      assert.equal(reply.status, status, code);
      assert.match(String(reply.headers['content-type']), /^application\/json/);
      assert.equal((JSON.parse(reply.body) as { error: { code: string } }).error.code, code);
    }
  });

  it('refuses a profile nested 100,000 deep with a 400 naming the field', async () => {
    for (const [open, close] of [
      ['[', ']'],
      ['{"a":', '}'],
    ] as const) {
      const profile = open.repeat(100_000) + '1' + close.repeat(100_000);
      const reply = await send(`${base}api/clusters:save`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: origin },
        body: `{"definition":{"name":"deep","servers":["127.0.0.1:11211"],"newServers":[],"profile":${profile}}}`,
      });
      assert.equal(reply.status, 400, reply.body);
      const { error } = JSON.parse(reply.body) as { error: { code: string; message: string } };
      assert.equal(error.code, 'BAD_REQUEST');
      assert.match(
        error.message,
        /^clusters:save: definition\.profile: nested deeper than 8 levels/,
      );
    }
  });

  it('will not listen anywhere but loopback', async () => {
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'example.com']) {
      await assert.rejects(startWebConsole({ backend: service, host, pageDir: dir }), (error) => {
        assert.ok(error instanceof AstaireError);
        assert.equal(error.code, 'WEB_NOT_LOOPBACK');
        assert.match(error.message, /ssh -L/);
        return true;
      });
    }
  });
});
