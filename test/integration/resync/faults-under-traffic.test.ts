/**
 * Faults injected into a 3 -> 4 resize while clients keep writing through the resize view: a
 * source or the target stalled (SIGSTOP) past the deadlines, two resyncs of one target at once, a
 * target too small for its share, a cancel and a pause mid-run, an SSH connection dropped. Each
 * run must end complete (or say clearly that it is not), and afterwards every new replica holds
 * each key's newest write: none lost, none older.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, afterEach, before, describe, it, type TestContext } from 'node:test';
import SSHConfig from 'ssh-config';
import type { ClusterSettings } from '../../../core/cluster/cluster-settings.js';
import {
  ResyncJob,
  type ResyncOptions,
  type ResyncSummary,
} from '../../../core/resync/resync-engine.js';
import {
  connectDirectClient,
  directConnector,
  type NodeConnector,
} from '../../../core/transport/node-connector.js';
import { profileConnector } from '../../../core/transport/profile-connector.js';
import { startTcpForwarder, type TcpForwarder } from '../../support/tcp-forwarder.js';
import type { WriterPool } from '../../support/live-traffic.js';
import { writeSettingsFile } from '../../support/cli-harness.js';
import { runAstaire } from '../../support/cli-process.js';
import { recordFigures } from '../../support/figures.js';
import {
  startCluster,
  startMemcached,
  type MemcachedCluster,
  type MemcachedProcess,
} from '../../support/memcached-process.js';
import {
  NO_PROMPTS,
  makeClientKeys,
  startSshd,
  profileThroughSshd,
} from '../../support/sshd-process.js';
import {
  checkAfterResize,
  keysMoved,
  pause,
  resizeSettings,
  restartWriters,
  seedResize,
  startWriters,
  stopLeftWriters,
  stopWriters,
  until,
  type ResizeCheck,
} from '../../support/resize-under-traffic.js';

const KEYS = 2000;
const VALUE_BYTES = 1000;
// Bytes per second into the target: the new node takes about 0.7 MB, so a run lasts some 4 s.
const RATE_LIMIT = 150_000;
// The resync's deadlines, short so that a stall of STALL_MS is well past them.
const DEADLINE_MS = 1000;
const STALL_MS = 3000;
const PAUSE_MS = 3000;
const connect = directConnector({ timeoutMs: DEADLINE_MS, connectTimeoutMs: DEADLINE_MS });
// Small batches keep every stream busy the whole run, so a fault lands with requests in flight.
const tuning = { reconnectDelayMs: 200, batchSize: 32, batchesInFlight: 2 };

describe('faults during a 3 -> 4 resize under live writers', () => {
  let cluster: MemcachedCluster;
  let settings: ClusterSettings;
  let target: string;

  before(async () => {
    cluster = await startCluster(4);
    settings = resizeSettings(cluster.addresses);
    target = cluster.addresses[3] as string;
  });
  // A scenario that failed midway leaves its writers running: stop them before the next one.
  afterEach(() => stopLeftWriters());
  after(() => cluster.stop());

  function job(extra: Partial<ResyncOptions> = {}): ResyncJob {
    return new ResyncJob({
      target,
      settings,
      full: false,
      connect,
      tuning,
      rateLimit: RATE_LIMIT,
      ...extra,
    });
  }

  /** Runs `work` and counts the writes made meanwhile. */
  async function counted<T>(
    writers: WriterPool,
    work: () => Promise<T>,
  ): Promise<{ result: T; writes: number }> {
    const before = writers.stats().writes;
    const result = await work();
    return { result, writes: writers.stats().writes - before };
  }

  /** Stalls `node` for STALL_MS; the promise resolves once it runs again. */
  function stall(node: MemcachedProcess): Promise<void> {
    node.signal('SIGSTOP');
    return pause(STALL_MS).then(() => node.signal('SIGCONT'));
  }

  function assertComplete(summary: ResyncSummary, what: string): void {
    const why = JSON.stringify(summary.error ?? summary.failed.slice(0, 3));
    assert.ok(summary.isComplete, `${what}: ${why}`);
    assert.equal(summary.unconfirmedKeys, 0, `${what}: keys left unconfirmed`);
    assert.equal(summary.tagWritten, true, what);
  }

  function assertNewest(t: TestContext, check: ResizeCheck): void {
    t.diagnostic(
      `keys ${check.keys}, copies ${check.copies}: lost ${check.lost}, older ${check.stale}, ` +
        `other bytes ${check.wrong}, excused (newest write refused by a stalled node) ${check.excused}`,
    );
    assert.equal(check.copies, check.keys * 2, 'each key has two new replicas');
    assert.equal(check.lost, 0, check.examples.join('\n'));
    assert.equal(check.stale, 0, check.examples.join('\n'));
    assert.equal(check.wrong, 0, check.examples.join('\n'));
  }

  function figures(name: string, writes: number, check: ResizeCheck, faults: number): void {
    assert.ok(writes >= 200, `the writers wrote while the resync ran (${writes} writes)`);
    recordFigures(`faults: ${name}`, {
      writes,
      keysChecked: check.keys,
      keysLost: check.lost,
      keysStale: check.stale,
      faults,
    });
  }

  it('a source stalled past the deadlines: the resync completes, nothing lost or older', async (t) => {
    const items = await seedResize(settings, 41, KEYS, VALUE_BYTES);
    const writers = await startWriters(settings, items, 41);
    const victim = cluster.nodes[0] as MemcachedProcess;
    const notices: string[] = [];
    let stalled: Promise<void> | undefined;
    const { result: summary, writes } = await counted(writers, () =>
      job({
        observer: {
          onNotice: (message) => notices.push(message),
          onThroughput: (_, totals) => {
            const fromVictim = totals.find((n) => n.node === victim.address)?.keys ?? 0;
            if (stalled === undefined && fromVictim > 50) stalled = stall(victim);
          },
        },
      }).run(),
    );
    await stalled;
    const stats = await stopWriters(writers);
    assert.ok(stalled !== undefined, 'the source was stalled while it streamed');
    t.diagnostic(
      `writes ${stats.writes}, writer errors ${stats.errors}; notices:\n` + notices.join('\n'),
    );
    // The stall hit the resync (a deadline passed on the source) and the writers.
    assert.ok(
      notices.some((m) => m.includes(victim.address) && /no reply for/.test(m)),
      notices.join('\n'),
    );
    assert.ok(stats.errors > 0, 'writes to the stalled node failed');
    assertComplete(summary, 'resync');
    // The stalled node is not resynced here, so a write it refused is not on it: excused.
    const check = await checkAfterResize(settings, items, writers, { excuseRefusedWrites: true });
    assertNewest(t, check);
    figures('source stalled', writes, check, 1);
  });

  it('the target stalled past the deadlines: fails clearly or completes; a rerun completes', async (t) => {
    const items = await seedResize(settings, 42, KEYS, VALUE_BYTES);
    const writers = await startWriters(settings, items, 42);
    const victim = cluster.nodes[3] as MemcachedProcess;
    let stalled: Promise<void> | undefined;
    const first = await counted(writers, () =>
      job({
        // One quick retry per source: the stall outlasts it, so the run gives up (a run that
        // completes instead is checked as strictly).
        tuning: { ...tuning, reconnectAttempts: 1, reconnectDelayMs: 100 },
        observer: {
          onThroughput: (_, totals) => {
            const moved = totals.find((n) => n.role === 'target')?.keys ?? 0;
            if (stalled === undefined && moved > 100) stalled = stall(victim);
          },
        },
      }).run(),
    );
    await stalled;
    assert.ok(stalled !== undefined, 'the target was stalled while it was filled');
    const summary = first.result;
    t.diagnostic(
      `first run: complete ${summary.isComplete}, done ${summary.done}/${summary.vbuckets}, ` +
        `error ${JSON.stringify(summary.error)}`,
    );
    const firstStats = await stopWriters(writers);
    assert.ok(firstStats.errors > 0, 'writes to the stalled target failed');
    if (summary.isComplete) {
      // A success must hold up: every key there, only the writes the target refused older.
      assertComplete(summary, 'first run');
      assertNewest(
        t,
        await checkAfterResize(settings, items, writers, { excuseRefusedWrites: true }),
      );
    } else {
      assert.equal(summary.tagWritten, false);
      assert.equal(summary.error?.detail.node, target, 'the error names the target');
      assert.match(summary.error?.message ?? '', /no reply|connection|cannot connect/);
      assert.ok(summary.failed.length > 0);
    }
    // Writers again; the rerun must repair what the stalled target missed, refused writes included.
    restartWriters(writers);
    const rerun = await counted(writers, () => job().run());
    const stats = await stopWriters(writers);
    assert.equal(stats.errors, firstStats.errors, 'no write failed once the target ran again');
    assertComplete(rerun.result, 'rerun');
    const check = await checkAfterResize(settings, items, writers);
    assertNewest(t, check);
    figures('target stalled', first.writes + rerun.writes, check, 1);
  });

  it('two resyncs of one target at once in one process: both complete, nothing lost', async (t) => {
    const items = await seedResize(settings, 43, KEYS, VALUE_BYTES);
    const writers = await startWriters(settings, items, 43);
    const { result: summaries, writes } = await counted(writers, () =>
      Promise.all([job().run(), job().run()]),
    );
    const stats = await stopWriters(writers);
    assert.equal(stats.errors, 0, stats.firstError);
    summaries.forEach((summary, i) => assertComplete(summary, `resync ${i + 1}`));
    t.diagnostic(`keys added by each: ${summaries.map((s) => s.counts.added).join(', ')}`);
    assert.ok(keysMoved(summaries) > 0);
    const check = await checkAfterResize(settings, items, writers);
    assertNewest(t, check);
    figures('two resyncs at once', writes, check, 1);
  });

  it('two astaire resync processes on one target at once: both exit 0, nothing lost', async (t) => {
    const items = await seedResize(settings, 44, KEYS, VALUE_BYTES);
    const file = writeSettingsFile(
      `servers=${settings.servers.join(',')}\nnew_servers=${settings.newServers.join(',')}\n`,
    );
    const writers = await startWriters(settings, items, 44);
    const args = ['resync', '--target', target, '--settings', file, '--rate', String(RATE_LIMIT)];
    const { result: runs, writes } = await counted(writers, () =>
      Promise.all([runAstaire(args), runAstaire(args)]),
    );
    const stats = await stopWriters(writers);
    assert.equal(stats.errors, 0, stats.firstError);
    for (const run of runs) assert.equal(run.status, 0, run.stderr + run.stdout);
    t.diagnostic(`writes during the runs ${writes}`);
    assert.ok(writes >= 200, 'the writers wrote while both processes ran');
    const check = await checkAfterResize(settings, items, writers);
    assertNewest(t, check);
    figures('two resync processes at once', writes, check, 1);
  });

  it('a target that evicts under writers is reported as not complete, never as a success', async (t) => {
    const small = await startMemcached({ memoryMb: 4 });
    try {
      const nodes = [...cluster.addresses.slice(0, 3), small.address];
      const smallSettings = resizeSettings(nodes);
      // About 5 MB of the 24 MB belong on the 4 MB target.
      const items = await seedResize(smallSettings, 45, 6000, 4000);
      // Writes the size of the seeded items: one slab class, which evicts when full (writes of
      // another size take pages of their own, and memcached may refuse a store outright instead).
      const writers = await startWriters(smallSettings, items, 45, { valueSize: 4000 });
      const notices: string[] = [];
      const { result: summary, writes } = await counted(writers, () =>
        job({
          target: small.address,
          settings: smallSettings,
          rateLimit: 2_000_000,
          // Each pass finds the evicted keys missing again: two are enough to tell.
          tuning: { ...tuning, maxPasses: 2 },
          observer: { onNotice: (message) => notices.push(message) },
        }).run(),
      );
      const stats = await stopWriters(writers);
      const why = JSON.stringify({
        evictions: summary.targetEvictions,
        failed: summary.failed.slice(0, 3),
        error: summary.error,
        complete: summary.isComplete,
      });
      t.diagnostic(`${why}; writes ${stats.writes}, writer errors ${stats.errors}`);
      assert.ok(writes >= 200, 'the writers wrote while the resync ran');
      assert.equal(summary.isComplete, false, why);
      assert.equal(summary.tagWritten, false);
      assert.ok(summary.targetEvictions > 0, why);
      assert.ok(
        notices.some(
          (m) => m.includes(`${small.address} evicted`) && m.includes('memory') && m.includes('-m'),
        ),
        notices.join('\n'),
      );
      recordFigures('faults: target evicts', { writes, faults: 1 });
    } finally {
      await small.stop();
    }
  });

  it('cancelled mid-run under writers, then rerun: complete, nothing lost or older', async (t) => {
    const items = await seedResize(settings, 46, KEYS, VALUE_BYTES);
    const writers = await startWriters(settings, items, 46);
    const abort = new AbortController();
    const cancelled = await counted(writers, () =>
      job({
        signal: abort.signal,
        observer: {
          onThroughput: (_, totals) => {
            const moved = totals.find((n) => n.role === 'target')?.keys ?? 0;
            if (moved > 200) abort.abort(new Error('operator cancelled'));
          },
        },
      }).run(),
    );
    const summary = cancelled.result;
    assert.equal(summary.cancelled, true);
    assert.equal(summary.isComplete, false);
    assert.equal(summary.tagWritten, false);
    assert.ok(summary.done < summary.vbuckets, 'cancelled before the end');
    const rerun = await counted(writers, () => job().run());
    const stats = await stopWriters(writers);
    assert.equal(stats.errors, 0, stats.firstError);
    assertComplete(rerun.result, 'rerun');
    const check = await checkAfterResize(settings, items, writers);
    assertNewest(t, check);
    figures('cancel and rerun', cancelled.writes + rerun.writes, check, 1);
  });

  it('paused mid-run under writers: nothing reaches the target from the resync meanwhile', async (t) => {
    const items = await seedResize(settings, 47, KEYS, VALUE_BYTES);
    // The target's cmd_set counts the writers' sets too: count those on our side.
    let writerSetsOnTarget = 0;
    const countingConnect: NodeConnector = async (node, purpose) => {
      const client = await directConnector({ timeoutMs: 2000, connectTimeoutMs: 2000 })(
        node,
        purpose,
      );
      if (node !== target) return client;
      const set = client.set.bind(client);
      client.set = async (...args) => {
        const outcome = await set(...args);
        writerSetsOnTarget++;
        return outcome;
      };
      return client;
    };
    const writers = await startWriters(settings, items, 47, { connect: countingConnect });
    let movedNow = 0;
    const resync = job({
      observer: {
        onThroughput: (_, totals) => {
          movedNow = totals.find((n) => n.role === 'target')?.keys ?? 0;
        },
      },
    });
    const running = counted(writers, () => resync.run());
    await until(() => movedNow > 200, 10_000, 'the resync to move keys');
    // Once pause() resolves, the resync's writes under way are in.
    await resync.pause();
    const setsBefore = await targetSets(target);
    const writerSetsBefore = writerSetsOnTarget;
    // The moved count is sampled once a second: take it after the first sample of the pause.
    await pause(1100);
    const movedAtPause = movedNow;
    await pause(PAUSE_MS - 1100);
    const setsDuring = (await targetSets(target)) - setsBefore;
    const writerSetsDuring = writerSetsOnTarget - writerSetsBefore;
    const movedDuring = movedNow - movedAtPause;
    resync.resume();
    const { result: summary, writes } = await running;
    const stats = await stopWriters(writers);
    t.diagnostic(
      `while paused: target sets ${setsDuring}, of them by the writers ${writerSetsDuring}; ` +
        `keys moved by the resync ${movedDuring}; paused ${summary.pausedMs ?? 0} ms`,
    );
    assert.equal(stats.errors, 0, stats.firstError);
    assert.ok(writerSetsDuring > 50, 'the writers wrote to the target while the resync was paused');
    // A set of a writer may be counted by memcached before its reply reaches us, at either end of
    // the pause: at most one per writer. A resync batch here is 32 keys.
    assert.ok(
      Math.abs(setsDuring - writerSetsDuring) <= 8,
      `the target took ${setsDuring - writerSetsDuring} sets from other than the writers`,
    );
    assert.equal(movedDuring, 0);
    assert.ok((summary.pausedMs ?? 0) >= PAUSE_MS);
    assertComplete(summary, 'resync');
    const check = await checkAfterResize(settings, items, writers);
    assertNewest(t, check);
    figures('pause and resume', writes, check, 1);
  });

  it('the SSH connection dropped mid-resync under writers: it reconnects and completes', async (t) => {
    const keys = makeClientKeys();
    const sshd = await startSshd(keys);
    const { profile, remove } = profileThroughSshd(
      sshd,
      keys,
      cluster.addresses,
      'faults.profile.json',
    );
    const viaSsh = profileConnector(profile, {
      timeoutMs: DEADLINE_MS,
      sshConfig: new SSHConfig(),
      ssh: { prompts: NO_PROMPTS, agentSocket: '' },
    });
    try {
      const items = await seedResize(settings, 48, KEYS, VALUE_BYTES);
      // The writers talk to memcached directly: only the resync's SSH connection drops.
      const writers = await startWriters(settings, items, 48);
      const notices: string[] = [];
      let dropped: number[] | undefined;
      const { result: summary, writes } = await counted(writers, () =>
        job({
          connect: viaSsh.connect,
          observer: {
            onNotice: (message) => notices.push(message),
            onThroughput: (_, totals) => {
              const moved = totals.find((n) => n.role === 'target')?.keys ?? 0;
              if (dropped === undefined && moved > 100) dropped = dropConnections(sshd.pid);
            },
          },
        }).run(),
      );
      const stats = await stopWriters(writers);
      assert.ok(dropped !== undefined && dropped.length > 0, 'an SSH connection was dropped');
      t.diagnostic(
        `sshd connection processes killed: ${dropped.length}; notices:\n${notices.join('\n')}`,
      );
      assert.equal(stats.errors, 0, stats.firstError);
      assert.ok(
        notices.some((m) => /unfinished vbuckets again/.test(m)),
        notices.join('\n'),
      );
      assertComplete(summary, 'resync');
      const check = await checkAfterResize(settings, items, writers);
      assertNewest(t, check);
      figures('SSH connection dropped', writes, check, 1);
    } finally {
      viaSsh.close();
      await sshd.stop();
      remove();
    }
  });

  // Issue 16, item 11: a blip between the console and the joining node, twice, with batches in
  // flight. Every source's stream meets it; each waits, reconnects and streams its unfinished
  // vbuckets again (the inject rule makes a repeat harmless) instead of failing them all.
  async function targetCutTwice(
    t: TestContext,
    seedNumber: number,
    proxy: TcpForwarder,
    connectVia: NodeConnector,
    name: string,
  ): Promise<void> {
    const items = await seedResize(settings, seedNumber, KEYS, VALUE_BYTES);
    const writers = await startWriters(settings, items, seedNumber);
    const notices: string[] = [];
    const cuts: number[] = [];
    const { result: summary, writes } = await counted(writers, () =>
      job({
        connect: connectVia,
        observer: {
          onNotice: (message) => notices.push(message),
          onThroughput: (_, totals) => {
            const moved = totals.find((n) => n.role === 'target')?.keys ?? 0;
            if (cuts.length < 2 && moved > 150 * (cuts.length + 1)) cuts.push(proxy.cutAll());
          },
        },
      }).run(),
    );
    const stats = await stopWriters(writers);
    t.diagnostic(
      `connections to the target cut: ${cuts.join(', ')}; notices:\n${notices.join('\n')}`,
    );
    assert.equal(cuts.length, 2, 'the target was cut off twice while it was filled');
    assert.ok(
      cuts.every((count) => count > 0),
      'each cut closed open connections',
    );
    assert.equal(stats.errors, 0, stats.firstError);
    assert.ok(
      notices.some((m) => /unfinished vbuckets again/.test(m)),
      notices.join('\n'),
    );
    assertComplete(summary, 'resync');
    assert.deepEqual(summary.failed, [], 'no vbucket failed for the blips');
    const check = await checkAfterResize(settings, items, writers);
    assertNewest(t, check);
    figures(name, writes, check, 2);
  }

  it('the target’s connections cut twice mid-stream under writers: it reconnects and completes', async (t) => {
    const proxy = await startTcpForwarder(target);
    const options = { timeoutMs: DEADLINE_MS, connectTimeoutMs: DEADLINE_MS };
    const throughProxy: NodeConnector = (node, purpose) =>
      node === target ? connectDirectClient(node, proxy.address, options) : connect(node, purpose);
    try {
      await targetCutTwice(t, 49, proxy, throughProxy, 'target connections cut (direct)');
    } finally {
      await proxy.close();
    }
  });

  it('the target lost for good mid-stream: the run fails naming it once the attempts run out', async (t) => {
    const proxy = await startTcpForwarder(target);
    const options = { timeoutMs: DEADLINE_MS, connectTimeoutMs: DEADLINE_MS };
    const throughProxy: NodeConnector = (node, purpose) =>
      node === target ? connectDirectClient(node, proxy.address, options) : connect(node, purpose);
    try {
      await seedResize(settings, 51, KEYS, VALUE_BYTES);
      const notices: string[] = [];
      let lost: Promise<void> | undefined;
      const summary = await job({
        connect: throughProxy,
        observer: {
          onNotice: (message) => notices.push(message),
          onThroughput: (_, totals) => {
            const moved = totals.find((n) => n.role === 'target')?.keys ?? 0;
            // Nothing listens at the proxy's address any more: every reconnect is refused.
            if (lost === undefined && moved > 150) lost = proxy.close();
          },
        },
      }).run();
      assert.ok(lost !== undefined, 'the target was lost while it was filled');
      t.diagnostic(`error: ${summary.error?.message}; retries: ${notices.length}`);
      assert.equal(summary.isComplete, false);
      assert.equal(summary.tagWritten, false);
      assert.match(summary.error?.message ?? '', new RegExp(target.replaceAll('.', '\\.')));
      assert.ok(
        notices.some((m) => /attempt 4 of 4/.test(m)),
        `it tried every attempt first:\n${notices.join('\n')}`,
      );
    } finally {
      await proxy.close();
    }
  });

  it('the target’s SSH tunnel cut twice mid-stream under writers: it reconnects and completes', async (t) => {
    const proxy = await startTcpForwarder(target);
    const keys = makeClientKeys();
    const sshd = await startSshd(keys);
    // The tunnel to the target ends at the proxy: cutting it closes that tunnel's channel only,
    // while the SSH connection and the sources' tunnels stay up.
    const { profile, remove } = profileThroughSshd(
      sshd,
      keys,
      cluster.addresses,
      'target-cut.profile.json',
      (node) => (node === target ? proxy.address : node),
    );
    const viaSsh = profileConnector(profile, {
      timeoutMs: DEADLINE_MS,
      sshConfig: new SSHConfig(),
      ssh: { prompts: NO_PROMPTS, agentSocket: '' },
    });
    try {
      await targetCutTwice(t, 50, proxy, viaSsh.connect, 'target SSH tunnel cut');
    } finally {
      viaSsh.close();
      await sshd.stop();
      await proxy.close();
      remove();
    }
  });
});

async function targetSets(target: string): Promise<number> {
  const client = await directConnector({ timeoutMs: 2000 })(target, 'test');
  try {
    return Number((await client.stats()).get('cmd_set'));
  } finally {
    client.close();
  }
}

/**
 * Kills the processes sshd forked for its open connections (not sshd itself, which goes on
 * listening), as a dropped link would end them; returns their pids.
 */
function dropConnections(sshdPid: number): number[] {
  const children = readFileSync(`/proc/${sshdPid}/task/${sshdPid}/children`, 'utf8')
    .split(' ')
    .filter((pid) => pid.trim() !== '')
    .map(Number);
  for (const pid of children) process.kill(pid, 'SIGKILL');
  return children;
}
