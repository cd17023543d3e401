import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  CheckpointWriter,
  checkpointFileName,
  fileCheckpointStore,
  resumableVbuckets,
  type CheckpointRecord,
  type CheckpointScope,
  type CheckpointStore,
} from '../../../core/resync/resync-checkpoint.js';

const scope: CheckpointScope = {
  target: '10.0.0.4:11211',
  settings: { servers: ['a:1', 'b:1', 'c:1'], newServers: ['a:1', 'b:1', 'c:1', '10.0.0.4:11211'] },
  full: false,
  vbucketCount: 128,
  replicaCount: 2,
};
const targetProcess = { pid: 77, startedAt: 1_800_000_000 };
const record: CheckpointRecord = {
  version: 1,
  ...scope,
  targetProcess,
  evictionsAtStart: 3,
  startedAt: '2026-11-24T10:00:00.000Z',
  savedAt: '2026-11-24T10:01:00.000Z',
  done: [
    [4, 'a:1'],
    [9, 'b:1'],
  ],
};

// What a run starts its checkpoint from: everything but the vbuckets done and the time saved.
const base = {
  version: record.version,
  ...scope,
  targetProcess,
  startedAt: record.startedAt,
} satisfies Omit<CheckpointRecord, 'done' | 'savedAt'>;

describe('resync checkpoints', () => {
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
  async function folder(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'astaire-checkpoint-'));
    dirs.push(dir);
    return dir;
  }

  it('gives the finished vbuckets of the same resync on the same target process', () => {
    const resumable = resumableVbuckets(record, scope, { pid: 77, startedAt: 1_800_000_001 });
    assert.ok('done' in resumable);
    assert.deepEqual([...resumable.done], record.done);
  });

  it('gives none, saying why, for another resync or a restarted target', () => {
    const reasonFor = (changed: Partial<CheckpointScope>, process = targetProcess) => {
      const resumable = resumableVbuckets(record, { ...scope, ...changed }, process);
      return 'reason' in resumable ? resumable.reason : 'resumed';
    };
    assert.match(reasonFor({ full: true }), /another resync/);
    assert.match(reasonFor({ vbucketCount: 256 }), /another resync/);
    assert.match(
      reasonFor({ settings: { servers: scope.settings.servers, newServers: ['a:1', 'b:1'] } }),
      /another resync/,
    );
    assert.match(reasonFor({ target: 'a:1' }), /another resync/);
    assert.match(
      reasonFor({}, { pid: 78, startedAt: 1_800_000_900 }),
      /^10\.0\.0\.4:11211 was restarted since \(then pid 77, .*now pid 78/,
    );
  });

  it('saves owner-only and loads back what it saved', async () => {
    const file = join(await folder(), 'sub', checkpointFileName(scope.target));
    const store = fileCheckpointStore(file);
    assert.equal(await store.load(), undefined, 'no checkpoint yet');
    await store.save(record);
    assert.deepEqual(await store.load(), record);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  });

  it('refuses a damaged or edited file, naming the file and what is wrong', async () => {
    const file = join(await folder(), 'damaged.json');
    const store = fileCheckpointStore(file);
    const cases: [string, RegExp][] = [
      ['{"version": 1, "target": "a"', /damaged\.json:1: not valid JSON/],
      ['[]', /not a resync checkpoint: version undefined/],
      [JSON.stringify({ ...record, version: 2 }), /version 2, expected 1/],
      [JSON.stringify({ ...record, done: [[128, 'a:1']] }), /"done" is not a list/],
      [JSON.stringify({ ...record, done: [[1]] }), /"done" is not a list/],
      [JSON.stringify({ ...record, targetProcess: { pid: -1 } }), /"targetProcess"/],
      [JSON.stringify({ ...record, settings: { servers: 'a' } }), /"settings"/],
    ];
    for (const [text, expected] of cases) {
      await writeFile(file, text);
      await assert.rejects(store.load(), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'CHECKPOINT_INVALID', error.message);
        assert.match(error.message, expected);
        assert.ok(error.message.includes(file), error.message);
        return true;
      });
    }
  });

  it('resolves a record once a save holds it, coalescing the changes made meanwhile', async () => {
    const saved: CheckpointRecord[] = [];
    let release: () => void = () => undefined;
    const store: CheckpointStore = {
      where: 'memory',
      load: () => Promise.resolve(undefined),
      save: async (next) => {
        await new Promise<void>((resolve) => (release = resolve));
        saved.push(next);
      },
    };
    const writer = new CheckpointWriter(store, base, new Map(), () => assert.fail('no failure'));
    let isFirstRecorded = false;
    const recorded = [
      writer.recordDone([1], 'a:1').then(() => (isFirstRecorded = true)),
      writer.recordDone([2], 'a:1'),
      writer.recordDone([3], 'b:1'),
    ];
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(isFirstRecorded, false, 'recorded before its save was made');
    release(); // the first save (vbucket 1 only, or all three)
    await new Promise((resolve) => setImmediate(resolve));
    release(); // at most one more, with everything
    await Promise.all(recorded);
    assert.ok(saved.length <= 2, `${saved.length} saves for 3 changes under one slow save`);
    assert.deepEqual(saved.at(-1)?.done, [
      [1, 'a:1'],
      [2, 'a:1'],
      [3, 'b:1'],
    ]);
  });

  it('reports a failed save once, and goes on', async () => {
    const failures: string[] = [];
    const store: CheckpointStore = {
      where: '/nowhere/x.json',
      load: () => Promise.resolve(undefined),
      save: () => Promise.reject(new Error('EACCES: permission denied')),
    };
    const writer = new CheckpointWriter(store, base, new Map(), (m) => failures.push(m));
    await writer.recordDone([1], 'a:1');
    await writer.recordDone([2], 'a:1');
    assert.equal(failures.length, 1);
    assert.match(failures[0] ?? '', /could not be saved at \/nowhere\/x\.json \(EACCES/);
  });

  it('names checkpoint files safely, one per node', async () => {
    const names = ['127.0.0.1:11211', '[::1]:11211', '__1_:11211', '../../etc/passwd', 'a'];
    const files = names.map(checkpointFileName);
    assert.equal(new Set(files).size, names.length);
    for (const file of files) assert.match(file, /^[A-Za-z0-9_.-]+\.json$/);
    assert.ok(!files.some((f) => f.startsWith('.')));
    assert.equal(checkpointFileName('a'), 'a.json');
  });
});
