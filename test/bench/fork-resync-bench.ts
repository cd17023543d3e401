/**
 * Resync throughput from Clearwater's memcached (the fork, TAP dumps): a 3 -> 4 resize whose three
 * sources run the fork, the new node filled once as a fork node and once as a stock memcached,
 * beside the physical limits measured in the same run on the same data:
 *  - the sources' bare TAP dumps, all three at once, read and decoded and nothing else (a resync
 *    must dump a source whole: the fork sends every item whatever vbuckets are asked for);
 *  - the fresh target's own ingest of the keys it must receive, as a deep pipeline of quiet sets.
 * Needs a build of the fork (ASTAIRE_CLEARWATER_MEMCACHED=<install prefix>); says so and stops
 * without one. Prints figures; asserts nothing.
 *
 * Usage: node dist/test/bench/fork-resync-bench.js [--keys N] [--profile small|large|both]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { BinaryClient } from '../../core/memcached/binary-client.js';
import { CLEARWATER_PREFIX, startMemcached } from '../support/memcached-process.js';
import {
  PROFILES,
  connect,
  fmt,
  load,
  measureIngest,
  perSecond,
  runOurs,
  type Figures,
  type Profile,
} from './bench-common.js';

const { values: args } = parseArgs({
  options: {
    keys: { type: 'string', default: '400000' },
    profile: { type: 'string', default: 'both' },
  },
});

/** All sources' TAP dumps at once, decoded and dropped; the wanted keys per second of it. */
async function measureTapDumps(sources: readonly string[], wanted: number): Promise<Figures> {
  const started = performance.now();
  let bytes = 0;
  await Promise.all(
    sources.map(async (source) => {
      const client = (await connect(source, 'bench dump')) as BinaryClient;
      await client.tapDump([], (item) => (bytes += item.value.length));
    }),
  );
  // Each key is on two of the three sources: a dump of all three reads every value twice.
  return { keys: wanted, bytes: bytes / 2, ms: performance.now() - started };
}

async function benchProfile(profile: Profile, count: number): Promise<void> {
  const start = (kind: 'clearwater' | 'stock') =>
    startMemcached({ kind, memoryMb: profile.memoryMb, engineCacheMb: profile.memoryMb });
  const nodes = await Promise.all([
    start('clearwater'),
    start('clearwater'),
    start('clearwater'),
    start('clearwater'),
    start('stock'),
  ]);
  try {
    const [s0, s1, s2, forkTarget, stockTarget] = nodes as [
      (typeof nodes)[0],
      (typeof nodes)[0],
      (typeof nodes)[0],
      (typeof nodes)[0],
      (typeof nodes)[0],
    ];
    const sources = [s0.address, s1.address, s2.address];
    const t0 = performance.now();
    const data = await load([...sources, forkTarget.address], profile, count);
    console.log(
      `\n${profile.name}, ${fmt(count)} keys (${fmt(data.bytes / 1e6, 1)} MB) on three fork nodes; ` +
        `the new node must receive ${fmt(data.wanted.length)} keys ` +
        `(${fmt(data.wantedBytes / 1e6, 1)} MB); loaded in ${fmt((performance.now() - t0) / 1000, 1)} s`,
    );
    const dump = await measureTapDumps(sources, data.wanted.length);
    const rows: [string, Figures, number][] = [];
    for (const [label, target] of [
      ['fork to fork', forkTarget],
      ['fork to stock', stockTarget],
    ] as const) {
      await target.restart();
      const ingest = await measureIngest(sources, target.address, data.wanted);
      const limit = Math.min(perSecond(dump).keys, perSecond(ingest).keys);
      await target.restart();
      const newServers = [...sources, target.address];
      const ours = await runOurs(sources, newServers, target.address);
      if (!ours.isComplete) throw new Error(`${label}: the resync did not complete: ${ours.why}`);
      rows.push([`${label}: the target's own ingest (quiet sets)`, ingest, limit]);
      rows.push([
        `${label}: astaire resync, all ${ours.passes / 3} passes (RSS ${fmt(ours.maxRssKb / 1024)} MB)`,
        ours,
        limit,
      ]);
    }
    console.log(
      `  ${'the sources\u2019 bare TAP dumps, all three at once'.padEnd(64)} ` +
        `${fmt(perSecond(dump).keys).padStart(9)} keys/s ${fmt(perSecond(dump).mb, 1).padStart(7)} MB/s`,
    );
    for (const [label, figures, limit] of rows) {
      const rate = perSecond(figures);
      console.log(
        `  ${label.padEnd(64)} ${fmt(rate.keys).padStart(9)} keys/s ${fmt(rate.mb, 1).padStart(7)} MB/s` +
          `  ${fmt(rate.keys / limit, 2)}x of the slower limit`,
      );
    }
  } finally {
    await Promise.all(nodes.map((node) => node.stop()));
  }
}

if (CLEARWATER_PREFIX === undefined) {
  console.log(
    "\nfork resync benchmark SKIPPED: set ASTAIRE_CLEARWATER_MEMCACHED to a build of Clearwater's " +
      'memcached (its install prefix) to measure resyncs from it',
  );
} else {
  console.log(
    `\nfork resync benchmark: node ${process.version}, 3 -> 4 resize on loopback, sources on ` +
      `Clearwater's memcached (${CLEARWATER_PREFIX}, -t 1)`,
  );
  const names = args.profile === 'both' ? ['small', 'large'] : [args.profile ?? 'small'];
  for (const name of names) {
    const profile = PROFILES[name];
    if (profile === undefined) throw new Error(`unknown profile ${name}`);
    await benchProfile(profile, Number(args.keys));
  }
}
