/**
 * Resizes of clusters that run Clearwater's memcached (the fork: TAP dumps, binary protocol), alone
 * and mixed with stock memcached: fork to fork, fork to stock, stock to fork. Every scenario runs
 * against the test server that plays the fork, and against the fork itself where a build of it is
 * given (ASTAIRE_CLEARWATER_MEMCACHED); the suite says plainly when the fork was skipped.
 */
import assert from 'node:assert/strict';
import SSHConfig from 'ssh-config';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, afterEach, before, describe, it } from 'node:test';
import type { ClusterSettings } from '../../../core/cluster/cluster-settings.js';
import { computeStoreView } from '../../../core/cluster/store-view.js';
import { vbucketOfKey } from '../../../core/cluster/vbucket-hash.js';
import { whenTapDumpsDrained, type BinaryClient } from '../../../core/memcached/binary-client.js';
import type { NodeClient } from '../../../core/memcached/node-client.js';
import { nodeStatus } from '../../../core/resync/node-status.js';
import { ResyncJob, type ResyncSummary } from '../../../core/resync/resync-engine.js';
import { readTagRecord } from '../../../core/resync/tag-record.js';
import { verifyResize } from '../../../core/resync/verify.js';
import { directConnector, type NodeConnector } from '../../../core/transport/node-connector.js';
import { profileConnector } from '../../../core/transport/profile-connector.js';
import {
  ClusterClients,
  checkPlacement,
  makeDataset,
  seedCluster,
  type TestItem,
} from '../../support/cluster-data.js';
import {
  clearwaterKinds,
  startMemcached,
  type MemcachedKind,
  type MemcachedProcess,
} from '../../support/memcached-process.js';
import { startFaultServer } from '../../support/fault-server.js';
import {
  NO_PROMPTS,
  makeClientKeys,
  startSshd,
  profileThroughSshd,
} from '../../support/sshd-process.js';
import {
  checkAfterResize,
  seedResize,
  startWriters,
  stopLeftWriters,
  stopWriters,
} from '../../support/resize-under-traffic.js';

const connect = directConnector({ timeoutMs: 5000, connectTimeoutMs: 2000 });
const { kinds, skip } = clearwaterKinds();
if (skip !== undefined) console.log(skip);

/** The four fork nodes and four stock ones each scenario picks its cluster from. */
interface Nodes {
  readonly fork: MemcachedProcess[];
  readonly stock: MemcachedProcess[];
}

async function startNodes(kind: MemcachedKind): Promise<Nodes> {
  const start = (k: MemcachedKind) =>
    startMemcached({ kind: k, memoryMb: 128, engineCacheMb: 128 });
  const started = await Promise.allSettled([
    ...Array.from({ length: 4 }, () => start(kind)),
    ...Array.from({ length: 4 }, () => start('stock')),
  ]);
  const nodes = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = started.find((result) => result.status === 'rejected');
  if (failure !== undefined) {
    await Promise.all(nodes.map((node) => node.stop()));
    throw failure.reason;
  }
  return { fork: nodes.slice(0, 4), stock: nodes.slice(4) };
}

/** A 3 -> 4 resize of the fork nodes: the first three hold the data, the fourth joins. */
function forkToFork(n: Nodes) {
  const old = n.fork.slice(0, 3);
  const target = (n.fork[3] as MemcachedProcess).address;
  const servers = old.map((m) => m.address);
  return { old, target, settings: { servers, newServers: [...servers, target] } };
}

async function resyncEvery(
  settings: ClusterSettings,
  via: NodeConnector = connect,
  rateLimit = 0,
): Promise<ResyncSummary[]> {
  const summaries: ResyncSummary[] = [];
  for (const target of new Set(settings.newServers)) {
    summaries.push(
      await new ResyncJob({ target, settings, full: false, connect: via, rateLimit }).run(),
    );
  }
  return summaries;
}

/** The seeded items whose vbucket moves onto `target`. */
function incomingTo(settings: ClusterSettings, target: string, items: readonly TestItem[]) {
  const view = computeStoreView(settings);
  return items.filter((item) => {
    const vbucket = view.vbuckets[vbucketOfKey(item.key)];
    return (
      vbucket?.newReplicas?.includes(target) === true && !vbucket.currentReplicas.includes(target)
    );
  });
}

/**
 * Plants copies on the target that the resync must decide by timestamp: newer ones (kept), older
 * ones (replaced), and a pair across the 32-bit wrap of the stamps: a source stamp just past the
 * wrap is newer than a target stamp just before it (replaced), and the other way round (kept).
 * Returns what the target must hold afterwards for each incoming key.
 */
async function plantConflicts(
  settings: ClusterSettings,
  target: string,
  items: TestItem[],
  clients: ClusterClients,
): Promise<{ expected: TestItem[]; kept: number; replaced: number }> {
  const incoming = incomingTo(settings, target, items);
  assert.ok(incoming.length > 40, 'enough keys move to the target');
  const write = async (node: string, item: TestItem) => {
    const client = await clients.get(node);
    const outcome = await client.set(item.key, item.value, {
      clientFlags: item.stamp,
      exptime: item.exptime,
      mode: 'set',
    });
    assert.equal(outcome, 'stored');
  };
  const view = computeStoreView(settings);
  const onSources = async (item: TestItem) => {
    for (const node of view.vbuckets[vbucketOfKey(item.key)]?.currentReplicas ?? []) {
      await write(node, item);
    }
  };
  const expected = new Map(incoming.map((item) => [item.key.toString('hex'), item]));
  const plant = async (item: TestItem, onTarget: TestItem, winner: TestItem) => {
    await write(target, onTarget);
    expected.set(item.key.toString('hex'), winner);
  };
  let kept = 0;
  let replaced = 0;
  for (const [index, item] of incoming.slice(0, 30).entries()) {
    const newer = { ...item, value: Buffer.from('newer on the target'), stamp: item.stamp + 5 };
    const older = { ...item, value: Buffer.from('older on the target'), stamp: item.stamp - 5 };
    if (index % 2 === 0) {
      await plant(item, newer, newer);
      kept++;
    } else {
      await plant(item, older, item);
      replaced++;
    }
  }
  const [wrapReplaced, wrapKept] = incoming.slice(30, 32) as [TestItem, TestItem];
  const pastWrap = { ...wrapReplaced, stamp: 0x00000005 };
  await onSources(pastWrap);
  await plant(
    wrapReplaced,
    { ...wrapReplaced, value: Buffer.from('pre-wrap'), stamp: 0xfffffff0 },
    pastWrap,
  );
  replaced++;
  const preWrap = { ...wrapKept, stamp: 0xfffffff0 };
  await onSources(preWrap);
  const wrappedOnTarget = { ...wrapKept, value: Buffer.from('post-wrap'), stamp: 0x00000005 };
  await plant(wrapKept, wrappedOnTarget, wrappedOnTarget);
  kept++;
  return { expected: [...expected.values()], kept, replaced };
}

function assertComplete(summaries: readonly ResyncSummary[]): void {
  for (const summary of summaries) {
    assert.ok(
      summary.isComplete,
      `${summary.target}: ${JSON.stringify({ failed: summary.failed.slice(0, 3), error: summary.error })}`,
    );
    assert.equal(summary.unconfirmedKeys, 0);
  }
}

/**
 * A connector whose TAP dumps (purpose `dump`, of a node `pick` accepts) call `act` once, when
 * their `nth` item arrives: a test's way to do something at a known point of a live dump.
 */
function onDumpItem(
  via: NodeConnector,
  nth: number,
  act: (node: string) => void,
  pick: (node: string) => boolean = () => true,
): NodeConnector {
  let isDone = false;
  return async (node, purpose) => {
    const client: NodeClient = await via(node, purpose);
    if (purpose !== 'dump' || client.dialect !== 'clearwater' || !pick(node)) return client;
    const dump = client.tapDump.bind(client);
    let seen = 0;
    client.tapDump = (vbuckets, onItem) =>
      dump(vbuckets, (item) => {
        if (++seen === nth && !isDone) {
          isDone = true;
          act(node);
        }
        onItem(item);
      });
    return client;
  };
}

/**
 * A profile connector reaching every one of `addresses` through one SSH server of the test's own
 * (tunnels on one SSH connection), and how to stop it all.
 */
async function behindSsh(addresses: readonly string[]) {
  const keys = makeClientKeys();
  const sshd = await startSshd(keys);
  const { profile, remove } = profileThroughSshd(sshd, keys, addresses, 'fork.profile.json');
  const viaSsh = profileConnector(profile, {
    timeoutMs: 5000,
    sshConfig: new SSHConfig(),
    ssh: { prompts: NO_PROMPTS, agentSocket: '' },
  });
  return {
    viaSsh,
    stop: async () => {
      viaSsh.close();
      await whenTapDumpsDrained();
      await sshd.stop();
      remove();
    },
  };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

for (const kind of kinds) {
  const fork = kind === 'clearwater' ? "Clearwater's memcached" : 'the test fork';

  describe(`resizes with ${fork}`, () => {
    let nodes: Nodes;
    before(async () => {
      nodes = await startNodes(kind);
    });
    after(() => Promise.all([...nodes.fork, ...nodes.stock].map((node) => node.stop())));
    afterEach(() => stopLeftWriters());

    const scenarios: [string, (n: Nodes) => { old: string[]; target: string }][] = [
      [
        'fork to fork',
        (n) => ({ old: n.fork.slice(0, 3).map((m) => m.address), target: n.fork[3]!.address }),
      ],
      [
        'fork to stock',
        (n) => ({ old: n.fork.slice(0, 3).map((m) => m.address), target: n.stock[3]!.address }),
      ],
      [
        'stock to fork',
        (n) => ({ old: n.stock.slice(0, 3).map((m) => m.address), target: n.fork[3]!.address }),
      ],
    ];
    scenarios.forEach(([label, pick], index) => {
      it(`${label}, 3 -> 4: every key on each new replica (value, flags, TTL), conflicts decided by timestamp`, async () => {
        const { old, target } = pick(nodes);
        const settings = { servers: old, newServers: [...old, target] };
        const clients = new ClusterClients(connect);
        try {
          const items = makeDataset({
            seed: 400 + index,
            count: 3000,
            awkwardKeys: true,
            ttls: true,
            valueSizes: [0, 10, 100, 1000, 4096],
          });
          await seedCluster(clients, settings.newServers, settings.servers, items);
          const conflicts = await plantConflicts(settings, target, items, clients);

          const summaries = await resyncEvery(settings);
          assertComplete(summaries);
          const onTarget = summaries.find((s) => s.target === target);
          assert.ok(onTarget !== undefined);
          assert.equal(onTarget.counts.skippedNewer, conflicts.kept, 'newer copies kept');
          assert.equal(onTarget.counts.replaced, conflicts.replaced, 'older copies replaced');

          const targetCheck = await checkPlacement(
            { servers: [target], newServers: [] },
            conflicts.expected,
            clients,
          );
          assert.deepEqual(targetCheck.wrong.slice(0, 10), []);
          assert.equal(targetCheck.checked, conflicts.expected.length);
          const planted = new Set(conflicts.expected.map((item) => item.key.toString('hex')));
          const unplanted = items.filter((item) => !planted.has(item.key.toString('hex')));
          const everywhere = await checkPlacement(settings, unplanted, clients, [target]);
          assert.deepEqual(everywhere.wrong.slice(0, 10), []);

          const report = await verifyResize({ settings, connect });
          assert.equal(report.failures.length, 0, JSON.stringify(report.failures));
          assert.equal(report.missing, 0);
          assert.ok(report.checked > 0);

          const status = await nodeStatus(target, settings, connect);
          assert.equal(status.dialect, target === nodes.fork[3]!.address ? 'clearwater' : 'stock');
          assert.notEqual(status.tag, null, 'the tag record is written');
          const targetClient = await clients.get(target);
          assert.ok((await readTagRecord(targetClient)) !== undefined);
        } finally {
          await clients.close();
        }
      });
    });

    it('a fork source killed mid-dump: its vbuckets go to their next replica, nothing is missed', async () => {
      const { old, target, settings } = forkToFork(nodes);
      const clients = new ClusterClients(connect);
      const victim = old[0]!;
      try {
        const items = makeDataset({ seed: 410, count: 6000, valueSizes: [200, 2000] });
        await seedCluster(clients, settings.newServers, settings.servers, items);
        let killed = false;
        // The victim's TAP dump is cut after 200 items by killing its process, for real.
        const killing = onDumpItem(
          connect,
          200,
          () => {
            killed = true;
            victim.signal('SIGKILL');
          },
          (node) => node === victim.address,
        );
        const summary = await new ResyncJob({
          target,
          settings,
          full: false,
          connect: killing,
          tuning: { reconnectAttempts: 1, reconnectDelayMs: 100 },
        }).run();
        assert.ok(killed, 'the source was killed mid-dump');
        assert.ok(summary.isComplete, JSON.stringify(summary.failed.slice(0, 3)));
        assert.ok(
          summary.sources.some((s) => s.node === victim.address && s.failure !== undefined),
          'the killed source is reported failed',
        );
        const placement = await checkPlacement(
          { servers: [target], newServers: [] },
          incomingTo(settings, target, items),
          clients,
        );
        assert.deepEqual(placement.wrong.slice(0, 10), []);
      } finally {
        await clients.close();
        // Back, empty, for the scenarios after this one.
        await victim.restart();
      }
    });

    it('a resync cancelled mid-dump reads the dump to its end: the fork source survives', async () => {
      const { old, target, settings } = forkToFork(nodes);
      const clients = new ClusterClients(connect);
      try {
        const items = makeDataset({ seed: 430, count: 8000, valueSizes: [4000] });
        await seedCluster(clients, settings.newServers, settings.servers, items);
        const cancel = new AbortController();
        // Cancelled after the first items of the first dump, while the node still walks its LRU.
        const cancelling = onDumpItem(connect, 50, () => cancel.abort());
        const summary = await new ResyncJob({
          target,
          settings,
          full: false,
          connect: cancelling,
          signal: cancel.signal,
        }).run();
        assert.equal(summary.cancelled, true);
        // The fork aborts on its next dump or rewrite when a dump was left mid-walk: do both.
        await sleep(500);
        const rewritten = items.slice(0, 200);
        await seedCluster(clients, [], settings.servers, rewritten);
        const again = await new ResyncJob({ target, settings, full: false, connect }).run();
        assertComplete([again]);
        for (const node of old) {
          assert.ok(isRunning(node.pid), `${node.address} is still running`);
          assert.equal((await nodeStatus(node.address, settings, connect)).isReachable, true);
        }
      } finally {
        await clients.close();
      }
    });

    it('fork to fork over SSH tunnels: each fork connection (probe, then binary) through one SSH connection', async () => {
      const all = nodes.fork.map((m) => m.address);
      const settings = { servers: all.slice(0, 3), newServers: all };
      const { viaSsh, stop } = await behindSsh(all);
      const clients = new ClusterClients(connect);
      try {
        const items = makeDataset({ seed: 450, count: 2000, valueSizes: [100, 3000] });
        await seedCluster(clients, all, settings.servers, items);
        const summaries = await resyncEvery(settings, viaSsh.connect);
        assertComplete(summaries);
        assert.ok(summaries[0]?.sources.every((source) => source.dialect === 'clearwater'));
        const placement = await checkPlacement(settings, items, clients);
        assert.deepEqual(placement.wrong.slice(0, 10), []);
        const report = await verifyResize({ settings, connect: viaSsh.connect });
        assert.ok(report.isClean, JSON.stringify(report.failures));
      } finally {
        await clients.close();
        await stop();
      }
    });

    it('cancelled over SSH mid-dump, its SSH connection closed at once (as the CLI does): the source survives', async () => {
      const all = nodes.fork.map((m) => m.address);
      const settings = { servers: all.slice(0, 3), newServers: all };
      const { viaSsh, stop } = await behindSsh(all);
      const clients = new ClusterClients(connect);
      try {
        const items = makeDataset({ seed: 451, count: 8000, valueSizes: [4000] });
        await seedCluster(clients, all, settings.servers, items);
        const cancel = new AbortController();
        const summary = await new ResyncJob({
          target: all[3]!,
          settings,
          full: false,
          connect: onDumpItem(viaSsh.connect, 50, () => cancel.abort()),
          signal: cancel.signal,
        }).run();
        assert.equal(summary.cancelled, true);
        viaSsh.close();
        await whenTapDumpsDrained();
        // The fork aborts on its next dump or rewrite after a dump left mid-walk: do both.
        await seedCluster(clients, [], settings.servers, items.slice(0, 200));
        assertComplete(await resyncEvery(settings));
        for (const node of nodes.fork) assert.ok(isRunning(node.pid), `${node.address} runs`);
      } finally {
        await clients.close();
        await stop();
      }
    });

    it('a dump whose reader fails (a full disk, say) is read to its end; the node survives', async () => {
      const source = nodes.fork[0]!;
      const clients = new ClusterClients(connect);
      try {
        const items = makeDataset({ seed: 452, count: 6000, valueSizes: [4000] });
        await seedCluster(clients, [source.address], [source.address], items);
        const dumper = (await connect(source.address, 'dump')) as BinaryClient;
        let seen = 0;
        await assert.rejects(
          dumper.tapDump([], () => {
            if (++seen === 20) throw new Error('ENOSPC: no space left on device');
          }),
          /ENOSPC/,
        );
        await dumper.whenDumpDrained();
        await seedCluster(clients, [], [source.address], items.slice(0, 100));
        const again = (await connect(source.address, 'dump')) as BinaryClient;
        assert.ok((await again.tapDump([], () => undefined)) >= items.length);
        assert.ok(isRunning(source.pid));
      } finally {
        await clients.close();
      }
    });

    it('paused mid-dump: an item dumped before the pause is not written after it', async () => {
      const { target, settings } = forkToFork(nodes);
      const clients = new ClusterClients(connect);
      try {
        const items = makeDataset({ seed: 453, count: 8000, valueSizes: [4000] });
        await seedCluster(clients, settings.newServers, settings.servers, items);
        const deleted = incomingTo(settings, target, items).slice(-300);
        let paused: Promise<void> | undefined;
        const job = new ResyncJob({
          target,
          settings,
          full: false,
          connect: onDumpItem(connect, 20, () => (paused = job.pause())),
        });
        const running = job.run();
        while (paused === undefined) await sleep(5);
        await paused;
        // While paused, clients delete keys through the resize's write sets: from every replica.
        const view = computeStoreView(settings);
        for (const item of deleted) {
          for (const node of view.vbuckets[vbucketOfKey(item.key)]?.writeSet ?? []) {
            await (await clients.get(node)).delete(item.key);
          }
        }
        job.resume();
        const summary = await running;
        assertComplete([summary]);
        const found = await (await clients.get(target)).getMany(deleted.map((item) => item.key));
        assert.deepEqual(
          found.flatMap((copy, index) => (copy === undefined ? [] : [index])),
          [],
          'no deleted key came back on the target',
        );
      } finally {
        await clients.close();
      }
    });

    it('under Clearwater-rule writers, fork to fork and to stock: nothing lost or older', async () => {
      const old = nodes.fork.slice(0, 3).map((m) => m.address);
      for (const [label, target] of [
        ['fork', nodes.fork[3]!.address],
        ['stock', nodes.stock[3]!.address],
      ] as const) {
        const settings = { servers: old, newServers: [...old, target] };
        // Writers shrink the values they rewrite: a rewritten item moves to a smaller slab class,
        // which a TAP dump walking the classes from the smallest may have passed already.
        const items = await seedResize(settings, 420, 3000, 2000);
        const writers = await startWriters(settings, items, 421, {
          writesPerSecond: 400,
          valueSize: 50,
        });
        // Slowed to last a few seconds (past the rate limiter's first burst), so that the writers
        // write throughout.
        const summaries = await resyncEvery(settings, connect, 512 * 1024);
        const stats = await stopWriters(writers);
        assertComplete(summaries);
        assert.ok(
          stats.completeWrites > 100,
          `${label}: the writers wrote (${JSON.stringify(stats)})`,
        );
        assert.equal(stats.errors, 0, stats.firstError);
        const check = await checkAfterResize(settings, items, writers);
        assert.deepEqual(
          { lost: check.lost, stale: check.stale, wrong: check.wrong },
          { lost: 0, stale: 0, wrong: 0 },
          `${label}: ${check.examples.join('; ')}`,
        );
      }
    });
  });
}

describe('a node that answers neither dialect', () => {
  it('is refused by name, with what it answered and what Astaire supports', async () => {
    // memcached 1.4 answers `version` and knows no meta commands.
    const server = await startFaultServer(
      {
        kind: 'script',
        onLine: (line, socket) =>
          socket.write(line === 'version' ? 'VERSION 1.4.25\r\n' : 'ERROR\r\n'),
      },
      '127.0.0.1',
      { answersProbe: false },
    );
    try {
      const settings = { servers: [server.address], newServers: [] };
      const status = await nodeStatus(server.address, settings, connect);
      assert.equal(status.isReachable, false);
      assert.equal(status.error?.code, 'UNSUPPORTED_MEMCACHED');
      assert.match(
        status.error?.message ?? '',
        new RegExp(`node ${server.address.replaceAll('.', '\\.')} \\(probe\\)`),
      );
      assert.match(
        status.error?.message ?? '',
        /"VERSION 1\.4\.25".*"ERROR".*memcached 1\.6 or later.*Clearwater/,
      );
    } finally {
      await server.stop();
    }
  });
});
