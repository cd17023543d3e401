/** `astaire demo` (what `npm run demo` runs): a whole resync on a demo cluster of its own. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isListening } from '../../../core/demo/local-memcached.js';
import { runAstaire } from '../../support/cli-process.js';

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
});
