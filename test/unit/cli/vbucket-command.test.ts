import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCliCaptured } from '../../support/cli-harness.js';
import { vbucketVectors } from '../../support/reference-data.js';

describe('astaire vbucket', () => {
  const vectors = vbucketVectors();
  const printable = vectors.filter(
    (v) => v.key !== undefined && v.key !== '' && !v.key.includes('\n'),
  );

  it('prints {key, hash, vbucket} for each KEY argument, in order', async () => {
    const sample = printable.slice(0, 20);
    const run = await runCliCaptured(['vbucket', '--json', ...sample.map((v) => v.key ?? '')]);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(
      JSON.parse(run.stdout),
      sample.map((v) => ({ key: v.key, hash: v.hash, vbucket: v.vbucket })),
    );
  });

  it('hashes every reference key given in base64, binary keys included', async () => {
    const run = await runCliCaptured(['vbucket', '--json', '--base64'], {
      stdin: vectors.map((v) => v.key_b64).join('\n') + '\n',
    });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(
      JSON.parse(run.stdout),
      vectors.map((v) => ({ key: v.key_b64, hash: v.hash, vbucket: v.vbucket })),
    );
  });

  it('reads raw key bytes from stdin, one per line, CRLF tolerated, empty lines as empty keys', async () => {
    const binary = vectors.find(
      (v) => v.key === undefined && !Buffer.from(v.key_b64, 'base64').includes(10),
    );
    assert.ok(binary);
    const bytes = Buffer.from(binary.key_b64, 'base64');
    const input = Buffer.concat([Buffer.from('abc\r\n\n'), bytes, Buffer.from('\n')]);
    const run = await runCliCaptured(['vbucket', '--json'], { stdin: input });
    const results = JSON.parse(run.stdout) as { hash: number }[];
    assert.equal(results.length, 3);
    const empty = vectors.find((v) => v.key === '');
    assert.equal(results[1]?.hash, empty?.hash);
    assert.equal(results[2]?.hash, binary.hash);
  });

  it('prints vbucket, hash and key separated by tabs without --json', async () => {
    const run = await runCliCaptured(['vbucket', ''], {});
    const empty = vectors.find((v) => v.key === '');
    assert.equal(run.stdout, `${empty?.vbucket}\t${empty?.hash}\t\n`);
  });

  it('masks by --vbuckets', async () => {
    const run = await runCliCaptured(['vbucket', '--json', '--vbuckets', '1024', '']);
    const empty = vectors.find((v) => v.key === '');
    assert.equal(
      (JSON.parse(run.stdout) as { vbucket: number }[])[0]?.vbucket,
      (empty?.hash ?? 0) % 1024,
    );
  });

  it('refuses bad base64 with exit status 2, naming the line, and prints nothing on stdout', async () => {
    const run = await runCliCaptured(['vbucket', '--base64'], { stdin: 'YWJj\nnot base64!\n' });
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /standard input line 2 is not valid base64/);
  });

  it('refuses a vbucket count that is not a power of two', async () => {
    const run = await runCliCaptured(['vbucket', '--vbuckets', '100', 'k']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /power of two/);
  });
});
