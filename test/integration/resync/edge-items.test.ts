/**
 * Keys and values at memcached's edges through a resize's resync: 250-byte keys, binary keys of
 * every byte, values as large as a default memcached (-I 1m) holds and empty ones, flags 0 and
 * 2^32-1, and TTLs at their limits, including keys that expire while a rate-limited resync streams
 * them. Every copy must be byte-identical, with its flags and no longer a life than the original.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClusterSettings } from '../../../core/cluster/cluster-settings.js';
import { computeStoreView } from '../../../core/cluster/store-view.js';
import { vbucketOfKey } from '../../../core/cluster/vbucket-hash.js';
import { toWireKey } from '../../../core/memcached/key-encoding.js';
import { ResyncJob } from '../../../core/resync/resync-engine.js';
import { directConnector } from '../../../core/transport/node-connector.js';
import {
  ClusterClients,
  flushAll,
  random,
  writeThroughView,
  type TestItem,
} from '../../support/cluster-data.js';
import { recordFigures } from '../../support/figures.js';
import { startCluster, type MemcachedCluster } from '../../support/memcached-process.js';
import { rawExchange } from '../../support/raw-memcached.js';

const connect = directConnector();

const MAX_FLAGS = 0xffff_ffff;
const THIRTY_DAYS = 30 * 24 * 3600;
const FORTY_DAYS = 40 * 24 * 3600;
// mg reports whole seconds of each memcached's clock, which lags the wall clock by up to a second:
// one tick on the source, one on the node read back, and the reads' own time.
const TTL_SLACK_S = 2.5;
// An absolute exptime is mapped onto that clock through the process's start time, which is off
// the clock's ticks by up to a second more on each of the two nodes.
const ABSOLUTE_TTL_SLACK_S = 3.5;

/** An item with the wall-clock second when it was written, to know when it expires. */
interface EdgeItem extends TestItem {
  readonly label: string;
  readonly writtenAtS: number;
}

/** The Unix second an item expires, or undefined for never (memcached's exptime rules). */
function expiresAtS(item: EdgeItem): number | undefined {
  if (item.exptime === 0) return undefined;
  return item.exptime > THIRTY_DAYS ? item.exptime : item.writtenAtS + item.exptime;
}

function nowS(): number {
  return Date.now() / 1000;
}

function bytesOf(seed: number, size: number): Buffer {
  const next = random(seed);
  const value = Buffer.alloc(size);
  for (let i = 0; i < size; i++) value[i] = (next() * 256) | 0;
  return value;
}

/**
 * The largest value memcached at `node` stores under `key` with `flags`, found by storing. The
 * limit is on the whole item (header, key, flags, value), so it depends on both.
 */
async function largestValueThatFits(node: string, key: Buffer, flags: number): Promise<number> {
  const [host, port] = node.split(':') as [string, string];
  const wire = toWireKey(key);
  assert.ok(wire, 'a storable key');
  const fits = async (size: number) => {
    const command = `ms ${wire.token} ${size} F${flags} T0${wire.isBase64 ? ' b' : ''}\r\n`;
    const reply = await rawExchange(
      host,
      Number(port),
      Buffer.concat([
        Buffer.from(command, 'latin1'),
        Buffer.alloc(size, 0x61),
        Buffer.from('\r\n'),
      ]),
      (received) => received.includes('\r\n'),
    );
    return reply.toString('latin1').startsWith('HD');
  };
  let low = 1024 * 1024 - 4096; // fits in any memcached with -I 1m
  let high = 1024 * 1024 + 1; // never fits
  assert.ok(await fits(low), `a value of ${low} bytes fits at ${node}`);
  assert.ok(!(await fits(high)), `a value of ${high} bytes is refused at ${node}`);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (await fits(middle)) low = middle;
    else high = middle;
  }
  return low;
}

/** Keys of every shape memcached accepts, text and binary. */
function edgeKeys(): { label: string; key: Buffer }[] {
  const keys: { label: string; key: Buffer }[] = [];
  for (let i = 0; i < 12; i++) {
    keys.push({
      label: `250-byte text ${i}`,
      key: Buffer.from(`edge\\\\long-${i}-`.padEnd(250, 'k')),
    });
  }
  // metadump lists these as %25 and %2B: a 250-byte key becomes a 750-character token there.
  keys.push({ label: '250 bytes of % and +', key: Buffer.from('%+'.repeat(125)) });
  const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  for (let i = 0; i < 256; i += 64) {
    keys.push({ label: `binary bytes ${i}-${i + 63}`, key: everyByte.subarray(i, i + 64) });
  }
  // 186 bytes is the longest binary key whose base64 token fits memcached's 250-byte limit.
  for (let i = 0; i < 6; i++) {
    keys.push({ label: `186-byte binary ${i}`, key: bytesOf(500 + i, 186) });
  }
  const odd: [string, Buffer][] = [
    ['NUL', Buffer.from([0x00])],
    ['space', Buffer.from([0x20])],
    ['newline', Buffer.from([0x0a])],
    ['CRLF inside', Buffer.from('a\r\nb')],
    ['0xff', Buffer.from([0xff])],
    ['DEL', Buffer.from([0x7f])],
    ['spaces', Buffer.from('a key with spaces')],
    ['tab', Buffer.from('tab\tkey')],
    ['command-like', Buffer.from('x 0 0 5\r\nset y')],
    ['UTF-8', Buffer.from('clé-✓-régistre')],
  ];
  for (const [label, key] of odd) keys.push({ label, key });
  for (let i = 0; i < 40; i++) {
    keys.push({
      label: `binary with newline ${i}`,
      key: Buffer.from(`b\x00 \r\n\xff-${i}`, 'latin1'),
    });
  }
  return keys;
}

const FLAGS = [0, MAX_FLAGS, 1, 0x7fff_ffff, 0x8000_0000];

/**
 * Items on the edge keys, with flags, TTLs and values cycled so that each shape meets each of
 * them; `large` gives some the largest value a default memcached holds.
 */
async function makeEdgeItems(probeNode: string, large: number): Promise<EdgeItem[]> {
  const keys = edgeKeys();
  const values: Buffer[] = [];
  for (const [i, { key }] of keys.entries()) {
    if (i % 3 === 0) values.push(Buffer.alloc(0));
    else if (i % 11 === 1 && large-- > 0) {
      const flags = FLAGS[i % FLAGS.length] as number;
      values.push(bytesOf(i, await largestValueThatFits(probeNode, key, flags)));
    } else values.push(bytesOf(i, 1 + ((i * 37) % 3000)));
  }
  // Taken after the probes: the caller writes the items at once.
  const writtenAtS = nowS();
  const ttls = [0, THIRTY_DAYS, Math.floor(writtenAtS) + FORTY_DAYS, 3600];
  return keys.map(({ label, key }, i) => ({
    label,
    key,
    value: values[i] as Buffer,
    stamp: FLAGS[i % FLAGS.length] as number,
    exptime: ttls[i % ttls.length] as number,
    writtenAtS,
  }));
}

/** The nodes that must hold `item` once the resize is done. */
function newReplicasOf(settings: ClusterSettings, key: Buffer): readonly string[] {
  const view = computeStoreView(settings);
  const vbucket = view.vbuckets[vbucketOfKey(key)];
  assert.ok(vbucket);
  return vbucket.newReplicas ?? vbucket.currentReplicas;
}

/**
 * Reads each item at `node` and describes every way the copy differs from what was written:
 * missing, other bytes or flags, an expiry where there was none, or a life longer (or much
 * shorter) than the original's.
 */
async function differences(
  clients: ClusterClients,
  node: string,
  items: readonly EdgeItem[],
): Promise<string[]> {
  const client = await clients.get(node);
  const copies = await client.getMany(
    items.map((item) => item.key),
    { value: true, clientFlags: true, ttl: true },
  );
  const now = nowS();
  const wrong: string[] = [];
  items.forEach((item, index) => {
    const copy = copies[index];
    const name = `${node} ${item.label}`;
    const expiresAt = expiresAtS(item);
    const slack = item.exptime > THIRTY_DAYS ? ABSOLUTE_TTL_SLACK_S : TTL_SLACK_S;
    if (copy === undefined) wrong.push(`${name}: missing`);
    else if (copy.clientFlags !== item.stamp)
      wrong.push(`${name}: flags ${copy.clientFlags} != ${item.stamp}`);
    else if (!copy.value?.equals(item.value))
      wrong.push(`${name}: value of ${copy.value?.length} bytes differs (${item.value.length})`);
    else if (expiresAt === undefined && copy.ttl !== -1)
      wrong.push(`${name}: ttl ${copy.ttl}, expected none`);
    else if (expiresAt !== undefined) {
      const copyExpiresAt = now + (copy.ttl ?? -1);
      if (copy.ttl === undefined || copy.ttl < 0) wrong.push(`${name}: lost its expiry`);
      else if (copyExpiresAt > expiresAt + slack)
        wrong.push(`${name}: lives ${(copyExpiresAt - expiresAt).toFixed(1)} s longer`);
      else if (copyExpiresAt < expiresAt - slack - 1)
        wrong.push(`${name}: lives ${(expiresAt - copyExpiresAt).toFixed(1)} s shorter`);
    }
  });
  return wrong;
}

describe('edge keys and values through a resize', () => {
  let cluster: MemcachedCluster;
  let n: string[];
  let settings: ClusterSettings;

  before(async () => {
    // memcached's default item size limit (-I 1m): the largest values are found, not assumed.
    cluster = await startCluster(4, { memoryMb: 128 });
    n = cluster.addresses;
    settings = { servers: n.slice(0, 3), newServers: n.slice(0, 4) };
  });
  after(() => cluster.stop());

  it('copies every edge item byte-identical with its flags and expiry, resize and full', async (t) => {
    let clients = new ClusterClients();
    try {
      await flushAll(clients, n);
      const items = await makeEdgeItems(n[0] as string, 4);
      await flushAll(clients, n); // the probes' leftovers
      const largest = Math.max(...items.map((item) => item.value.length));
      assert.ok(largest > 1024 * 1024 - 4096 && largest < 1024 * 1024, `largest ${largest}`);
      await writeThroughView(
        computeStoreView({ servers: settings.servers, newServers: [] }),
        items,
        clients,
      );

      const target = n[3] as string;
      const resize = await new ResyncJob({ target, settings, full: false, connect }).run();
      assert.ok(resize.isComplete);
      assert.equal(resize.targetEvictions, 0);
      const onTarget = items.filter((item) => newReplicasOf(settings, item.key).includes(target));
      assert.equal(resize.counts.added, onTarget.length, 'every incoming edge item added');
      assert.ok(
        onTarget.some((item) => item.value.length > 1024 * 1024 - 4096),
        'a value at the size limit moves to the new node',
      );
      assert.deepEqual(await differences(clients, target, onTarget), []);
      let checked = onTarget.length;

      // A full resync of a node that lost everything: it refills every vbucket it will hold.
      const restarted = n[0] as string;
      await clients.close();
      await (cluster.nodes[0] as (typeof cluster.nodes)[number]).restart();
      clients = new ClusterClients();
      const full = await new ResyncJob({ target: restarted, settings, full: true, connect }).run();
      assert.ok(full.isComplete);
      const onRestarted = items.filter((item) =>
        newReplicasOf(settings, item.key).includes(restarted),
      );
      assert.equal(full.counts.added, onRestarted.length, 'every edge item of the node added');
      assert.deepEqual(await differences(clients, restarted, onRestarted), []);
      checked += onRestarted.length;
      assert.deepEqual(await differences(clients, target, onTarget), [], 'the new node unchanged');

      t.diagnostic(
        `${items.length} edge items (largest value ${largest} bytes); ` +
          `${checked} copies checked on the new and the restarted node`,
      );
      recordFigures('edge items: keys, values, flags and TTLs at their limits', {
        keysChecked: checked,
      });
    } finally {
      await clients.close();
    }
  });
  it('never gives a key that expires during a slow resync a longer life', async (t) => {
    const clients = new ClusterClients();
    try {
      await flushAll(clients, n);
      const target = n[3] as string;
      // Long-lived items fill the stream so that a low rate stretches it over several seconds;
      // their copies must not outlive them either (a copy's TTL is the remaining one, at once).
      const writtenAtS = nowS();
      const filler: EdgeItem[] = Array.from({ length: 1500 }, (_, i) => ({
        label: `filler ${i}`,
        key: Buffer.from(`edge\\\\filler-${i}`),
        value: bytesOf(1000 + i, 2000),
        stamp: i,
        exptime: i % 2 === 0 ? 60 : Math.floor(writtenAtS) + FORTY_DAYS,
        writtenAtS,
      }));
      const oldView = computeStoreView({ servers: settings.servers, newServers: [] });
      await writeThroughView(oldView, filler, clients);
      const expiringAtS = nowS();
      const expiring: EdgeItem[] = Array.from({ length: 300 }, (_, i) => ({
        label: `expiring ${i}`,
        key: Buffer.from(`edge\\\\expiring-${i} \r\n`, 'latin1'),
        value: bytesOf(5000 + i, 100),
        stamp: i % 2 === 0 ? MAX_FLAGS : 0,
        exptime: 1 + (i % 2),
        writtenAtS: expiringAtS,
      }));
      await writeThroughView(oldView, expiring, clients);

      const summary = await new ResyncJob({
        target,
        settings,
        full: false,
        connect,
        rateLimit: 200_000,
      }).run();
      assert.ok(summary.isComplete);
      assert.ok(
        summary.durationMs > 2500,
        `the resync outlasted the TTLs (${summary.durationMs} ms)`,
      );
      const fillerOnTarget = filler.filter((item) =>
        newReplicasOf(settings, item.key).includes(target),
      );
      assert.deepEqual((await differences(clients, target, fillerOnTarget)).slice(0, 10), []);

      // Any copy of an expiring key still there must expire when the original did.
      const expiringOnTarget = expiring.filter((item) =>
        newReplicasOf(settings, item.key).includes(target),
      );
      const target_ = await clients.get(target);
      const copies = await target_.getMany(
        expiringOnTarget.map((item) => item.key),
        { ttl: true },
      );
      const now = nowS();
      const outliving = expiringOnTarget.filter((item, index) => {
        const ttl = copies[index]?.ttl;
        return (
          ttl !== undefined && (ttl < 0 || now + ttl > (expiresAtS(item) as number) + TTL_SLACK_S)
        );
      });
      assert.deepEqual(outliving.map((item) => item.label).slice(0, 10), []);
      const survivors = copies.filter((copy) => copy !== undefined).length;

      // Once every original has expired, no node may still hold one.
      const lastExpiryS = expiringAtS + 2 + TTL_SLACK_S;
      const waitMs = Math.max(0, (lastExpiryS - nowS()) * 1000);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      for (const node of n) {
        const found = await (
          await clients.get(node)
        ).getMany(
          expiring.map((item) => item.key),
          {},
        );
        assert.equal(
          found.filter((copy) => copy !== undefined).length,
          0,
          `resurrected on ${node}`,
        );
      }
      t.diagnostic(
        `${expiringOnTarget.length} keys of 1-2 s TTL for the new node over a ${summary.durationMs} ms ` +
          `resync: ${summary.counts.added} added, ${summary.counts.vanished} vanished, ` +
          `${survivors} copies alive at its end; ${fillerOnTarget.length} long-lived copies checked`,
      );
    } finally {
      await clients.close();
    }
  });
  it('compares flags at 0 and 2^32-1 by the wrapping timestamp rule', async (t) => {
    const clients = new ClusterClients();
    try {
      await flushAll(clients, n);
      const target = n[3] as string;
      // Keys the new node must receive; each gets a copy on the target before the resync.
      const incoming = Array.from({ length: 400 }, (_, i) => Buffer.from(`edge\\\\stamp-${i}`))
        .filter((key) => newReplicasOf(settings, key).includes(target))
        .slice(0, 40);
      // [source flags, target flags, whether the source's copy must win]. Stamps are milliseconds
      // modulo 2^32 (timestamp.ts): 0 comes 1 ms after 2^32-1, so it is the newer of the two.
      const cases: [number, number, boolean][] = [
        [MAX_FLAGS, 0, false],
        [0, MAX_FLAGS, true],
        [MAX_FLAGS, MAX_FLAGS - 1, true],
        [MAX_FLAGS - 1, MAX_FLAGS, false],
        [5, MAX_FLAGS - 10, true],
        [MAX_FLAGS, MAX_FLAGS, false],
        [0, 0, false],
        [1, 0, true],
      ];
      const writtenAtS = nowS();
      const sourceItems: EdgeItem[] = incoming.map((key, i) => ({
        label: `stamp ${i}`,
        key,
        value: Buffer.from(`source ${i}`),
        stamp: (cases[i % cases.length] as [number, number, boolean])[0],
        exptime: 0,
        writtenAtS,
      }));
      const targetItems = sourceItems.map((item, i) => ({
        ...item,
        // Another length than the source's: stock memcached compares a same-stamp copy's length
        // only, and these must count as kept, not as the same copy.
        value: Buffer.from(`target copy ${i}`),
        stamp: (cases[i % cases.length] as [number, number, boolean])[1],
      }));
      await writeThroughView(
        computeStoreView({ servers: settings.servers, newServers: [] }),
        sourceItems,
        clients,
      );
      await writeThroughView(
        computeStoreView({ servers: [target], newServers: [] }),
        targetItems,
        clients,
      );

      const summary = await new ResyncJob({ target, settings, full: false, connect }).run();
      assert.ok(summary.isComplete);
      const expected = sourceItems.map((item, i) =>
        (cases[i % cases.length] as [number, number, boolean])[2] ? item : targetItems[i],
      ) as EdgeItem[];
      const wins = expected.filter((item, i) => item === sourceItems[i]).length;
      assert.equal(summary.counts.replaced, wins, 'older copies on the target replaced');
      assert.equal(summary.counts.skippedNewer, incoming.length - wins, 'newer or equal kept');
      assert.equal(summary.counts.alreadyThere, 0, 'none was the same copy');
      assert.deepEqual(await differences(clients, target, expected), []);
      t.diagnostic(`${expected.length} keys with flags at the edges checked: ${wins} replaced`);
    } finally {
      await clients.close();
    }
  });
});
