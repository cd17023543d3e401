/** `astaire demo` (what `npm run demo` runs): a whole resync on a demo cluster of its own. */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isListening } from '../../../core/demo/local-memcached.js';
import { runAstaire } from '../../support/cli-process.js';
import { CLEARWATER_PREFIX } from '../../support/memcached-process.js';
import { REPO_ROOT } from '../../support/repo-paths.js';

/**
 * An install prefix laid out as the fork's, whose `bin/memcached` runs the test server that plays
 * the fork: what ASTAIRE_CLEARWATER_MEMCACHED points at where no build of the fork is given.
 */
function testForkPrefix(): string {
  const prefix = mkdtempSync(join(tmpdir(), 'astaire-test-fork-'));
  mkdirSync(join(prefix, 'bin'));
  mkdirSync(join(prefix, 'lib', 'memcached'), { recursive: true });
  writeFileSync(join(prefix, 'lib', 'memcached', 'default_engine.so'), '');
  const server = join(REPO_ROOT, 'dist', 'test', 'support', 'clearwater-fork-server-main.js');
  const program = join(prefix, 'bin', 'memcached');
  writeFileSync(program, `#!/bin/sh\nexec '${process.execPath}' '${server}' "$@"\n`);
  chmodSync(program, 0o755);
  return prefix;
}

describe('astaire demo', () => {
  it('starts a local cluster, resizes it 3 -> 4 with a real resync, verifies, and stops it', async () => {
    const run = await runAstaire(['demo', '--keys', '3000']);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /54 of 128 vbuckets move/);
    assert.match(run.stdout, /127\.0\.0\.4:11311: resync complete .*: 54 of 54 vbuckets streamed/);
    assert.match(run.stdout, /0 missing, 0 stale\. Verification passed\./);
    assert.match(run.stdout, /Demo cluster stopped\./);
    for (const host of ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4']) {
      assert.equal(await isListening(host, 11311), false, `${host}:11311 is free again`);
    }
  });

  it("runs its cluster on Clearwater's memcached where a build of it is given", async () => {
    const prefix = CLEARWATER_PREFIX ?? testForkPrefix();
    try {
      const run = await runAstaire(['demo', '--keys', '3000'], '', {
        ...process.env,
        ASTAIRE_CLEARWATER_MEMCACHED: prefix,
      });
      assert.equal(run.status, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /Starting the demo cluster: Clearwater's memcached/);
      assert.match(run.stdout, /from 127\.0\.0\.1:11311 \(TAP\)/);
      assert.match(run.stdout, /0 missing, 0 stale\. Verification passed\./);
    } finally {
      if (prefix !== CLEARWATER_PREFIX) rmSync(prefix, { recursive: true, force: true });
    }
  });
});
