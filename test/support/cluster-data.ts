/**
 * Data sets for resync tests, written and checked the way Clearwater's clients use the cluster:
 * each write goes to every server of the key's vbucket write set, with the writer's time in the
 * client flags. Everything is deterministic from a seed, so a failure can be replayed.
 */
import assert from 'node:assert/strict';
import type { ClusterSettings } from '../../core/cluster/cluster-settings.js';
import { computeStoreView, type StoreView } from '../../core/cluster/store-view.js';
import { vbucketOfKey } from '../../core/cluster/vbucket-hash.js';
import type { SetRequest } from '../../core/memcached/client.js';
import type { BinaryClient } from '../../core/memcached/binary-client.js';
import { BINARY_NOOP, encodeSimple } from '../../core/memcached/binary-encode.js';
import { MORE } from '../../core/memcached/connection.js';
import { Opcode } from '../../core/memcached/binary-protocol.js';
import type { NodeClient } from '../../core/memcached/node-client.js';
import { directConnector, type NodeConnector } from '../../core/transport/node-connector.js';

export interface TestItem {
  readonly key: Buffer;
  readonly value: Buffer;
  /** Writer timestamp (client flags). */
  readonly stamp: number;
  /** memcached exptime as written: 0 never, <= 30 days relative, else absolute. */
  readonly exptime: number;
}

export interface DatasetOptions {
  readonly seed: number;
  readonly count: number;
  /** Include binary keys, UTF-8 keys and 250-byte keys. */
  readonly awkwardKeys?: boolean;
  /** Value sizes are drawn from these, cycling. */
  readonly valueSizes?: readonly number[];
  /** Give some items TTLs (one hour, and 40 days as an absolute time). */
  readonly ttls?: boolean;
  /** Every this many items, a value of just under 1 MB (memcached needs -I 2m). */
  readonly largeEvery?: number;
}

/** A small fast PRNG (mulberry32): deterministic data from a seed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const BASE_STAMP = 1_000_000;
const FORTY_DAYS = 40 * 24 * 3600;

export function makeDataset(options: DatasetOptions): TestItem[] {
  const next = random(options.seed);
  const sizes = options.valueSizes ?? [0, 10, 100, 700, 2000, 4096];
  const items: TestItem[] = [];
  const nowUnix = Math.floor(Date.now() / 1000);
  for (let i = 0; i < options.count; i++) {
    let key: Buffer;
    const kind = options.awkwardKeys === true ? i % 10 : 0;
    if (kind === 1) {
      key = Buffer.from([0x62, 0x00, 0x20, 0x0d, 0x0a, 0xff, ...Buffer.from(String(i))]); // binary
    } else if (kind === 2) {
      key = Buffer.from(`régistre\\\\clé-${i}-✓`, 'utf8');
    } else if (kind === 3 && i % 100 === 3) {
      key = Buffer.from(`long\\\\${i}-`.padEnd(250, 'x'), 'latin1');
    } else {
      key = Buffer.from(`impi\\\\user${i}@example.com`, 'latin1');
    }
    const isLarge = options.largeEvery !== undefined && i % options.largeEvery === 0;
    const size = isLarge ? 1024 * 1024 - 512 : (sizes[i % sizes.length] as number);
    const value = Buffer.alloc(size);
    for (let b = 0; b < size; b++) value[b] = (next() * 256) | 0;
    let exptime = 0;
    if (options.ttls === true && i % 7 === 1) exptime = 3600;
    if (options.ttls === true && i % 7 === 2) exptime = nowUnix + FORTY_DAYS;
    items.push({ key, value, stamp: BASE_STAMP + i, exptime });
  }
  return items;
}

/** Clients to every node, opened once and closed together. */
export class ClusterClients {
  private readonly clients = new Map<string, Promise<NodeClient>>();

  constructor(private readonly connect: NodeConnector = directConnector()) {}

  get(node: string): Promise<NodeClient> {
    let client = this.clients.get(node);
    if (client === undefined) {
      client = this.connect(node, 'test');
      this.clients.set(node, client);
    }
    return client;
  }

  async close(): Promise<void> {
    for (const client of await Promise.allSettled(this.clients.values())) {
      if (client.status === 'fulfilled') client.value.close();
    }
    this.clients.clear();
  }
}

/** Writes each item to every server of its vbucket's write set, as a Clearwater client would. */
export async function writeThroughView(
  view: StoreView,
  items: readonly TestItem[],
  clients: ClusterClients,
): Promise<void> {
  const perNode = new Map<string, SetRequest[]>();
  for (const item of items) {
    const vbucket = view.vbuckets[vbucketOfKey(item.key, view.vbuckets.length)];
    assert.ok(vbucket);
    for (const node of vbucket.writeSet) {
      const list = perNode.get(node) ?? [];
      list.push({
        key: item.key,
        value: item.value,
        options: { clientFlags: item.stamp, exptime: item.exptime, mode: 'set' },
      });
      perNode.set(node, list);
    }
  }
  await Promise.all(
    [...perNode].map(async ([node, requests]) => {
      const client = await clients.get(node);
      for (let i = 0; i < requests.length; i += 500) {
        const failures = await client.setManyQuiet(requests.slice(i, i + 500));
        assert.equal(failures.size, 0, `seeding ${node}`);
      }
    }),
  );
}

export interface PlacementReport {
  readonly checked: number;
  readonly wrong: readonly string[];
}

/**
 * Checks that every node that must hold each item (its new replicas, or current ones when no
 * resize is in progress), other than `skipNodes`, holds exactly the expected newest version.
 */
export async function checkPlacement(
  settings: ClusterSettings,
  expected: readonly TestItem[],
  clients: ClusterClients,
  skipNodes: readonly string[] = [],
): Promise<PlacementReport> {
  const view = computeStoreView(settings);
  const perNode = new Map<string, TestItem[]>();
  for (const item of expected) {
    const vbucket = view.vbuckets[vbucketOfKey(item.key, view.vbuckets.length)];
    assert.ok(vbucket);
    for (const node of new Set(vbucket.newReplicas ?? vbucket.currentReplicas)) {
      if (skipNodes.includes(node)) continue;
      const list = perNode.get(node) ?? [];
      list.push(item);
      perNode.set(node, list);
    }
  }
  const wrong: string[] = [];
  let checked = 0;
  for (const [node, items] of perNode) {
    const client = await clients.get(node);
    const ttls = await ttlsOn(
      clients,
      node,
      items.map((item) => item.key),
    );
    for (let i = 0; i < items.length; i += 500) {
      const slice = items.slice(i, i + 500);
      const found = await client.getMany(
        slice.map((item) => item.key),
        { value: true, clientFlags: true },
      );
      slice.forEach((item, index) => {
        checked++;
        const fetched = found[index];
        const copy =
          fetched === undefined
            ? undefined
            : { ...fetched, ttl: ttls.get(item.key.toString('hex')) };
        const name = `${node} ${JSON.stringify(item.key.toString('latin1').slice(0, 40))}`;
        if (copy === undefined) wrong.push(`${name}: missing`);
        else if (copy.clientFlags !== item.stamp)
          wrong.push(`${name}: stamp ${copy.clientFlags} != ${item.stamp}`);
        else if (!copy.value?.equals(item.value)) wrong.push(`${name}: value differs`);
        else if (item.exptime === 0 && copy.ttl !== -1)
          wrong.push(`${name}: ttl ${copy.ttl}, expected none`);
        else if (item.exptime !== 0 && !isTtlAbout(copy.ttl, item.exptime))
          wrong.push(`${name}: ttl ${copy.ttl}, written with exptime ${item.exptime}`);
      });
    }
  }
  return { checked, wrong };
}

/**
 * Whether a copy's remaining TTL fits the exptime its original was written with: no longer than
 * written, and not more than a few minutes shorter (the time a test takes). An exptime over 30
 * days is an absolute time.
 */
function isTtlAbout(ttl: number | undefined, exptime: number): boolean {
  if (ttl === undefined || ttl <= 0) return false;
  const written = exptime > 30 * 24 * 3600 ? exptime - Math.floor(Date.now() / 1000) : exptime;
  return ttl <= written + 2 && ttl >= written - 300;
}

/** A test's cluster before a resize: `nodes` emptied, then `items` written through `servers`. */
export async function seedCluster(
  clients: ClusterClients,
  nodes: readonly string[],
  servers: readonly string[],
  items: readonly TestItem[],
): Promise<void> {
  await flushAll(clients, nodes);
  await writeThroughView(computeStoreView({ servers, newServers: [] }), items, clients);
}

/** Empties every node (a test's fresh start; Astaire itself never flushes anything). */
export async function flushAll(clients: ClusterClients, nodes: readonly string[]): Promise<void> {
  await Promise.all(
    nodes.map(async (node) => {
      const client = await clients.get(node);
      if (client.dialect === 'clearwater') {
        await emptyClearwaterNode(client);
        return;
      }
      await client.connection.request('flush_all', Buffer.from('flush_all\r\n'), (reply) => {
        assert.equal(reply.kind, 'ok', `flush_all on ${node}`);
        return undefined;
      });
    }),
  );
}

/**
 * Empties a node of Clearwater's memcached. Not with a flush: the fork's TAP dumps still send
 * flushed items (and Astaire would copy them). Every item its dump lists is deleted instead.
 */
async function emptyClearwaterNode(client: BinaryClient): Promise<void> {
  const dumper = new ClusterClients();
  try {
    const keys: Buffer[] = [];
    await ((await dumper.get(client.node)) as BinaryClient).tapDump([], (item) => {
      keys.push(Buffer.from(item.key));
    });
    for (let i = 0; i < keys.length; i += 500) {
      const deletes = keys.slice(i, i + 500).map((key) => encodeSimple(Opcode.DELETEQ, key));
      await client.connection.request('delete (batch)', [...deletes, BINARY_NOOP], (packet) =>
        packet.kind === 'response' && packet.opcode === Opcode.NOOP ? undefined : MORE,
      );
    }
  } finally {
    await dumper.close();
  }
}

/**
 * The remaining TTL of each item on a node, by key (hex): -1 for none. Clearwater's memcached
 * tells a TTL only in a TAP dump (its binary GET does not), so its items are dumped; stock
 * memcached's are read with meta gets.
 */
export async function ttlsOn(
  clients: ClusterClients,
  node: string,
  keys: readonly Buffer[],
): Promise<Map<string, number | undefined>> {
  const client = await clients.get(node);
  const ttls = new Map<string, number | undefined>();
  if (client.dialect === 'stock') {
    for (let i = 0; i < keys.length; i += 500) {
      const slice = keys.slice(i, i + 500);
      const found = await client.getMany(slice, { ttl: true });
      slice.forEach((key, index) => ttls.set(key.toString('hex'), found[index]?.ttl));
    }
    return ttls;
  }
  // A TAP dump ends its connection: it gets one of its own.
  const dumper = new ClusterClients();
  try {
    const nowS = Math.floor(Date.now() / 1000);
    await ((await dumper.get(node)) as BinaryClient).tapDump([], (item) => {
      ttls.set(item.key.toString('hex'), item.expiration === 0 ? -1 : item.expiration - nowS);
    });
  } finally {
    await dumper.close();
  }
  return ttls;
}
