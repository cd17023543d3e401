/**
 * `lru_crawler metadump` through MemcachedClient against real memcached processes: the listing
 * the resync walks, and the ways a real server refuses one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CrawlerBusyError, DumpRefusedError } from '../../../core/memcached/client.js';
import type { DumpEntry } from '../../../core/memcached/decode.js';
import { rawStats } from '../../support/raw-memcached.js';
import { failsWith, rawSeed, withMemcached, within } from './harness.js';

const NO_EXPIRY = { clientFlags: 0, exptime: 0, mode: 'set' } as const;
const hexSorted = (keys: readonly Uint8Array[]) =>
  keys.map((key) => Buffer.from(key).toString('hex')).sort();

describe('MemcachedClient.metadump', () => {
  it("'hash' lists exactly the keys stored, binary keys decoded back to their bytes", async () => {
    await withMemcached({}, async ({ server, client }) => {
      const keys = [
        Buffer.from('plain'),
        Buffer.from('100%+sure/~_-.'),
        Buffer.from([0x00]),
        Buffer.from([0x00, 0x20, 0x0d, 0x0a, 0xff]),
        Buffer.from('with space'),
        Buffer.from([0x80, 0xe9, 0xfe, 0xff]),
        Buffer.alloc(250, 0x6b),
      ];
      for (const key of keys)
        assert.equal(await client.set(key, Buffer.from('v'), NO_EXPIRY), 'stored');
      await client.set(Buffer.from('expiring'), Buffer.from('v'), { ...NO_EXPIRY, exptime: 100 });
      await client.set(Buffer.from('deleted'), Buffer.from('v'), NO_EXPIRY);
      await client.delete(Buffer.from('deleted'));

      const entries: DumpEntry[] = [];
      const count = await client.metadump('hash', (entry) => entries.push(entry));
      assert.equal(count, entries.length);
      assert.deepEqual(
        hexSorted(entries.map((entry) => entry.key)),
        hexSorted([...keys, Buffer.from('expiring')]),
      );

      const serverTime = Number((await rawStats(server.host, server.port)).get('time'));
      for (const entry of entries) {
        assert.match(entry.cas, /^[1-9][0-9]*$/);
        assert.ok(entry.size > entry.key.length, `size ${entry.size}`);
        if (entry.key.toString() === 'expiring') {
          assert.ok(Math.abs(entry.exptime - serverTime - 100) <= 2, `exptime ${entry.exptime}`);
        } else {
          assert.equal(entry.exptime, -1);
        }
      }
      // The dump ended cleanly: the same connection carries on.
      assert.match(await client.version(), /^\d/);
    });
  });

  it('lists nothing on an empty server', async () => {
    await withMemcached({}, async ({ client }) => {
      assert.equal(await client.metadump('hash', () => assert.fail('no entries')), 0);
    });
  });

  it('explains that a server started with -X must be restarted without it', async () => {
    await withMemcached({ extraArgs: ['-X'] }, async ({ server, client }) => {
      await assert.rejects(
        client.metadump('hash', () => {}),
        failsWith(DumpRefusedError, {
          code: 'DUMP_NOT_ALLOWED',
          node: server.address,
          command: 'lru_crawler metadump hash',
          message: /restart it without -X/,
        }),
      );
      // A refusal is one clean reply: the connection is still usable.
      assert.match(await client.version(), /^\d/);
    });
  });

  it('explains that a server started with -o no_lru_crawler has no crawler', async () => {
    await withMemcached({ extraArgs: ['-o', 'no_lru_crawler'] }, async ({ server, client }) => {
      await assert.rejects(
        client.metadump('hash', () => {}),
        failsWith(DumpRefusedError, {
          code: 'CRAWLER_DISABLED',
          node: server.address,
          command: 'lru_crawler metadump hash',
          message: /lru_crawler enable.*no_lru_crawler/,
        }),
      );
      assert.match(await client.version(), /^\d/);
    });
  });

  it('a second dump while one runs gets CrawlerBusyError, and the first completes', async () => {
    await withMemcached({ memoryMb: 128 }, async ({ server, client: first, connect }) => {
      const count = 200_000;
      await rawSeed(
        server,
        (function* () {
          for (let index = 0; index < count; index++) yield [`dump:${index}`, 'x'] as const;
        })(),
      );
      assert.equal((await rawStats(server.host, server.port)).get('curr_items'), String(count));
      const second = await connect();

      // The second dump is sent as the first one's first entry arrives, while the crawler still
      // has most of the keys to walk. The first is read at full speed: were it paused, the
      // crawler would hold its lock while blocked on the full socket, and the second request would
      // wait for that lock instead of being told BUSY.
      let seen = 0;
      let secondDump: Promise<number> | undefined;
      const firstDump = first.metadump('hash', () => {
        if (seen++ > 0) return;
        secondDump = second.metadump('hash', () => {});
        secondDump.catch(() => {}); // handled below, once the first dump is done
      });
      assert.equal(await within(10_000, 'the first dump', firstDump), count);
      assert.ok(secondDump !== undefined);
      await assert.rejects(
        within(5000, 'the second dump', secondDump),
        failsWith(CrawlerBusyError, {
          code: 'CRAWLER_BUSY',
          node: server.address,
          command: 'lru_crawler metadump hash',
        }),
      );
      assert.equal(seen, count);
      // Once the crawler is free, the second connection can dump too.
      assert.equal(await second.metadump('hash', () => {}), count);
    });
  });
});
