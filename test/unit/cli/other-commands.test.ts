import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCliCaptured, writeSettingsFile } from '../../support/cli-harness.js';

describe('astaire lint', () => {
  it('exits 0 and prints nothing for a clean file', async () => {
    const run = await runCliCaptured([
      'lint',
      '--settings',
      writeSettingsFile('servers=10.0.0.1:11211\n'),
    ]);
    assert.deepEqual([run.status, run.stdout, run.stderr], [0, '', '']);
  });

  it('exits 1 and prints file:line warnings for a suspicious file', async () => {
    const file = writeSettingsFile('servers=10.0.0.1:11211 # main\n');
    const run = await runCliCaptured(['lint', '--settings', file]);
    assert.equal(run.status, 1);
    assert.ok(run.stdout.startsWith(`${file}:1: warning:`), run.stdout);
  });

  it('reports warnings as JSON with codes and lines', async () => {
    const file = writeSettingsFile('servers=a:1\nservers=b:1\n');
    const run = await runCliCaptured(['lint', '--settings', file, '--json']);
    const report = JSON.parse(run.stdout) as { warnings: { code: string; line: number | null }[] };
    assert.deepEqual(
      report.warnings.map((w) => [w.code, w.line]),
      [['REPEATED_KEY', 2]],
    );
  });

  it('exits 2 for a file the clients reject', async () => {
    const run = await runCliCaptured([
      'lint',
      '--settings',
      writeSettingsFile('servers=a:1\nx=1\n'),
    ]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /:2: unknown key "x"/);
  });
});

describe('astaire worklist', () => {
  const file = () => writeSettingsFile('servers=a:1,b:1,c:1\nnew_servers=a:1,b:1,c:1,d:1\n');

  it("prints a joining node's vbuckets and sources", async () => {
    const run = await runCliCaptured(['worklist', '--settings', file(), '--node', 'd:1']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^d:1 \(joining\): 54 vbuckets to fetch \(minimal resync\)\n/);
  });

  it('prints JSON with the role and the full worklist', async () => {
    const run = await runCliCaptured([
      'worklist',
      '--settings',
      file(),
      '--node',
      'a:1',
      '--full',
      '--json',
    ]);
    const report = JSON.parse(run.stdout) as {
      role: string;
      full: boolean;
      worklist: Record<string, string[]>;
    };
    assert.equal(report.role, 'staying');
    assert.equal(report.full, true);
    assert.equal(Object.keys(report.worklist).length, 74);
  });

  it('refuses a node the file does not name, listing the ones it does', async () => {
    const run = await runCliCaptured(['worklist', '--settings', file(), '--node', 'z:1']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /z:1 is not named in .*a:1, b:1, c:1, d:1/);
  });
});

describe('astaire', () => {
  it('prints help listing the commands, and per-command help', async () => {
    const help = await runCliCaptured(['--help']);
    assert.equal(help.status, 0);
    for (const name of ['plan', 'worklist', 'vbucket', 'lint'])
      assert.match(help.stdout, new RegExp(`\\n  ${name} `));
    const planHelp = await runCliCaptured(['plan', '--help']);
    assert.match(planHelp.stdout, /^Usage: astaire plan --settings FILE/);
  });

  it('refuses an unknown command with exit status 2', async () => {
    const run = await runCliCaptured(['rezise']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /unknown command "rezise"/);
  });
});

describe('a command named like an inherited member', () => {
  it('astaire constructor, toString or __proto__ is an unknown command, not a TypeError', async () => {
    for (const name of ['constructor', 'toString', '__proto__']) {
      const run = await runCliCaptured([name]);
      assert.notEqual(run.status, 0, name);
      assert.match(run.stderr, new RegExp(`unknown command "${name}"`), name);
      assert.doesNotMatch(run.stderr, /TypeError|is not a function/, name);
    }
  });
});
