/**
 * Regression: a paused metadump stalled the whole source. memcached's crawler writes a dump while
 * holding item locks, so when Astaire stopped reading the dump (its batch window was full), every
 * client get on the source stopped too. The dump is now always read at once, keys waiting on disk
 * if need be: a slow resync must never slow the source's clients.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachDumpBatch } from '../../../core/resync/dump-batches.js';
import { directConnector } from '../../../core/transport/node-connector.js';
import { startMemcached } from '../../support/memcached-process.js';

describe('a slow resync and the source it reads', () => {
  it("never holds up the source's clients, and still hands on every key", async () => {
    const source = await startMemcached({ memoryMb: 256 });
    const connect = directConnector({ timeoutMs: 30_000 });
    const client = await connect(source.address, 'client');
    const dump = await connect(source.address, 'dump');
    const fetch = await connect(source.address, 'fetch');
    try {
      const count = 200_000;
      const keys = Array.from({ length: count }, (_, i) =>
        Buffer.from(`impi\\\\user${i}@example.com`),
      );
      for (let i = 0; i < count; i += 2000) {
        await client.setManyQuiet(
          keys.slice(i, i + 2000).map((key) => ({
            key,
            value: Buffer.alloc(100, 97),
            options: { clientFlags: 1, exptime: 0, mode: 'set' as const },
          })),
        );
      }
      let handedOn = 0;
      let slowestGetMs = 0;
      let probing = true;
      // A busy client reading the source all through the slow dump.
      const prober = (async () => {
        for (let i = 0; probing; i++) {
          const started = performance.now();
          const some = Array.from(
            { length: 2000 },
            (_, j) => keys[(i * 7919 + j * 104729) % count] as Buffer,
          );
          await client.getMany(some, { clientFlags: true });
          slowestGetMs = Math.max(slowestGetMs, performance.now() - started);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      await forEachDumpBatch({
        dump,
        confirmDumpEnd: () => Promise.resolve(),
        vbucketCount: 128,
        isWanted: () => true,
        batchSize: 1000,
        batchesInFlight: 1,
        memoryKeys: 5000,
        crawlerBusyTimeoutMs: 10_000,
        signal: new AbortController().signal,
        // A consumer slower than the dump, that fetches from the same source as a resync does:
        // with the dump paused, these fetches waited on the crawler's locks (a deadlock).
        // The first batch takes 1.5 s, long enough for a paused dump to fill every buffer.
        processBatch: async (batch) => {
          const found = await fetch.getMany(
            batch.map((k) => k.key),
            { clientFlags: true },
          );
          handedOn += found.filter((item) => item !== undefined).length;
          await new Promise((resolve) => setTimeout(resolve, handedOn === found.length ? 1500 : 5));
        },
      });
      probing = false;
      await prober;
      assert.equal(handedOn, count);
      assert.ok(
        slowestGetMs < 1000,
        `a client's gets waited ${slowestGetMs.toFixed(0)} ms during the dump`,
      );
    } finally {
      client.close();
      dump.close();
      fetch.close();
      await source.stop();
    }
  });
});
