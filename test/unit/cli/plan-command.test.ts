import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlanJson } from '../../../core/cluster/plan.js';
import { runCliCaptured, writeSettingsFile } from '../../support/cli-harness.js';
import { settingsVectors, viewVectors, worklistVectors } from '../../support/reference-data.js';

function settingsText(servers: string[], newServers: string[]): string {
  return (
    `servers=${servers.join(',')}\n` +
    (newServers.length > 0 ? `new_servers=${newServers.join(',')}\n` : '')
  );
}

describe('astaire plan --json', () => {
  const worklists = worklistVectors();

  for (const label of [
    'resize-3-4',
    'resize-4-3',
    'shuffled-06-swap',
    'dup-00',
    'stable-3',
    'resize-1-2',
  ]) {
    it(`matches the reference view and every node's worklists for ${label}`, async () => {
      const vector = viewVectors().find((v) => v.label === label);
      assert.ok(vector);
      const file = writeSettingsFile(settingsText(vector.servers, vector.new_servers));
      const run = await runCliCaptured(['plan', '--settings', file, '--json']);
      assert.equal(run.status, 0, run.stderr);
      const plan = JSON.parse(run.stdout) as PlanJson;

      assert.deepEqual(Object.keys(plan), ['servers', 'newServers', 'vbuckets', 'worklists']);
      assert.deepEqual(plan.servers, vector.servers);
      assert.deepEqual(plan.newServers, vector.new_servers);
      assert.deepEqual(
        plan.vbuckets,
        vector.vbuckets.map((v) => ({
          id: v.vbucket,
          current: v.current_replicas,
          new: v.new_replicas,
          read: v.read_set,
          write: v.write_set,
          moving: v.moving,
        })),
      );
      const named = new Set([...vector.servers, ...vector.new_servers]);
      assert.deepEqual(new Set(Object.keys(plan.worklists)), named);
      for (const expected of worklists.filter((w) => w.label === label)) {
        const actual = plan.worklists[expected.self];
        assert.deepEqual(
          expected.full ? actual?.full : actual?.minimal,
          expected.owl,
          expected.self,
        );
      }
    });
  }

  it('honours --vbuckets and --replicas', async () => {
    const file = writeSettingsFile('servers=a:1,b:1,c:1,d:1\nnew_servers=a:1,b:1,c:1\n');
    const run = await runCliCaptured([
      'plan',
      '--settings',
      file,
      '--json',
      '--vbuckets',
      '4096',
      '--replicas',
      '3',
    ]);
    const plan = JSON.parse(run.stdout) as PlanJson;
    assert.equal(plan.vbuckets.length, 4096);
    assert.ok(plan.vbuckets.every((v) => v.current.length === 3 && v.new?.length === 3));
  });
});

describe('astaire plan (human output)', () => {
  it('summarises moves, joining and leaving nodes, worklist sizes and the owner matrix', async () => {
    const file = writeSettingsFile('servers=a:1,b:1,c:1\nnew_servers=a:1,b:1,d:1,e:1\n');
    const run = await runCliCaptured(['plan', '--settings', file]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /3 -> 4 servers, 128 vbuckets, 2 replicas each/);
    assert.match(run.stdout, /\d+ of 128 vbuckets move \(\d+%\)/);
    assert.match(run.stdout, /Joining: d:1, e:1\nLeaving: c:1\n/);
    assert.match(run.stdout, /now\\after\s+#1\s+#2\s+#3\s+#4\s+#5/);
  });

  it('plans the built-in demo with --demo', async () => {
    const run = await runCliCaptured(['plan', '--demo']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /3 -> 4 servers/);
  });

  it('says that nothing moves when no resize is in progress', async () => {
    const file = writeSettingsFile('servers=a:1,b:1\n');
    const run = await runCliCaptured(['plan', '--settings', file]);
    assert.match(run.stdout, /No resize in progress .*no new_servers/);
  });

  it('prints lint warnings on stderr, keeping stdout clean JSON', async () => {
    const file = writeSettingsFile('servers=a:1,a:1\n');
    const run = await runCliCaptured(['plan', '--settings', file, '--json']);
    assert.equal(run.status, 0);
    assert.match(run.stderr, /cluster_settings:1: warning: a:1 is listed twice/);
    JSON.parse(run.stdout);
  });
});

describe('astaire plan refuses what Clearwater rejects', () => {
  for (const vector of settingsVectors().filter((v) => v.expected === 'error')) {
    it(`${vector.name}: exit status 2, nothing on stdout, the error on stderr`, async () => {
      const file = writeSettingsFile(vector.content);
      const run = await runCliCaptured(['plan', '--settings', file, '--json']);
      assert.equal(run.status, 2);
      assert.equal(run.stdout, '');
      assert.ok(run.stderr.includes(file), run.stderr);
    });
  }

  it('refuses a missing file, naming it', async () => {
    const run = await runCliCaptured(['plan', '--settings', '/nonexistent/cluster_settings']);
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.match(
      run.stderr,
      /\/nonexistent\/cluster_settings: cannot read cluster_settings: no such file/,
    );
  });

  it('refuses bad options with usage help pointers', async () => {
    for (const argv of [
      ['plan'],
      ['plan', '--settings', 'x', '--demo'],
      ['plan', '--demo', '--replicas', 'two'],
      ['plan', '--bogus'],
    ]) {
      const run = await runCliCaptured(argv);
      assert.equal(run.status, 2, argv.join(' '));
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /^astaire: plan: /);
    }
  });
});
