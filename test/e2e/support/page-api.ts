import type { Page } from 'playwright-core';

/**
 * Calls the console service from inside the page, with its session and origin, as the page's own
 * client does: for set-ups the page offers no control for (a whole resize job without the wizard).
 */
export async function callFromPage<T>(page: Page, channel: string, request: unknown): Promise<T> {
  return page.evaluate(
    async ([name, body]) => {
      const response = await fetch(`api/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const result = (await response.json()) as {
        ok: boolean;
        value?: unknown;
        error?: { message: string };
      };
      if (!result.ok) throw new Error(`${name}: ${result.error?.message ?? 'failed'}`);
      return result.value;
    },
    [channel, request] as const,
  ) as Promise<T>;
}
