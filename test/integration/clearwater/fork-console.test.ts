/**
 * The console on clusters of Clearwater's memcached: the overview's status names each node's
 * memcached, the resize wizard runs its five steps (by hand) on a cluster of fork nodes growing
 * onto a stock node, and a one-node full resync of a fork node, paused and resumed, refills it.
 * Against the test server that plays the fork, and the fork itself where a build is given.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { JobSummary } from '../../../core/console/contract.js';
import {
  ClusterClients,
  checkPlacement,
  makeDataset,
  seedCluster,
} from '../../support/cluster-data.js';
import {
  clearwaterKinds,
  startMemcached,
  type MemcachedProcess,
} from '../../support/memcached-process.js';
import { assertSucceeded, stepIn, WizardHarness } from '../console/wizard-harness.js';

const CONNECTION = { connectTimeoutMs: 2000, timeoutMs: 5000 };
const { kinds, skip } = clearwaterKinds();
if (skip !== undefined) console.log(skip);

for (const kind of kinds) {
  describe(`the console on a cluster of ${kind === 'clearwater' ? "Clearwater's memcached" : 'the test fork'}`, () => {
    let nodes: MemcachedProcess[];
    let n: string[];
    let dir: string;
    let app: WizardHarness;
    const clients = new ClusterClients();

    before(async () => {
      // Three fork nodes; a stock node joins them.
      nodes = await Promise.all([
        startMemcached({ kind }),
        startMemcached({ kind }),
        startMemcached({ kind }),
        startMemcached({ kind: 'stock' }),
      ]);
      n = nodes.map((node) => node.address);
      dir = await mkdtemp(join(tmpdir(), 'astaire-fork-console-'));
      app = await WizardHarness.open(dir, { connection: CONNECTION });
    });
    after(async () => {
      await app.close();
      await clients.close();
      await Promise.all(nodes.map((node) => node.stop()));
      await rm(dir, { recursive: true, force: true });
    });

    it('status, then the five-step wizard, 3 -> 4 onto a stock node', async () => {
      const items = makeDataset({ seed: 460, count: 2500, valueSizes: [10, 400, 3000] });
      const old = n.slice(0, 3);
      await seedCluster(clients, n, old, items);
      const { id: clusterId } = await app.call('clusters:save', {
        definition: { name: 'clearwater', servers: old, newServers: [] },
      });
      const status = await app.call('cluster:status', { clusterId });
      assert.deepEqual(
        status.nodes.map((node) => node.dialect),
        ['clearwater', 'clearwater', 'clearwater'],
      );

      await app.call('wizard:begin', { clusterId, newServers: n });
      assertSucceeded(await app.runStep(clusterId, 1, { byHand: true }), 1);
      assertSucceeded(await app.runStep(clusterId, 2, { byHand: true }), 2);
      const three = await app.runStep(clusterId, 3, { full: false });
      assertSucceeded(three, 3);
      const resize = (await app.call('jobs:list', null)).find(
        (job) => job.id === stepIn(three, 3).jobIds?.[0],
      );
      const sources = resize?.resyncs.flatMap((r) => r.sources) ?? [];
      assert.ok(sources.length > 0 && sources.every((s) => s.dialect === 'clearwater'));
      const verified = await app.runStep(clusterId, 4, { byHand: true });
      assert.equal(stepIn(verified, 4).state, 'pending', stepIn(verified, 4).error?.message);
      assertSucceeded(await app.runStep(clusterId, 4, { byHand: true }), 4);
      const done = await app.runStep(clusterId, 5, { byHand: true });
      assert.equal(done.current, 'complete');
      assert.equal(done.report?.verify?.isClean, true);

      const placement = await checkPlacement({ servers: n, newServers: [] }, items, clients);
      assert.deepEqual(placement.wrong.slice(0, 5), []);
    });

    it('a one-node full resync of a fork node that lost its data, paused and resumed', async () => {
      const items = makeDataset({ seed: 461, count: 4000, valueSizes: [1500] });
      await seedCluster(clients, n, n, items);
      const { id: clusterId } = await app.call('clusters:save', {
        definition: { name: 'refill', servers: n, newServers: [] },
      });
      const lost = nodes[1] as MemcachedProcess;
      await lost.restart();
      await clients.close();
      const job = await app.call('jobs:start', {
        kind: 'resync',
        clusterId,
        target: lost.address,
        full: true,
        rateLimit: 2 * 1024 * 1024,
      });
      await sleep(300);
      await app.call('jobs:pause', { jobId: job.id });
      assert.equal(
        (await app.call('jobs:list', null)).find((j) => j.id === job.id)?.isPaused,
        true,
      );
      const setsOnTarget = async () =>
        (await (await clients.get(lost.address)).stats()).get('cmd_set');
      const atPause = await setsOnTarget();
      await sleep(500);
      assert.equal(await setsOnTarget(), atPause, 'nothing written while paused');
      await app.call('jobs:resume', { jobId: job.id });
      await app.call('jobs:set-rate', { jobId: job.id, bytesPerSecond: 0 });
      const ended = await finished(app, job.id);
      assert.equal(ended.state, 'succeeded', JSON.stringify(ended.error ?? ended.resyncs));
      const placement = await checkPlacement({ servers: n, newServers: [] }, items, clients);
      assert.deepEqual(placement.wrong.slice(0, 5), []);
    });
  });
}

async function finished(app: WizardHarness, jobId: string): Promise<JobSummary> {
  for (let waited = 0; waited < 60_000; waited += 100) {
    const job = (await app.call('jobs:list', null)).find((j) => j.id === jobId);
    if (job !== undefined && job.state !== 'running') return job;
    await sleep(100);
  }
  throw new Error(`job ${jobId} did not end within a minute`);
}
