/**
 * What the resync benchmarks share: the value profiles, loading a data set through a 3 -> 4
 * resize's old view, the target's own ingest rate, and running one resync in a child process
 * (so its peak memory is its own).
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { computeStoreView } from '../../core/cluster/store-view.js';
import { vbucketOfKey } from '../../core/cluster/vbucket-hash.js';
import type { SetRequest } from '../../core/memcached/client.js';
import type { NodeClient } from '../../core/memcached/node-client.js';
import { directConnector } from '../../core/transport/node-connector.js';
import { random } from '../support/cluster-data.js';
import { REPO_ROOT } from '../support/repo-paths.js';

export const connect = directConnector({ timeoutMs: 60_000 });

export interface Profile {
  readonly name: string;
  readonly sizeOf: (next: () => number) => number;
  readonly memoryMb: number;
}

export const PROFILES: Record<string, Profile> = {
  small: { name: '100 B values', sizeOf: () => 100, memoryMb: 1024 },
  large: {
    name: '1-4 KB values',
    sizeOf: (next) => 1024 + Math.floor(next() * 3073),
    memoryMb: 3584,
  },
};

export const keyOf = (i: number) => Buffer.from(`impi\\\\bench-user-${i}@example.com`, 'latin1');

export interface Figures {
  readonly keys: number;
  readonly bytes: number;
  readonly ms: number;
}
export const perSecond = (f: Figures) => ({
  keys: (f.keys * 1000) / f.ms,
  mb: (f.bytes * 1000) / f.ms / 1e6,
});

/**
 * Loads `count` keys through the view of `nodes`' first three (each written to its replicas), and
 * lists the keys a fourth node, `nodes[3]`, must receive in a 3 -> 4 resize.
 */
export async function load(nodes: readonly string[], profile: Profile, count: number) {
  const n = [...nodes];
  const servers = n.slice(0, 3);
  const view = computeStoreView({ servers, newServers: [] });
  const resize = computeStoreView({ servers, newServers: n });
  const target = n[3] as string;
  const next = random(42);
  const perNode = new Map<string, SetRequest[]>(servers.map((s) => [s, []]));
  const wanted: Buffer[] = [];
  const clients = await Promise.all(servers.map((s) => connect(s, 'load')));
  let bytes = 0;
  let wantedBytes = 0;
  const flush = async (force: boolean) => {
    await Promise.all(
      servers.map(async (node, i) => {
        const list = perNode.get(node) as SetRequest[];
        if (list.length < 2000 && !force) return;
        perNode.set(node, []);
        const failures = await (clients[i] as NodeClient).setManyQuiet(list);
        if (failures.size > 0) throw new Error(`loading ${node}: ${failures.size} sets refused`);
      }),
    );
  };
  for (let i = 0; i < count; i++) {
    const key = keyOf(i);
    const value = Buffer.alloc(profile.sizeOf(next), i & 0xff);
    const vbucket = vbucketOfKey(key);
    for (const node of new Set(view.vbuckets[vbucket]?.currentReplicas)) {
      (perNode.get(node) as SetRequest[]).push({
        key,
        value,
        options: { clientFlags: 1000 + i, exptime: 0, mode: 'set' },
      });
    }
    bytes += value.length;
    const future = resize.vbuckets[vbucket];
    if (
      future?.newReplicas?.includes(target) === true &&
      !future.currentReplicas.includes(target)
    ) {
      wanted.push(key);
      wantedBytes += value.length;
    }
    if (i % 2000 === 1999) await flush(false);
  }
  await flush(true);
  clients.forEach((c) => c.close());
  return { servers, newServers: n, target, wanted, bytes, wantedBytes };
}

/** (a) The fresh target's ingest: the wanted keys as a deep pipeline of quiet sets. */
export async function measureIngest(
  sources: string[],
  target: string,
  wanted: Buffer[],
): Promise<Figures> {
  // Values are fetched first, outside the timing, so that only the target's ingest is measured.
  const fetchClient = await connect(sources[0] as string, 'fetch');
  const reader = await Promise.all(sources.map((s) => connect(s, 'fetch')));
  const items: SetRequest[] = [];
  let bytes = 0;
  for (let i = 0; i < wanted.length; i += 1000) {
    const keys = wanted.slice(i, i + 1000);
    const found = await Promise.all(
      reader.map((c) => c.getMany(keys, { value: true, clientFlags: true })),
    );
    keys.forEach((key, k) => {
      const hit = found.map((f) => f[k]).find((x) => x !== undefined);
      if (hit?.value === undefined) return;
      items.push({
        key,
        value: hit.value,
        options: { clientFlags: hit.clientFlags ?? 0, exptime: 0, mode: 'set' },
      });
      bytes += hit.value.length;
    });
  }
  fetchClient.close();
  reader.forEach((c) => c.close());
  const client = await connect(target, 'ingest');
  const started = performance.now();
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < items.length; i += 1000) {
    inFlight.push(client.setManyQuiet(items.slice(i, i + 1000)));
    if (inFlight.length >= 16) await inFlight.shift();
  }
  await Promise.all(inFlight);
  const ms = performance.now() - started;
  client.close();
  return { keys: items.length, bytes, ms };
}

export interface OursFigures extends Figures {
  readonly firstPassMs: number;
  readonly passes: number;
  readonly maxRssKb: number;
  readonly isComplete: boolean;
  readonly why?: string;
}

export function runOurs(
  servers: string[],
  newServers: string[],
  target: string,
  profile?: string,
): Promise<OursFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        `${REPO_ROOT}/dist/test/bench/resync-child.js`,
        JSON.stringify({
          target,
          servers,
          newServers,
          ...(profile === undefined ? {} : { profile }),
        }),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) =>
      status === 0
        ? resolve(JSON.parse(out) as OursFigures)
        : reject(new Error(`resync child exited ${status}`)),
    );
  });
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
