/**
 * The resize wizard on real memcached clusters, its remote steps done by hand: a whole 3 -> 4
 * resize with real resize and verify jobs and the data where it belongs afterwards; a console
 * restarted in the middle that resumes at the same step (a resync that was running is run again);
 * step 4 refused while vbuckets had no source, and let through by a logged override; and the
 * activity log surviving a restart and a damaged line.
 */
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ActivityEntry } from '../../../core/console/contract.js';
import {
  ClusterClients,
  checkPlacement,
  seedCluster,
  makeDataset,
  type TestItem,
} from '../../support/cluster-data.js';
import { startCluster, type MemcachedCluster } from '../../support/memcached-process.js';
import { deleteMovedKeys } from '../../support/moved-keys.js';
import { assertSucceeded, stepIn, WizardHarness } from './wizard-harness.js';

const CONNECTION = { connectTimeoutMs: 2000, timeoutMs: 5000 };

describe('the resize wizard on a real cluster, by hand', () => {
  let cluster: MemcachedCluster;
  let n: string[];
  const dirs: string[] = [];
  const harnesses: WizardHarness[] = [];

  async function dataDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'astaire-wizard-'));
    dirs.push(dir);
    return dir;
  }

  async function open(dir: string): Promise<WizardHarness> {
    const harness = await WizardHarness.open(dir, { connection: CONNECTION });
    harnesses.push(harness);
    return harness;
  }

  async function seed(items: readonly TestItem[], servers: readonly string[]): Promise<void> {
    const clients = new ClusterClients();
    try {
      await seedCluster(clients, n, servers, items);
    } finally {
      await clients.close();
    }
  }

  async function placement(servers: readonly string[], items: readonly TestItem[]) {
    const clients = new ClusterClients();
    try {
      return await checkPlacement({ servers, newServers: [] }, items, clients);
    } finally {
      await clients.close();
    }
  }

  before(async () => {
    cluster = await startCluster(4, { memoryMb: 64 });
    n = cluster.addresses;
  });
  after(async () => {
    await Promise.all(harnesses.map((h) => h.close()));
    await cluster.stop();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('resizes 3 -> 4 through all five steps, and every key ends on its new replicas', async () => {
    const items = makeDataset({ seed: 61, count: 3000, valueSizes: [10, 400, 3000] });
    const old = n.slice(0, 3);
    await seed(items, old);
    const app = await open(await dataDir());
    const { id: clusterId } = await app.call('clusters:save', {
      definition: { name: 'by hand', servers: old, newServers: [] },
    });
    const begun = await app.call('wizard:begin', { clusterId, newServers: n });
    assert.equal(begun.remote, 'by-hand');

    assertSucceeded(await app.runStep(clusterId, 1, { byHand: true }), 1);
    assertSucceeded(await app.runStep(clusterId, 2, { byHand: true }), 2);
    const three = await app.runStep(clusterId, 3, { full: false });
    assertSucceeded(three, 3);
    const resizeJob = stepIn(three, 3).jobIds?.[0];
    assert.ok(resizeJob);
    const jobs = await app.call('jobs:list', null);
    const resize = jobs.find((j) => j.id === resizeJob);
    assert.equal(resize?.kind, 'resize');
    assert.deepEqual(resize?.targets, n);
    assert.equal(three.current, 4);

    // By hand, step 4 verifies first, then waits for the operator to write the file.
    const verified = await app.runStep(clusterId, 4, { byHand: true });
    const four = stepIn(verified, 4);
    assert.equal(four.state, 'pending', four.error?.message);
    assert.equal(four.jobIds?.length, 1);
    assert.ok(four.nodes.every((node) => node.state === 'by-hand'));
    assert.match(four.nodes[0]?.message ?? '', new RegExp(`servers=${n.join(',')}`));
    const verify = (await app.call('jobs:list', null)).find((j) => j.id === four.jobIds?.[0]);
    assert.equal(verify?.kind, 'verify');
    assert.equal(verify?.verify?.isClean, true);
    const cluster4 = (await app.call('clusters:list', null))[0];
    assert.deepEqual(cluster4?.servers, old, 'nothing switched before the confirmation');

    const written = await app.runStep(clusterId, 4, { byHand: true });
    assertSucceeded(written, 4);
    assert.equal(stepIn(written, 4).jobIds?.length, 1, 'no second verify');
    const switched = (await app.call('clusters:list', null))[0];
    assert.deepEqual(switched?.servers, n);
    assert.deepEqual(switched?.newServers, []);

    const done = await app.runStep(clusterId, 5, { byHand: true });
    assertSucceeded(done, 5);
    assert.equal(done.current, 'complete');
    const report = done.report;
    assert.ok(report);
    assert.deepEqual(report.oldServers, old);
    assert.deepEqual(report.newServers, n);
    assert.equal(report.resyncs.length, 4);
    assert.ok(report.resyncs.every((r) => r.isComplete));
    assert.equal(report.verify?.isClean, true);
    assert.ok((report.verify?.checked ?? 0) >= items.length);
    assert.deepEqual(
      report.steps.map((s) => s.state),
      ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded'],
    );

    const { wrong, checked } = await placement(n, items);
    assert.deepEqual(wrong.slice(0, 5), []);
    assert.ok(checked >= items.length * 2);

    const log = await app.call('activity:list', null);
    const actions = log.map((e) => `${e.action}/${e.outcome}`);
    for (const expected of [
      'resize wizard begun/started',
      'resize started/started',
      'target resync ended/succeeded',
      'resize ended/succeeded',
      'verify ended/succeeded',
      'step 4: verify, then write the new servers/info',
      'resize complete/succeeded',
    ]) {
      assert.ok(actions.includes(expected), `${expected} in\n${actions.join('\n')}`);
    }
  });

  it('resumes at the same step after a restart; a resync that was running is run again', async () => {
    const items = makeDataset({ seed: 62, count: 3000, valueSizes: [2000] });
    const old = n.slice(0, 3);
    await seed(items, old);
    const dir = await dataDir();
    const first = await open(dir);
    const { id: clusterId } = await first.call('clusters:save', {
      definition: { name: 'restarted', servers: old, newServers: [] },
    });
    await first.call('wizard:begin', { clusterId, newServers: n });
    await first.runStep(clusterId, 1, { byHand: true });
    await first.runStep(clusterId, 2, { byHand: true });
    // Slow enough (16 KiB/s against megabytes) to be running when the console stops.
    const started = await first.call('wizard:run-step', {
      clusterId,
      step: 3,
      rateLimit: 16 * 1024,
    });
    assert.equal(stepIn(started, 3).state, 'running');
    await assert.rejects(first.call('wizard:abandon', { clusterId }), { code: 'WIZARD_BUSY' });
    await assert.rejects(first.call('wizard:run-step', { clusterId, step: 3 }), {
      code: 'WIZARD_BUSY',
    });
    await first.close();

    const second = await open(dir);
    const resumed = await second.call('wizard:get', { clusterId });
    assert.ok(resumed);
    assert.equal(resumed.current, 3);
    const interrupted = stepIn(resumed, 3);
    assert.equal(interrupted.state, 'failed');
    assert.equal(
      interrupted.error?.message,
      'interrupted: the console stopped while this step ran; run it again',
    );
    assertSucceeded(resumed, 2);
    await assert.rejects(second.call('wizard:run-step', { clusterId, step: 4, byHand: true }), {
      code: 'WIZARD_OUT_OF_ORDER',
    });

    const rerun = await second.runStep(clusterId, 3);
    assertSucceeded(rerun, 3);
    assert.equal(stepIn(rerun, 3).jobIds?.length, 2, 'a new resize job, after the first');
    await second.close();

    // Opened again between steps: it is at step 4, and carries on to the end.
    const third = await open(dir);
    assert.equal((await third.call('wizard:get', { clusterId }))?.current, 4);
    const pending = await third.runStep(clusterId, 4, { byHand: true });
    assert.equal(stepIn(pending, 4).state, 'pending', stepIn(pending, 4).error?.message);
    assertSucceeded(await third.runStep(clusterId, 4, { byHand: true }), 4);
    const done = await third.runStep(clusterId, 5, { byHand: true });
    assert.equal(done.current, 'complete');
    const { wrong } = await placement(n, items);
    assert.deepEqual(wrong.slice(0, 5), []);
  });

  it('refuses step 4 while vbuckets had no source, and goes ahead after a logged override', async () => {
    // Old servers X, Y, A; new servers A, B. With X and Y down, the vbuckets whose two replicas
    // were X and Y have no source left for A and B.
    const [x, y, a, b] = n as [string, string, string, string];
    const items = makeDataset({ seed: 63, count: 1500 });
    await seed(items, [x, y, a]);
    const app = await open(await dataDir());
    const { id: clusterId } = await app.call('clusters:save', {
      definition: { name: 'sourceless', servers: [x, y, a], newServers: [] },
    });
    await app.call('wizard:begin', { clusterId, newServers: [a, b] });
    await app.runStep(clusterId, 1, { byHand: true });
    await app.runStep(clusterId, 2, { byHand: true });
    const [nodeX, nodeY] = cluster.nodes;
    try {
      // Killed by pid, their addresses still held by this test: nothing else can answer there.
      nodeX?.signal('SIGKILL');
      nodeY?.signal('SIGKILL');
      const three = await app.runStep(clusterId, 3);
      const step3 = stepIn(three, 3);
      assert.equal(step3.state, 'failed');
      assert.equal(step3.error?.code, 'RESYNC_INCOMPLETE');
      assert.match(step3.error?.message ?? '', /vbuckets? failed or had no source/);
      assert.ok(three.blockers.length >= 1);
      assert.ok(three.blockers.every((b) => /failed or had no source in the resync/.test(b)));

      await assert.rejects(
        app.call('wizard:run-step', { clusterId, step: 4, byHand: true }),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'WIZARD_BLOCKED');
          assert.match(error.message, /had no source/);
          return true;
        },
      );
      const overridden = await app.call('wizard:override', {
        clusterId,
        reason: 'X and Y are gone for good; their sessions are lost anyway',
      });
      assert.deepEqual(overridden.blockers, []);

      // The verify still runs (and cannot reach X and Y); with the override, step 4 goes on.
      const verified = await app.runStep(clusterId, 4, { byHand: true });
      assert.equal(stepIn(verified, 4).state, 'pending', stepIn(verified, 4).error?.message);
      const written = await app.runStep(clusterId, 4, { byHand: true });
      assertSucceeded(written, 4);
      const done = await app.runStep(clusterId, 5, { byHand: true });
      assert.equal(done.current, 'complete');
      assert.equal(done.report?.override?.reason, overridden.override?.reason);
      assert.equal(stepIn(done, 3).state, 'failed', 'the report keeps the failed resync');

      const log = await app.call('activity:list', null);
      assert.ok(log.some((e) => e.action === 'step 4 not run' && e.outcome === 'refused'));
      const override = log.find((e) => e.action === 'blockers overridden');
      assert.match(override?.detail ?? '', /reason: X and Y are gone for good/);
      assert.match(override?.detail ?? '', /had no source/);
    } finally {
      await nodeX?.restart();
      await nodeY?.restart();
    }
  });

  it('clears a verify that found moved keys missing by resyncing them and verifying again, with no override', async () => {
    const items = makeDataset({ seed: 64, count: 3000, valueSizes: [10, 400] });
    const old = n.slice(0, 3);
    await seed(items, old);
    const app = await open(await dataDir());
    const { id: clusterId } = await app.call('clusters:save', {
      definition: { name: 'repaired', servers: old, newServers: [] },
    });
    await app.call('wizard:begin', { clusterId, newServers: n });
    await app.runStep(clusterId, 1, { byHand: true });
    await app.runStep(clusterId, 2, { byHand: true });
    assertSucceeded(await app.runStep(clusterId, 3), 3);
    const joining = n[3]!;
    const lost = await deleteMovedKeys({ servers: old, newServers: n }, joining, items, 7);

    const failed = await app.runStep(clusterId, 4, { byHand: true });
    assert.equal(stepIn(failed, 4).state, 'failed');
    assert.equal(stepIn(failed, 4).error?.code, 'VERIFY_NOT_CLEAN');
    assert.match(failed.blockers.join('\n'), /verify found 7 keys missing/);
    assert.deepEqual(failed.repair?.vbuckets, lost.vbuckets);
    assert.equal(failed.repair?.needsVerify, true);
    await assert.rejects(app.call('wizard:run-step', { clusterId, step: 4, byHand: true }), {
      code: 'WIZARD_BLOCKED',
    });

    // The listed vbuckets, resynced by the wizard: the keys are back, the blocker waits for a check.
    const repairing = await app.call('wizard:repair', { clusterId, action: 'resync' });
    assert.ok((repairing.repair?.runningJobIds.length ?? 0) >= 1);
    await assert.rejects(app.call('wizard:repair', { clusterId, action: 'verify' }), {
      code: 'WIZARD_BUSY',
    });
    const resynced = await app.wizardWhen(
      clusterId,
      (w) => w.repair?.runningJobIds.length === 0,
      'the repair resyncs end',
    );
    assert.ok(resynced.repair?.resyncedAt !== undefined);
    assert.match(resynced.blockers.join('\n'), /they were resynced since: verify again/);
    const jobs = await app.call('jobs:list', null);
    const repairs = jobs.filter((j) => repairing.repair?.runningJobIds.includes(j.id));
    assert.ok(repairs.some((j) => j.targets[0] === joining && j.state === 'succeeded'));
    assert.ok(repairs.every((j) => j.vbuckets?.every((v) => lost.vbuckets.includes(v))));

    // Keys lost again, mended this time by a one-node resync from the Resync screen: it counts.
    await deleteMovedKeys({ servers: old, newServers: n }, joining, items, 7);
    await app.call('wizard:repair', { clusterId, action: 'verify' });
    const again = await app.wizardWhen(
      clusterId,
      (w) => stepIn(w, 4).state !== 'running',
      'the second verify ends',
    );
    assert.equal(again.repair?.resyncedAt, undefined, 'a verify since the resync');
    const single = await app.call('jobs:start', {
      kind: 'resync',
      clusterId,
      target: joining,
      full: false,
    });
    const counted = await app.wizardWhen(
      clusterId,
      (w) => stepIn(w, 3).jobIds?.includes(single.id) === true,
      'the one-node resync is counted',
    );
    assert.ok(counted.repair?.resyncedAt !== undefined);

    await app.call('wizard:repair', { clusterId, action: 'verify' });
    const clean = await app.wizardWhen(
      clusterId,
      (w) => stepIn(w, 4).state !== 'running',
      'the verify again ends',
    );
    assert.deepEqual(clean.blockers, []);
    assert.equal(clean.repair, undefined);
    assert.equal(clean.override, undefined);
    assert.equal(stepIn(clean, 4).state, 'pending', stepIn(clean, 4).error?.message);
    assert.deepEqual(
      (await app.call('clusters:list', null)).find((c) => c.id === clusterId)?.servers,
      old,
      'verifying again writes nothing',
    );

    assertSucceeded(await app.runStep(clusterId, 4, { byHand: true }), 4);
    const done = await app.runStep(clusterId, 5, { byHand: true });
    assert.equal(done.current, 'complete');
    assert.equal(done.report?.override, undefined);
    assert.equal(done.report?.verify?.isClean, true);
    const { wrong } = await placement(n, items);
    assert.deepEqual(wrong.slice(0, 5), []);
  });

  it('keeps the activity log across a restart, skipping a damaged line with a notice', async () => {
    const dir = await dataDir();
    const first = await open(dir);
    const { id: clusterId } = await first.call('clusters:save', {
      definition: { name: 'logged', servers: n.slice(0, 2), newServers: [] },
    });
    await first.call('cluster:status', { clusterId, isOperatorTest: true });
    await assert.rejects(first.call('jobs:start', { kind: 'resize', clusterId, full: false }), {
      code: 'NO_RESIZE',
    });
    const before = await first.call('activity:list', null);
    await first.close();
    assert.deepEqual(
      before.map((e) => `${e.action}/${e.outcome}`),
      ['cluster added/succeeded', 'connection test/succeeded', 'resize not started/refused'],
    );

    const file = join(dir, 'activity.jsonl');
    await appendFile(file, '{"id": 99, "at": "2030-01-01T00:00:00Z", "action": "half a li');
    const second = await open(dir);
    const after = await second.call('activity:list', null);
    assert.deepEqual(after.slice(0, before.length), before);
    const notice = after[before.length];
    assert.equal(notice?.action, 'activity log damaged');
    assert.match(notice?.detail ?? '', /1 line\(s\) of .*activity\.jsonl could not be read/);
    await second.call('clusters:remove', { id: clusterId });
    await second.close();

    const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
    const readable = lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as ActivityEntry];
      } catch {
        return [];
      }
    });
    assert.deepEqual(
      readable.map((e) => e.action),
      [
        'cluster added',
        'connection test',
        'resize not started',
        'activity log damaged',
        'cluster removed',
      ],
    );
    assert.ok(readable.every((e, i) => i === 0 || e.id > (readable[i - 1]?.id ?? 0)));
  });
});
