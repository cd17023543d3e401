/**
 * The `astaire` executable as scripts run it: a real process, real pipes, real exit statuses.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runAstaire as astaire, runProcess as run } from '../../support/cli-process.js';
import { writeSettingsFile } from '../../support/cli-harness.js';

describe('the astaire executable', () => {
  it('runs as `npx astaire` in the checkout', async () => {
    const result = await run('npx', ['--no-install', 'astaire', '--version']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^astaire \d+\.\d+\.\d+\n$/);
  });

  it('reads keys from a piped stdin', async () => {
    const result = await astaire(['vbucket', '--json'], 'LpBumBIyewAsKGv\n');
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), [
      { key: 'LpBumBIyewAsKGv', hash: 1864102619, vbucket: 91 },
    ]);
  });

  it('exits 2 with nothing on stdout for a file Clearwater rejects', async () => {
    const file = writeSettingsFile('servers=10.0.0.1:11211\ntombstone_lifetime=300\n');
    const result = await astaire(['plan', '--settings', file, '--json']);
    assert.equal(result.status, 2);
    assert.equal(result.stdout.length, 0);
    assert.equal(
      result.stderr,
      `astaire: ${file}:2: unknown key "tombstone_lifetime": only "servers" and "new_servers" are allowed\n`,
    );
  });

  it('writes a large plan completely before exiting (regression: output cut short in a pipe)', async () => {
    const servers = Array.from({ length: 40 }, (_, i) => `10.1.0.${i + 1}:11211`);
    const file = writeSettingsFile(
      `servers=${servers.slice(0, 30).join(',')}\nnew_servers=${servers.join(',')}\n`,
    );
    const result = await astaire(['plan', '--settings', file, '--json', '--vbuckets', '4096']);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(result.stdout.length > 1_000_000, `only ${result.stdout.length} bytes`);
    const plan = JSON.parse(result.stdout) as { vbuckets: unknown[] };
    assert.equal(plan.vbuckets.length, 4096);
  });
});
