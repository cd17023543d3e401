/** What an operator does on the console's page, as the end-to-end tests do it. */
import type { Page } from 'playwright-core';

/** How long a job may take to end in these tests. */
export const JOB_TIMEOUT_MS = 90_000;

export async function addCluster(
  page: Page,
  name: string,
  servers: readonly string[],
  newServers: readonly string[],
): Promise<void> {
  await page.getByRole('button', { name: 'Add a cluster' }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Servers', { exact: true }).fill(servers.join('\n'));
  await page.getByLabel('New servers').fill(newServers.join('\n'));
  await page.getByRole('button', { name: 'Add cluster' }).click();
  await page.getByRole('heading', { name, level: 2 }).waitFor();
}

export async function selectCluster(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Clusters' }).getByRole('button', { name }).click();
}

export async function startResync(
  page: Page,
  node: string,
  options: { full: boolean; rateLimitMiB?: number },
): Promise<void> {
  await page.getByRole('tab', { name: 'Resync a node' }).click();
  await page.getByRole('group', { name: 'Node' }).getByLabel(new RegExp(node)).check();
  await page
    .getByRole('group', { name: 'What to stream' })
    .getByRole('radio')
    .nth(options.full ? 1 : 0)
    .check();
  if (options.rateLimitMiB !== undefined) {
    // Typed into the throttle's box (MiB/s); leaving the box for the Start button sets it.
    await page
      .getByRole('textbox', { name: /^Rate limit into the node/ })
      .fill(String(options.rateLimitMiB));
  }
  await page.getByRole('button', { name: /^Start a (full|minimal) resync/ }).click();
  await page.getByRole('tab', { name: 'Live', selected: true }).waitFor();
}

/** Waits for the job on the Live view to end in `state`; an ended job shows no controls. */
export async function jobEnded(page: Page, state: string): Promise<void> {
  await page
    .locator('.job-state')
    .filter({ hasText: state })
    .first()
    .waitFor({ timeout: JOB_TIMEOUT_MS });
  await page.getByRole('region', { name: 'Job controls' }).waitFor({ state: 'detached' });
}

/**
 * Confirms a wizard step done by hand: ticks its statement (when it has one) and clicks the
 * confirmation, then waits for the button to go (it stays when the step is refused).
 */
export async function confirmByHand(page: Page, step: number): Promise<void> {
  const confirm = page.getByRole('button', { name: `Confirm step ${step} done by hand` });
  await confirm.waitFor({ timeout: JOB_TIMEOUT_MS });
  const box = page.getByRole('checkbox', { name: /^I have/ });
  if ((await box.count()) > 0) await box.first().check();
  await confirm.click();
  await confirm.waitFor({ state: 'detached', timeout: JOB_TIMEOUT_MS }).catch(() => undefined);
}
