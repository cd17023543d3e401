/**
 * The clusters form's imports: a cluster_settings file's two lists (errors name the file and the
 * line), and the host aliases of an ssh config, patterns left out.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { importClusterSettings, listSshHosts } from '../../../core/console/cluster-import.js';
import { ClusterStore } from '../../../core/console/cluster-store.js';
import { dispatch } from '../../../core/console/console-backend.js';
import { ConsoleService } from '../../../core/console/console-service.js';
import { AstaireError } from '../../../core/errors.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'astaire-import-'));
  dirs.push(dir);
  return dir;
}

function refusalOf(work: () => unknown): AstaireError {
  try {
    work();
  } catch (error) {
    assert.ok(error instanceof AstaireError, String(error));
    return error;
  }
  assert.fail('expected a refusal');
}

describe('importing a cluster_settings file', () => {
  it('reads both lists as the clients do', () => {
    const text =
      '# ops\nservers = 10.0.0.1:11211,10.0.0.2\n\nnew_servers=10.0.0.1:11211,10.0.0.2,10.0.0.3\n';
    assert.deepEqual(importClusterSettings(text, 'cluster_settings'), {
      servers: ['10.0.0.1:11211', '10.0.0.2'],
      newServers: ['10.0.0.1:11211', '10.0.0.2', '10.0.0.3'],
    });
    assert.deepEqual(importClusterSettings('servers=10.0.0.1:11211', 'f').newServers, []);
  });

  it('names the file and the line of what it refuses', () => {
    const badKey = refusalOf(() => importClusterSettings('servers=a:1\nreplicas=2\n', 'sprout/cs'));
    assert.equal(badKey.code, 'SETTINGS_UNKNOWN_KEY');
    assert.match(badKey.message, /^sprout\/cs:2: unknown key "replicas"/);
    const badAddress = refusalOf(() =>
      importClusterSettings('servers=10.0.0.1:11211\nnew_servers=10.0.0.1:99999\n', 'cs'),
    );
    assert.equal(badAddress.code, 'SETTINGS_BAD_SERVER');
    assert.match(badAddress.message, /^cs:2: new_servers entry "10\.0\.0\.1:99999"/);
    assert.equal(
      refusalOf(() => importClusterSettings('# nothing\n', 'cs')).code,
      'SETTINGS_NO_SERVERS',
    );
  });
});

describe('the ssh config host aliases', () => {
  it('lists named hosts with what the config resolves for each, and no patterns', async () => {
    const dir = await tempDir();
    const file = join(dir, 'config');
    await writeFile(
      file,
      [
        'Host bastion',
        '  HostName 192.0.2.10',
        '  User ops',
        '  Port 2200',
        'Host sprout-1 sprout-2',
        '  HostName %h.example.net',
        'Host *.internal !secret',
        '  User nobody',
        'Host *',
        '  User default-user',
        '',
      ].join('\n'),
    );
    assert.deepEqual(listSshHosts(file), [
      { alias: 'bastion', hostName: '192.0.2.10', user: 'ops', port: 2200 },
      { alias: 'sprout-1', hostName: 'sprout-1.example.net', user: 'default-user' },
      { alias: 'sprout-2', hostName: 'sprout-2.example.net', user: 'default-user' },
    ]);
    assert.deepEqual(listSshHosts(join(dir, 'absent')), []);
  });

  it('is what ssh:hosts and clusters:import-settings answer in the service', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'ssh_config'), 'Host memcached-1\n  HostName 10.1.1.1\n');
    const service = new ConsoleService({
      mode: 'web',
      store: await ClusterStore.open(join(dir, 'clusters.json')),
      sshConfigFile: join(dir, 'ssh_config'),
    });
    try {
      assert.deepEqual(await dispatch(service, 'ssh:hosts', null), {
        ok: true,
        value: [{ alias: 'memcached-1', hostName: '10.1.1.1' }],
      });
      const imported = await dispatch(service, 'clusters:import-settings', {
        text: 'servers=10.0.0.1:11211\n',
        fileName: 'cluster_settings',
      });
      assert.deepEqual(imported, {
        ok: true,
        value: { servers: ['10.0.0.1:11211'], newServers: [] },
      });
      const refused = await dispatch(service, 'clusters:import-settings', {
        text: 'servers=10.0.0.1:11211\nfoo\n',
        fileName: 'picked.txt',
      });
      assert.equal(refused.ok, false);
      assert.match(refused.ok ? '' : refused.error.message, /^picked\.txt:2: /);
      assert.equal(refused.ok ? 0 : refused.error.detail.line, 2);
    } finally {
      await service.close();
    }
  });
});
