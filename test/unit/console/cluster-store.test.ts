import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ClusterStore } from '../../../core/console/cluster-store.js';
import { AstaireError } from '../../../core/errors.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function storeFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'astaire-store-'));
  dirs.push(dir);
  return join(dir, 'nested', 'clusters.json');
}

async function refusal(work: () => Promise<unknown>): Promise<AstaireError> {
  try {
    await work();
  } catch (error) {
    assert.ok(error instanceof AstaireError, String(error));
    return error;
  }
  assert.fail('expected a refusal');
}

const PROD = { name: 'prod', servers: ['10.0.0.1:11211', '10.0.0.2:11211'], newServers: [] };

describe('ClusterStore', () => {
  it('saves, reloads, replaces and removes clusters in a file only its owner can read', async () => {
    const file = await storeFile();
    const store = await ClusterStore.open(file);
    assert.deepEqual(store.list(), []);
    const saved = await store.save(undefined, {
      ...PROD,
      profile: { defaults: { via: 'ssh', user: 'ops' } },
    });
    assert.equal(saved.origin, 'saved');
    assert.equal((await stat(file)).mode & 0o777, 0o600);

    const reopened = await ClusterStore.open(file);
    assert.deepEqual(reopened.list(), [saved]);
    assert.equal(reopened.get(saved.id).checked.profile?.defaults.via, 'ssh');

    await reopened.save(saved.id, { ...PROD, newServers: ['10.0.0.3:11211'] });
    assert.deepEqual((await ClusterStore.open(file)).get(saved.id).summary.newServers, [
      '10.0.0.3:11211',
    ]);
    await reopened.remove(saved.id);
    assert.deepEqual((await ClusterStore.open(file)).list(), []);
  });

  it('refuses a bad definition naming the field, and keeps what was there', async () => {
    const file = await storeFile();
    const store = await ClusterStore.open(file);
    await store.save(undefined, PROD);
    const before = await readFile(file, 'utf8');
    const cases: [object, RegExp][] = [
      [{ ...PROD, servers: [] }, /servers: list at least one server/],
      [
        { ...PROD, servers: ['10.0.0.1:11211', 'not an address:x'] },
        /servers\[1\]: "not an address:x": an address has no spaces in it/,
      ],
      [
        { ...PROD, newServers: ['10.0.0.1:11211', '10.0.0.1:11211'] },
        /newServers\[1\]: .* listed twice/,
      ],
      [{ ...PROD, profile: { defaults: { via: 'telnet' } } }, /defaults\.via/],
    ];
    for (const [definition, message] of cases) {
      const error = await refusal(() => store.save(undefined, definition as typeof PROD));
      assert.equal(error.stage, 'config');
      assert.match(error.message, message);
    }
    assert.equal(await readFile(file, 'utf8'), before);
    assert.equal(store.list().length, 1);
  });

  it('reports a damaged file by name and never overwrites it', async () => {
    const file = await storeFile();
    await (await ClusterStore.open(file)).save(undefined, PROD);
    for (const damaged of [
      '{"version": 1, "clusters": [',
      '{"version": 2, "clusters": []}',
      '{"version": 1, "clusters": [{"id": "x"}]}',
    ]) {
      await writeFile(file, damaged);
      const error = await refusal(() => ClusterStore.open(file));
      assert.ok(error.message.startsWith(file), error.message);
      assert.equal(await readFile(file, 'utf8'), damaged);
    }
  });

  it('keeps the demo cluster in memory only, and refuses to change it', async () => {
    const file = await storeFile();
    const store = await ClusterStore.open(file);
    const demo = store.addDemo({ name: 'demo', servers: ['127.0.0.1:11311'], newServers: [] });
    await store.save(undefined, PROD);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { clusters: { name: string }[] };
    assert.deepEqual(
      saved.clusters.map((c) => c.name),
      ['prod'],
    );
    assert.equal((await refusal(() => store.remove(demo.id))).code, 'DEMO_CLUSTER');
    assert.equal((await refusal(() => store.save(demo.id, PROD))).code, 'DEMO_CLUSTER');
    assert.equal((await refusal(() => store.remove('no-such-id'))).code, 'UNKNOWN_CLUSTER');
  });
});
