/**
 * Resync throughput against real memcached: a 3 -> 4 resize of a deterministic data set, the new
 * node filled by our resync, next to figures measured in the same run on the same data:
 *  - the ceiling: (a) the fresh target's own ingest rate for the same keys sent as a deep pipeline
 *    of quiet sets, and (b) the sources' own dump-and-fetch rate for those keys;
 *  - the original algorithm: one key at a time, fetch, then a get on the target, then an add or
 *    replace, waiting for each reply;
 *  - the same resync with every node behind one SSH server (tunnels sharing one connection).
 * Every measurement that writes the target starts on a freshly started (empty, untouched) target,
 * as a joining node is. Server settings are left at their defaults. Prints figures; asserts nothing.
 *
 * Usage: node dist/test/bench/resync-bench.js [--keys N] [--profile small|large|both] [--original-keys N]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { computeStoreView } from '../../core/cluster/store-view.js';
import { isNewerStamp } from '../../core/resync/timestamp.js';
import { forEachDumpBatch } from '../../core/resync/dump-batches.js';
import { startCluster } from '../support/memcached-process.js';
import {
  PROFILES,
  connect,
  fmt,
  load,
  measureIngest,
  perSecond,
  runOurs,
  type Figures,
  type OursFigures,
  type Profile,
} from './bench-common.js';
import {
  knownHostsEntry,
  makeClientKeys,
  sshAccessTo,
  startSshd,
} from '../support/sshd-process.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { values: args } = parseArgs({
  options: {
    keys: { type: 'string', default: '1000000' },
    profile: { type: 'string', default: 'both' },
    'original-keys': { type: 'string', default: '20000' },
  },
});
const KEYS = Number(args.keys);
const ORIGINAL_KEYS = Number(args['original-keys']);

/** (b) The sources' dump-and-fetch rate for the wanted keys, all sources at once. */
async function measureDumpAndFetch(
  servers: string[],
  target: string,
  newServers: string[],
): Promise<Figures> {
  const resize = computeStoreView({ servers, newServers });
  const started = performance.now();
  let keys = 0;
  let bytes = 0;
  await Promise.all(
    servers.map(async (source) => {
      const wanted = new Set(
        resize.vbuckets
          .filter(
            (v) =>
              v.newReplicas?.includes(target) === true &&
              !v.currentReplicas.includes(target) &&
              v.currentReplicas[0] === source,
          )
          .map((v) => v.id),
      );
      const dump = await connect(source, 'dump');
      const fetch = await connect(source, 'fetch');
      await forEachDumpBatch({
        dump,
        confirmDumpEnd: () => Promise.resolve(),
        vbucketCount: 128,
        isWanted: (v) => wanted.has(v),
        batchSize: 256,
        batchesInFlight: 8,
        crawlerBusyTimeoutMs: 60_000,
        signal: new AbortController().signal,
        processBatch: async (batch) => {
          const found = await fetch.getMany(
            batch.map((b) => b.key),
            { value: true, clientFlags: true, ttl: true },
          );
          for (const item of found) {
            if (item?.value === undefined) continue;
            keys++;
            bytes += item.value.length;
          }
        },
      });
      dump.close();
      fetch.close();
    }),
  );
  return { keys, bytes, ms: performance.now() - started };
}

/** The original algorithm, one key at a time, each step waiting for its reply. */
async function measureOriginal(
  servers: string[],
  target: string,
  wanted: Buffer[],
): Promise<Figures> {
  const sources = await Promise.all(servers.map((s) => connect(s, 'original')));
  const client = await connect(target, 'original');
  const sample = wanted.slice(0, ORIGINAL_KEYS);
  let bytes = 0;
  const started = performance.now();
  for (const key of sample) {
    let item;
    for (const source of sources) {
      item = await source.get(key, { value: true, clientFlags: true, ttl: true });
      if (item !== undefined) break;
    }
    if (item?.value === undefined) continue;
    const there = await client.get(key, { clientFlags: true, cas: true });
    const exptime = item.ttl === -1 ? 0 : (item.ttl ?? 0);
    if (there === undefined) {
      await client.set(key, item.value, {
        clientFlags: item.clientFlags ?? 0,
        exptime,
        mode: 'add',
      });
    } else if (
      isNewerStamp(item.clientFlags ?? 0, there.clientFlags ?? 0) &&
      there.cas !== undefined
    ) {
      await client.set(key, item.value, {
        clientFlags: item.clientFlags ?? 0,
        exptime,
        mode: 'set',
        cas: there.cas,
      });
    }
    bytes += item.value.length;
  }
  const ms = performance.now() - started;
  sources.forEach((s) => s.close());
  client.close();
  return { keys: sample.length, bytes, ms };
}

async function runThroughSsh(
  servers: string[],
  newServers: string[],
  target: string,
): Promise<OursFigures> {
  const keys = makeClientKeys();
  const sshd = await startSshd(keys);
  try {
    const dir = mkdtempSync(join(tmpdir(), 'astaire-bench-ssh-'));
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, `${knownHostsEntry(sshd)}\n`);
    const profile = join(dir, 'profile.json');
    const via = sshAccessTo(sshd, keys);
    writeFileSync(
      profile,
      JSON.stringify({
        knownHostsFile: knownHosts,
        nodes: Object.fromEntries(newServers.map((node) => [node, { ...via, memcached: node }])),
      }),
    );
    const figures = await runOurs(servers, newServers, target, profile);
    if (!figures.isComplete)
      throw new Error(`the resync through SSH did not complete: ${figures.why ?? '?'}`);
    return figures;
  } finally {
    await sshd.stop();
  }
}

async function benchProfile(profile: Profile, count: number, withBaselines: boolean) {
  const cluster = await startCluster(4, { memoryMb: profile.memoryMb });
  try {
    const target = cluster.nodes[3];
    if (target === undefined) throw new Error('no target');
    const t0 = performance.now();
    const data = await load(cluster.addresses, profile, count);
    console.log(
      `\n${profile.name}, ${fmt(count)} keys (${fmt(data.bytes / 1e6, 1)} MB); the new node must receive ` +
        `${fmt(data.wanted.length)} keys (${fmt(data.wantedBytes / 1e6, 1)} MB); loaded in ${fmt((performance.now() - t0) / 1000, 1)} s`,
    );
    const rows: [string, Figures, string][] = [];
    let ceiling = Infinity;
    if (withBaselines) {
      await target.restart();
      const ingest = await measureIngest(data.servers, target.address, data.wanted);
      rows.push(['ceiling (a): fresh target ingest, quiet set pipeline', ingest, '']);
      const dump = await measureDumpAndFetch(data.servers, target.address, data.newServers);
      rows.push(['ceiling (b): sources dump + fetch, in parallel', dump, '']);
      ceiling = Math.min(perSecond(ingest).keys, perSecond(dump).keys);
    }
    await target.restart();
    const ours = await runOurs(data.servers, data.newServers, target.address);
    if (!ours.isComplete) throw new Error(`the resync did not complete: ${ours.why ?? '?'}`);
    const firstPass: Figures = { keys: ours.keys, bytes: ours.bytes, ms: ours.firstPassMs };
    rows.push([`astaire resync, first pass only`, firstPass, '']);
    rows.push([
      `astaire resync, all ${ours.passes / 3} passes (confirmed)`,
      ours,
      `peak RSS ${fmt(ours.maxRssKb / 1024)} MB`,
    ]);
    if (withBaselines) {
      // The same resync with every node behind one SSH server: all tunnels share one connection.
      await target.restart();
      const viaSsh = await runThroughSsh(data.servers, data.newServers, target.address);
      rows.push([
        `astaire resync through one SSH tunnel host (all passes)`,
        viaSsh,
        `${fmt(perSecond(viaSsh).keys / perSecond(ours).keys, 2)}x direct`,
      ]);
      await target.restart();
      const original = await measureOriginal(data.servers, target.address, data.wanted);
      rows.push([
        `original algorithm, one key at a time (${fmt(original.keys)} keys)`,
        original,
        '',
      ]);
    }
    for (const [label, figures, note] of rows) {
      const rate = perSecond(figures);
      const share = Number.isFinite(ceiling) ? `  ${fmt(rate.keys / ceiling, 2)}x ceiling` : '';
      console.log(
        `  ${label.padEnd(62)} ${fmt(rate.keys).padStart(9)} keys/s ${fmt(rate.mb, 1).padStart(7)} MB/s${share}  ${note}`,
      );
    }
    return ours;
  } finally {
    await cluster.stop();
  }
}

console.log(
  `resync benchmark: node ${process.version}, 3 -> 4 resize on loopback, memcached defaults`,
);
const profiles = args.profile === 'both' ? ['small', 'large'] : [args.profile ?? 'small'];
for (const name of profiles) {
  const profile = PROFILES[name];
  if (profile === undefined) throw new Error(`unknown profile ${name}`);
  await benchProfile(profile, KEYS, true);
}
if (KEYS > 100_000) {
  const small = await benchProfile(PROFILES.small as Profile, 100_000, false);
  console.log(
    `\nmemory: peak RSS of the resync process with 100,000 keys: ${fmt(small.maxRssKb / 1024)} MB (compare the ${fmt(KEYS)}-key runs above)`,
  );
}
