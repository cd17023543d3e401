/**
 * MemcachedClient against a real memcached: every command the resync relies on, checked through
 * the independent raw client so that what the server holds is compared, not what we believe.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ProtocolError } from '../../../core/errors.js';
import type { SetRequest } from '../../../core/memcached/client.js';
import { rawCommand, rawExchange, rawStats } from '../../support/raw-memcached.js';
import { failsWith, rawSeed, rawValue, withMemcached } from './harness.js';

const key = (text: string) => Buffer.from(text, 'latin1');
const NO_EXPIRY = { clientFlags: 0, exptime: 0, mode: 'set' } as const;

describe('MemcachedClient: version and stats', () => {
  it('reports the version and the same stats the server gives any client', async () => {
    await withMemcached({}, async ({ server, client }) => {
      const version = await client.version();
      assert.match(version, /^\d+\.\d+\.\d+/);
      assert.equal(await rawCommand(server.host, server.port, 'version'), `VERSION ${version}`);

      await rawSeed(server, [
        ['a', '1'],
        ['b', '22'],
        ['c', '333'],
      ]);
      const stats = await client.stats();
      const raw = await rawStats(server.host, server.port);
      assert.equal(stats.get('pid'), String(server.pid));
      assert.equal(stats.get('curr_items'), '3');
      assert.equal(stats.get('version'), version);
      assert.deepEqual([...stats.keys()], [...raw.keys()]);
      for (const name of ['pid', 'version', 'curr_items', 'total_items', 'limit_maxbytes']) {
        assert.equal(stats.get(name), raw.get(name), name);
      }
    });
  });

  it('reads a stats group', async () => {
    await withMemcached({ extraArgs: ['-I', '2m'] }, async ({ client }) => {
      const settings = await client.stats('settings');
      assert.equal(settings.get('item_size_max'), String(2 * 1024 * 1024));
      assert.equal(settings.get('lru_crawler'), 'yes');
    });
  });
});

describe('MemcachedClient: set and get', () => {
  it('round-trips value bytes exactly, "\\r\\n" inside and empty values included', async () => {
    await withMemcached({}, async ({ server, client }) => {
      const values: [string, Buffer][] = [
        ['crlf', Buffer.from('line one\r\nEND\r\nVA 3 f1\r\n\r\n')],
        ['empty', Buffer.alloc(0)],
        ['every-byte', Buffer.from(Array.from({ length: 256 }, (_, byte) => byte))],
        ['random', randomBytes(100_000)],
      ];
      for (const [name, value] of values) {
        assert.equal(await client.set(key(name), value, NO_EXPIRY), 'stored');
      }
      for (const [name, value] of values) {
        const item = await client.get(key(name));
        assert.deepEqual(item?.value, value, name);
        assert.deepEqual(
          await rawValue(server, key(name)),
          value,
          `${name} as the server holds it`,
        );
      }
    });
  });

  it('stores and reads a 1 MB value on a server started with -I 2m', async () => {
    await withMemcached({ extraArgs: ['-I', '2m'] }, async ({ server, client }) => {
      const value = randomBytes(1024 * 1024);
      assert.equal(await client.set(key('large'), value, NO_EXPIRY), 'stored');
      const item = await client.get(key('large'));
      assert.equal(item?.value?.length, value.length);
      assert.ok(item.value.equals(value), 'the 1 MB value comes back byte for byte');
      assert.ok((await rawValue(server, key('large')))?.equals(value));
    });
  });

  it('keeps client flags 0 and 4294967295, the remaining TTL and a CAS', async () => {
    await withMemcached({}, async ({ server, client }) => {
      const value = Buffer.from('v');
      await client.set(key('zero'), value, { clientFlags: 0, exptime: 0, mode: 'set' });
      await client.set(key('max'), value, { clientFlags: 4294967295, exptime: 100, mode: 'set' });

      const zero = await client.get(key('zero'));
      assert.equal(zero?.clientFlags, 0);
      assert.equal(zero.ttl, -1);
      assert.match(zero.cas ?? '', /^[1-9][0-9]*$/);

      const max = await client.get(key('max'));
      assert.equal(max?.clientFlags, 4294967295);
      assert.ok(max.ttl !== undefined && max.ttl >= 98 && max.ttl <= 100, `ttl ${max.ttl}`);
      assert.match(max.cas ?? '', /^[1-9][0-9]*$/);
      assert.notEqual(max.cas, zero.cas);
      assert.equal(
        await rawCommand(server.host, server.port, 'mg max f c'),
        `HD f4294967295 c${max.cas}`,
      );
    });
  });

  it('asks only for the return flags it is given', async () => {
    await withMemcached({}, async ({ client }) => {
      await client.set(key('k'), Buffer.from('value'), { clientFlags: 7, exptime: 0, mode: 'set' });
      assert.deepEqual(await client.get(key('k'), { clientFlags: true }), {
        value: undefined,
        clientFlags: 7,
        ttl: undefined,
        cas: undefined,
        size: undefined,
      });
      assert.equal((await client.get(key('k'), { size: true }))?.size, 'value'.length);
    });
  });

  it('returns undefined for a miss', async () => {
    await withMemcached({}, async ({ client }) => {
      assert.equal(await client.get(key('absent')), undefined);
      assert.equal(await client.get(Buffer.from([0x00, 0x01])), undefined);
    });
  });
});

describe('MemcachedClient: keys', () => {
  const binaryKeys = [
    Buffer.from([0x00]),
    Buffer.from(' '),
    Buffer.from('\r\n'),
    Buffer.from([0xff]),
    Buffer.from([0x00, 0x20, 0x0d, 0x0a, 0xff]),
    Buffer.from('two words'),
    Buffer.from([0x7f, 0x09, 0x80, 0xe9]),
    randomBytes(186), // 248 characters in base64, just under memcached's 250
  ];

  it('stores binary keys as their exact bytes and reads them back', async () => {
    await withMemcached({}, async ({ server, client }) => {
      for (const [index, binaryKey] of binaryKeys.entries()) {
        assert.equal(
          await client.set(binaryKey, Buffer.from(`value ${index}`), NO_EXPIRY),
          'stored',
        );
      }
      for (const [index, binaryKey] of binaryKeys.entries()) {
        const expected = Buffer.from(`value ${index}`);
        assert.deepEqual(
          (await client.get(binaryKey))?.value,
          expected,
          `key ${binaryKey.toString('hex')}`,
        );
        assert.deepEqual(
          await rawValue(server, binaryKey),
          expected,
          'memcached holds the exact bytes',
        );
      }
      // The base64 text itself is not a key: memcached decoded it before storing.
      const token = Buffer.from([0x00, 0x20, 0x0d, 0x0a, 0xff]).toString('base64');
      assert.equal(await rawCommand(server.host, server.port, `mg ${token} v`), 'EN');
      assert.equal(
        (await rawStats(server.host, server.port)).get('curr_items'),
        String(binaryKeys.length),
      );
    });
  });

  it('sends a 250-byte printable key as text', async () => {
    await withMemcached({}, async ({ server, client }) => {
      const longKey = 'k'.repeat(240) + '0123456789';
      assert.equal(await client.set(key(longKey), Buffer.from('long'), NO_EXPIRY), 'stored');
      assert.deepEqual((await client.get(key(longKey)))?.value, Buffer.from('long'));
      const reply = await rawExchange(server.host, server.port, `mg ${longKey} v\r\n`, (received) =>
        received.toString().endsWith('long\r\n'),
      );
      assert.equal(reply.toString(), 'VA 4\r\nlong\r\n');
    });
  });

  it('rejects (not throws) an empty key and a 251-byte key, naming the node, sending nothing', async () => {
    await withMemcached({}, async ({ server, client }) => {
      const before = await rawStats(server.host, server.port);
      const unstorable = [Buffer.alloc(0), Buffer.alloc(251, 0x6b), randomBytes(188)];
      for (const badKey of unstorable) {
        const refused = (command: string) =>
          failsWith(ProtocolError, { code: 'KEY_NOT_STORABLE', node: server.address, command });
        await assert.rejects(client.get(badKey), refused('mg'));
        await assert.rejects(client.set(badKey, Buffer.from('x'), NO_EXPIRY), refused('ms'));
        await assert.rejects(client.delete(badKey), refused('md'));
        await assert.rejects(
          client.setManyQuiet([
            { key: key('fine'), value: Buffer.from('x'), options: NO_EXPIRY },
            { key: badKey, value: Buffer.from('x'), options: NO_EXPIRY },
          ]),
          refused('ms'),
        );
      }
      assert.equal(client.connection.inFlight, 0);
      const after = await rawStats(server.host, server.port);
      for (const name of ['cmd_get', 'cmd_set', 'delete_misses', 'delete_hits', 'curr_items']) {
        assert.equal(after.get(name), before.get(name), `${name} unchanged`);
      }
      // The refusal did not touch the connection.
      assert.match(await client.version(), /^\d/);
    });
  });
});

describe('MemcachedClient: store modes, CAS and delete', () => {
  it('reports not-stored, exists and not-found as memcached decides them', async () => {
    await withMemcached({}, async ({ server, client }) => {
      const k = key('item');
      assert.equal(
        await client.set(k, Buffer.from('first'), { ...NO_EXPIRY, mode: 'add' }),
        'stored',
      );
      assert.equal(
        await client.set(k, Buffer.from('second'), { ...NO_EXPIRY, mode: 'add' }),
        'not-stored',
      );
      assert.deepEqual(await rawValue(server, k), Buffer.from('first'), 'add did not overwrite');
      assert.equal(
        await client.set(key('absent'), Buffer.from('x'), { ...NO_EXPIRY, mode: 'replace' }),
        'not-stored',
      );

      const staleCas = (await client.get(k))?.cas;
      assert.ok(staleCas !== undefined);
      assert.equal(await client.set(k, Buffer.from('third'), NO_EXPIRY), 'stored');
      const currentCas = (await client.get(k))?.cas;
      assert.notEqual(currentCas, staleCas);
      assert.equal(
        await client.set(k, Buffer.from('stale'), { ...NO_EXPIRY, cas: staleCas }),
        'exists',
      );
      assert.deepEqual(await rawValue(server, k), Buffer.from('third'));
      assert.equal(
        await client.set(k, Buffer.from('fourth'), { ...NO_EXPIRY, cas: currentCas as string }),
        'stored',
      );
      assert.deepEqual(await rawValue(server, k), Buffer.from('fourth'));
      assert.equal(
        await client.set(key('absent'), Buffer.from('x'), { ...NO_EXPIRY, cas: staleCas }),
        'not-found',
      );
      assert.equal(await rawValue(server, key('absent')), undefined);
    });
  });

  it('deletes, and says when there was nothing to delete or the CAS was stale', async () => {
    await withMemcached({}, async ({ server, client }) => {
      const k = Buffer.from([0x00, 0x64, 0x65, 0x6c]);
      await client.set(k, Buffer.from('x'), NO_EXPIRY);
      const staleCas = (await client.get(k))?.cas;
      assert.ok(staleCas !== undefined);
      await client.set(k, Buffer.from('y'), NO_EXPIRY);
      assert.equal(await client.delete(k, staleCas), 'exists');
      assert.deepEqual(await rawValue(server, k), Buffer.from('y'));
      assert.equal(await client.delete(k, (await client.get(k))?.cas), 'deleted');
      assert.equal(await rawValue(server, k), undefined);
      assert.equal(await client.delete(k), 'not-found');
      await client.set(k, Buffer.from('z'), NO_EXPIRY);
      assert.equal(await client.delete(k), 'deleted');
      assert.equal(await client.get(k), undefined);
    });
  });
});

describe('MemcachedClient: refusals', () => {
  it('a value over the item size limit fails only its own request; the connection carries on', async () => {
    await withMemcached({}, async ({ server, client }) => {
      const tooLarge = Buffer.alloc(2 * 1024 * 1024, 0x61);
      const refusal = failsWith(ProtocolError, {
        code: 'NODE_ERROR',
        node: server.address,
        message: /SERVER_ERROR object too large for cache/,
      });
      // Pipelined behind the refused set: memcached swallows its data and answers the rest.
      const refused = client.set(key('big'), tooLarge, NO_EXPIRY);
      const stored = client.set(key('small'), Buffer.from('s'), NO_EXPIRY);
      const read = client.get(key('small'));
      await assert.rejects(refused, refusal);
      assert.equal(await stored, 'stored');
      assert.deepEqual((await read)?.value, Buffer.from('s'));

      const batch = [
        { key: key('batch-small'), value: Buffer.from('s'), options: NO_EXPIRY },
        { key: key('batch-big'), value: tooLarge, options: NO_EXPIRY },
      ];
      await assert.rejects(client.setManyQuiet(batch), refusal);
      assert.equal(client.connection.isClosed, false);
      assert.deepEqual(await rawValue(server, key('batch-small')), Buffer.from('s'));
      assert.equal(await rawValue(server, key('batch-big')), undefined);
      assert.match(await client.version(), /^\d/);
    });
  });
});

describe('MemcachedClient: batches', () => {
  it('getMany returns hits and misses in key order, unsendable keys as misses, not holes', async () => {
    await withMemcached({}, async ({ client }) => {
      await client.set(key('one'), Buffer.from('1'), NO_EXPIRY);
      await client.set(Buffer.from([0x00, 0x02]), Buffer.from('2'), {
        ...NO_EXPIRY,
        clientFlags: 2,
      });
      await client.set(key('three'), Buffer.alloc(0), NO_EXPIRY);
      const keys = [
        key('missing-a'),
        key('one'),
        Buffer.alloc(0), // unstorable: a miss, never sent
        Buffer.from([0x00, 0x02]),
        key('missing-b'),
        key('three'),
        key('one'),
      ];
      const items = await client.getMany(keys);
      assert.equal(items.length, keys.length);
      assert.deepEqual(
        items.map((item) => item?.value?.toString()),
        [undefined, '1', undefined, '2', undefined, '', '1'],
      );
      assert.equal(items[3]?.clientFlags, 2);
      // A sparse array would hide misses from forEach, map and filter.
      assert.equal(items.filter((item) => item === undefined).length, 3);
      assert.deepEqual(await client.getMany([]), []);
      assert.deepEqual(await client.getMany([Buffer.alloc(0)]), [undefined]);
    });
  });

  it('setManyQuiet with 1000 adds reports exactly the existing keys as not-stored', async () => {
    await withMemcached({}, async ({ server, client }) => {
      const count = 1000;
      const isExisting = (index: number) => index % 7 === 3 || index === 0 || index === count - 1;
      const existing = Array.from({ length: count }, (_, index) => index).filter(isExisting);
      await rawSeed(
        server,
        existing.map((index) => [`batch:${index}`, `old ${index}`] as const),
      );

      const requests: SetRequest[] = Array.from({ length: count }, (_, index) => ({
        key: key(`batch:${index}`),
        value: Buffer.from(`new ${index}`),
        options: { clientFlags: index, exptime: 0, mode: 'add' },
      }));
      const failures = await client.setManyQuiet(requests);
      assert.deepEqual(
        [...failures.keys()].sort((a, b) => a - b),
        existing,
      );
      assert.ok([...failures.values()].every((outcome) => outcome === 'not-stored'));

      const items = await client.getMany(requests.map((request) => request.key));
      items.forEach((item, index) => {
        const expected = isExisting(index) ? `old ${index}` : `new ${index}`;
        assert.equal(item?.value?.toString(), expected);
        assert.equal(item.clientFlags, isExisting(index) ? 0 : index);
      });
      assert.equal((await rawStats(server.host, server.port)).get('curr_items'), String(count));

      // All successes cost one reply and return no failures.
      assert.equal(
        (await client.setManyQuiet(requests.map((r) => ({ ...r, options: NO_EXPIRY })))).size,
        0,
      );
    });
  });
});

describe('MemcachedClient: pipelining', () => {
  it('with window 4, 2000 concurrent gets all resolve correctly and never exceed 4 in flight', async () => {
    await withMemcached({ client: { window: 4 } }, async ({ server, client }) => {
      const count = 2000;
      // Every third key is a miss.
      const stored = Array.from({ length: count }, (_, index) => index).filter((i) => i % 3 !== 0);
      await rawSeed(
        server,
        stored.map((index) => [`pipe:${index}`, `value ${index}`] as const),
      );

      const samples: number[] = [];
      const sample = () => samples.push(client.connection.inFlight);
      const sampler = setInterval(sample, 1);
      try {
        const gets = Array.from({ length: count }, (_, index) => {
          const pending = client.get(key(`pipe:${index}`)).then((item) => {
            sample();
            return item;
          });
          sample();
          return pending;
        });
        const items = await Promise.all(gets);
        items.forEach((item, index) => {
          assert.equal(item?.value?.toString(), index % 3 === 0 ? undefined : `value ${index}`);
        });
      } finally {
        clearInterval(sampler);
      }
      assert.ok(samples.length >= count, `${samples.length} samples`);
      assert.equal(Math.max(...samples), 4, 'the window is used, and never exceeded');
      assert.equal(client.connection.inFlight, 0);
    });
  });

  it('keeps replies matched to requests when commands of every kind are interleaved', async () => {
    await withMemcached({ client: { window: 8 } }, async ({ client }) => {
      const work = Array.from({ length: 300 }, async (_, index) => {
        const k = key(`mixed:${index % 50}`);
        switch (index % 5) {
          case 0:
            return `set ${await client.set(k, Buffer.from(`v${index}`), NO_EXPIRY)}`;
          case 1:
            return `get ${(await client.get(k)) === undefined ? 'miss' : 'item'}`;
          case 2:
            return `stats ${(await client.stats()).has('pid')}`;
          case 3:
            return `version ${/^\d/.test(await client.version())}`;
          default:
            return `getMany ${(await client.getMany([k, key('nothing')])).length}`;
        }
      });
      const outcomes = await Promise.all(work);
      outcomes.forEach((outcome, index) => {
        const expected = [
          'set stored',
          /^get (miss|item)$/,
          'stats true',
          'version true',
          'getMany 2',
        ][index % 5];
        if (expected instanceof RegExp) assert.match(outcome, expected);
        else assert.equal(outcome, expected);
      });
    });
  });
});
