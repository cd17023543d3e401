/**
 * A resync cut short carries on from its checkpoint: a run cancelled midway, then run again with
 * `resume`, streams only the vbuckets that had not finished, under writers, and every new replica
 * still ends with the newest write of every key. A checkpoint whose target was restarted since is
 * not used.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ClusterSettings } from '../../../core/cluster/cluster-settings.js';
import { computeStoreView } from '../../../core/cluster/store-view.js';
import { ResyncJob, type ResyncSummary } from '../../../core/resync/resync-engine.js';
import {
  checkpointFileName,
  fileCheckpointStore,
  type CheckpointStore,
} from '../../../core/resync/resync-checkpoint.js';
import { directConnector } from '../../../core/transport/node-connector.js';
import { recordFigures } from '../../support/figures.js';
import { WriterPool } from '../../support/live-traffic.js';
import {
  assertNewestEverywhere,
  checkAfterResize,
  seedResize,
} from '../../support/resize-under-traffic.js';
import { startCluster, type MemcachedCluster } from '../../support/memcached-process.js';

const connect = directConnector({ timeoutMs: 2000, connectTimeoutMs: 2000 });
const KEYS = 3000;

describe('resync checkpoints on real memcached, under writers', () => {
  let cluster: MemcachedCluster;
  let settings: ClusterSettings;
  let target: string;
  let dir: string;

  before(async () => {
    cluster = await startCluster(4, { memoryMb: 64 });
    const n = cluster.addresses;
    settings = { servers: n.slice(0, 3), newServers: n.slice(0, 4) };
    target = n[3] as string;
    dir = await mkdtemp(join(tmpdir(), 'astaire-checkpoints-'));
  });
  after(async () => {
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const seed = (seedNumber: number) => seedResize(settings, seedNumber, KEYS, 600);

  function run(
    store: CheckpointStore,
    resume: boolean,
    extra: { signal?: AbortSignal; rateLimit?: number; onDone?: (vbucket: number) => void },
  ): { job: ResyncJob; notices: string[]; streamed: Set<number> } {
    const notices: string[] = [];
    const streamed = new Set<number>();
    const job = new ResyncJob({
      target,
      settings,
      full: false,
      connect,
      checkpoint: { store, resume },
      ...(extra.signal === undefined ? {} : { signal: extra.signal }),
      rateLimit: extra.rateLimit ?? 0,
      // Small streams: one source's vbuckets finish while the others still stream.
      tuning: { batchSize: 32, batchesInFlight: 2 },
      observer: {
        onNotice: (message) => notices.push(message),
        onVbucketState: (vbucket, state) => {
          if (state.state === 'streaming') streamed.add(vbucket);
          if (state.state === 'done') extra.onDone?.(vbucket);
        },
      },
    });
    return { job, notices, streamed };
  }

  it('a cancelled run, run again, streams only what had not finished', async (t) => {
    const items = await seed(41);
    const store = fileCheckpointStore(join(dir, checkpointFileName(target)));
    const writers = new WriterPool({
      view: computeStoreView(settings),
      keys: items.filter((_, i) => i % 3 === 0).map((item) => item.key),
      writers: 6,
      writesPerSecond: 250,
      seed: 41,
      connect,
    });
    writers.start();
    let first: ResyncSummary;
    let second: ResyncSummary;
    let secondRun: ReturnType<typeof run>;
    const doneInFirst = new Set<number>();
    try {
      // Cancelled as soon as one source's vbuckets are done, the others mid-stream.
      const controller = new AbortController();
      const firstRun = run(store, false, {
        signal: controller.signal,
        rateLimit: 150_000,
        onDone: (vbucket) => {
          doneInFirst.add(vbucket);
          controller.abort(new Error('cancelled by the test'));
        },
      });
      first = await firstRun.job.run();
      assert.ok(first.cancelled);
      assert.ok(doneInFirst.size > 0 && doneInFirst.size < first.vbuckets, `${doneInFirst.size}`);
      const saved = await store.load();
      assert.deepEqual(
        saved?.done.map(([vbucket]) => vbucket),
        [...doneInFirst].sort((a, b) => a - b),
        'the checkpoint holds exactly the vbuckets the run finished',
      );

      secondRun = run(store, true, {});
      second = await secondRun.job.run();
    } finally {
      await writers.stop();
    }
    t.diagnostic(
      `first run: ${doneInFirst.size} of ${first.vbuckets} vbuckets done when cancelled; ` +
        `second: resumed ${second.resumedVbuckets ?? 0}, streamed ${secondRun.streamed.size}`,
    );
    assert.ok(second.isComplete, JSON.stringify(second.failed.slice(0, 3)));
    assert.ok(second.tagWritten);
    assert.equal(second.resumedVbuckets, doneInFirst.size);
    // Redone: at most what was in flight; never a vbuckets that had finished.
    assert.deepEqual(
      [...secondRun.streamed].filter((vbucket) => doneInFirst.has(vbucket)),
      [],
    );
    assert.equal(secondRun.streamed.size, second.vbuckets - doneInFirst.size);
    assert.ok(
      secondRun.notices.some((n) => /carrying on from the checkpoint of the run started/.test(n)),
      secondRun.notices.join('\n'),
    );
    assert.equal((await store.load())?.done.length, second.vbuckets);

    const check = await checkAfterResize(settings, items, writers);
    assertNewestEverywhere(check);
    const writes = writers.stats().writes;
    assert.ok(writes >= 100, `the writers wrote during the runs (${writes} writes)`);
    recordFigures('checkpoint: cancelled, then carried on', {
      writes,
      keysChecked: check.keys,
      keysLost: check.lost,
      keysStale: check.stale,
      faults: 1,
    });
  });

  it('does not use a checkpoint whose target was restarted since', async () => {
    await seed(42);
    const store = fileCheckpointStore(join(dir, 'restarted.json'));
    const whole = await run(store, false, {}).job.run();
    assert.ok(whole.isComplete);
    assert.equal((await store.load())?.done.length, whole.vbuckets);

    await cluster.nodes[3]?.restart();
    const again = run(store, true, {});
    const summary = await again.job.run();
    assert.ok(summary.isComplete);
    assert.equal(summary.resumedVbuckets, undefined);
    assert.equal(again.streamed.size, summary.vbuckets);
    assert.ok(
      again.notices.some((n) => /was not used: .* was restarted since \(then pid/.test(n)),
      again.notices.join('\n'),
    );
  });
});
