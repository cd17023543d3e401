/** `astaire demo` (what `npm run demo` runs): a whole resync on a demo cluster of its own. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { CLI_PATH, REPO_ROOT } from '../../support/repo-paths.js';

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('astaire demo', () => {
  it('starts a local cluster, resizes it 3 -> 4 with a real resync, verifies, and stops it', async () => {
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(process.execPath, [CLI_PATH, 'demo', '--keys', '3000'], {
          cwd: REPO_ROOT,
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('error', reject);
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      },
    );
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /54 of 128 vbuckets move/);
    assert.match(run.stdout, /127\.0\.0\.4:11311: resync complete .*: 54 of 54 vbuckets streamed/);
    assert.match(run.stdout, /0 missing, 0 stale\. Verification passed\./);
    assert.match(run.stdout, /Demo cluster stopped\./);
    for (const host of ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4']) {
      assert.equal(await listening(host, 11311), false, `${host}:11311 is free again`);
    }
  });
});
