/**
 * Debian's Chromium, driven by playwright-core (Playwright's own browser download cannot work on
 * these machines), and a context whose pages may reach loopback only.
 */
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A context that refuses (and so exposes) any request leaving loopback. */
export async function loopbackContext(
  browser: Browser,
  timeoutMs: number,
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
  await context.route('**/*', (route) => {
    const { protocol, hostname } = new URL(route.request().url());
    if (protocol === 'data:' || hostname.startsWith('127.')) return route.continue();
    return route.abort('blockedbyclient');
  });
  context.setDefaultTimeout(timeoutMs);
  return context;
}
