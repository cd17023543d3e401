/**
 * The README's bastion recipe in real Chromium: the page opened through a forwarder on another
 * loopback port (as `ssh -L 8080:127.0.0.1:PORT bastion` gives), where Host and Origin name the
 * forwarder's port. The page must load, connect its event socket and answer a call, with no
 * console error or warning (a refused socket, a CSP block, a Permissions-Policy feature Chromium
 * does not know).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTcpForwarder, type TcpForwarder } from '../support/tcp-forwarder.js';
import { launchChromium, loopbackContext } from './support/chromium.js';
import { startWebConsoleProcess, type WebConsoleProcess } from './support/web-console-process.js';

const TIMEOUT_MS = 15_000;

// The page's globals as this test reads them: the test is compiled without the DOM's types.
interface PolicyGlobals {
  readonly document: { readonly featurePolicy?: { allowedFeatures(): string[] } };
}

describe('the web console through a port forward', () => {
  let server: WebConsoleProcess;
  let forwarder: TcpForwarder;
  let browser: Browser;
  let dataDir: string;
  const problems: string[] = [];

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'astaire-web-forward-'));
    server = await startWebConsoleProcess(['--data-dir', dataDir]);
    forwarder = await startTcpForwarder(Number(new URL(server.url).port));
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await forwarder?.close();
    await server?.stop();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it('loads, connects its events and saves a cluster at the forwarded address', async () => {
    const context = await loopbackContext(browser, TIMEOUT_MS);
    const page: Page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (['error', 'warning'].includes(message.type())) {
        problems.push(`console ${message.type()}: ${message.text()}`);
      }
    });
    const url = new URL(server.url);
    url.port = String(forwarder.port);
    assert.notEqual(url.href, server.url);
    await page.goto(url.href);
    await page
      .getByRole('status')
      .filter({ hasText: /^Connected$/ })
      .waitFor();
    const info = await page.evaluate(async () => {
      const reply = await fetch('api/app:info', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: 'null',
      });
      return { status: reply.status, body: (await reply.json()) as { value?: { mode?: string } } };
    });
    assert.deepEqual([info.status, info.body.value?.mode], [200, 'web']);

    const allowed = await page.evaluate(() =>
      (
        (globalThis as unknown as PolicyGlobals).document.featurePolicy?.allowedFeatures() ?? [
          'no featurePolicy',
        ]
      ).sort(),
    );
    for (const feature of ['camera', 'microphone', 'geolocation', 'usb', 'serial', 'hid']) {
      assert.ok(!allowed.includes(feature), `${feature} allowed: ${allowed.join(', ')}`);
    }
    assert.ok(allowed.includes('clipboard-write'), allowed.join(', '));
    assert.deepEqual(problems, []);
    await context.close();
  });
});
