/**
 * `astaire resize --checkpoint DIR` as scripts run it: the process killed with SIGKILL mid-resize,
 * then run again with the same folder, carries on from what the first run finished. Clients write
 * through the resize view all along; every new replica ends with the newest write of every key.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { computeStoreView } from '../../../core/cluster/store-view.js';
import type { ResyncSummaryJson } from '../../../core/resync/resync-summary-json.js';
import { writeSettingsFile } from '../../support/cli-harness.js';
import { runAstaire } from '../../support/cli-process.js';
import { recordFigures } from '../../support/figures.js';
import { WriterPool } from '../../support/live-traffic.js';
import { startCluster, type MemcachedCluster } from '../../support/memcached-process.js';
import { CLI_PATH, REPO_ROOT } from '../../support/repo-paths.js';
import {
  assertNewestEverywhere,
  checkAfterResize,
  resizeSettings,
  seedResize,
} from '../../support/resize-under-traffic.js';

describe('astaire resize --checkpoint, killed and run again', () => {
  let cluster: MemcachedCluster;
  let dir: string;

  before(async () => {
    cluster = await startCluster(4, { memoryMb: 64 });
    dir = await mkdtemp(join(tmpdir(), 'astaire-cli-checkpoints-'));
  });
  after(async () => {
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('streams again only the vbuckets the killed run had not finished', async (t) => {
    const settings = resizeSettings(cluster.addresses);
    const items = await seedResize(settings, 81, 4000, 1000);
    const file = writeSettingsFile(
      `servers=${settings.servers.join(',')}\nnew_servers=${settings.newServers.join(',')}\n`,
    );
    const args = ['resize', '--settings', file, '--checkpoint', dir, '--json'];
    const writers = new WriterPool({
      view: computeStoreView(settings),
      keys: items.filter((_, i) => i % 4 === 0).map((item) => item.key),
      writers: 6,
      writesPerSecond: 200,
      seed: 81,
    });
    writers.start();
    const doneBeforeKill = new Map<string, Set<number>>();
    let summaries: ResyncSummaryJson[];
    try {
      // The first run, slowed down, killed as soon as any vbucket of the new node is done.
      const child = spawn(process.execPath, [CLI_PATH, ...args, '--rate', '150K'], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = once(child, 'exit');
      const newNode = settings.newServers[3] as string;
      for await (const line of createInterface({ input: child.stdout })) {
        const event = JSON.parse(line) as {
          event: string;
          target: string;
          vbucket?: number;
          state?: string;
        };
        if (event.event === 'vbucket' && event.state === 'done' && event.vbucket !== undefined) {
          const set = doneBeforeKill.get(event.target) ?? new Set<number>();
          set.add(event.vbucket);
          doneBeforeKill.set(event.target, set);
          if (event.target === newNode) child.kill('SIGKILL');
        }
      }
      const [, signal] = (await exited) as [number | null, NodeJS.Signals | null];
      assert.equal(signal, 'SIGKILL', 'the first run was killed before it ended');

      const rerun = await runAstaire(args);
      assert.equal(rerun.status, 0, rerun.stderr);
      summaries = rerun.stdout
        .split('\n')
        .filter((line) => line.includes('"event":"summary"'))
        .map((line) => JSON.parse(line) as ResyncSummaryJson);
    } finally {
      await writers.stop();
    }
    assert.equal(summaries.length, settings.newServers.length);
    let carried = 0;
    let streamed = 0;
    for (const summary of summaries) {
      const before = doneBeforeKill.get(summary.target)?.size ?? 0;
      assert.ok(summary.isComplete, `${summary.target}: ${JSON.stringify(summary.failed)}`);
      assert.ok(
        (summary.resumedVbuckets ?? 0) >= before,
        `${summary.target}: carried ${summary.resumedVbuckets ?? 0} on, ${before} were done`,
      );
      carried += summary.resumedVbuckets ?? 0;
      streamed += summary.vbuckets - (summary.resumedVbuckets ?? 0);
    }
    t.diagnostic(`the second run carried ${carried} vbuckets on and streamed ${streamed}`);
    assert.ok(carried > 0 && streamed > 0, 'the kill came mid-resize');

    const writes = writers.stats().writes;
    assert.ok(writes >= 100, `the writers wrote during the runs (${writes} writes)`);
    const check = await checkAfterResize(settings, items, writers);
    assertNewestEverywhere(check);
    recordFigures('CLI killed mid-resize, run again with --checkpoint', {
      writes,
      keysChecked: check.keys,
      keysLost: check.lost,
      keysStale: check.stale,
      faults: 1,
    });
  });
});
