/**
 * Hostile bytes over a real socket: a fault server answers the first request with seeded random
 * garbage (or a real transcript with bytes mutated), in several writes, then hangs up. Whatever it
 * sends, the pending request fails with an error naming the node and the command, within a bound:
 * nothing hangs, nothing but our own errors escapes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AstaireError, ProtocolError } from '../../../core/errors.js';
import { MORE } from '../../../core/memcached/connection.js';
import { directConnector } from '../../../core/transport/node-connector.js';
import { startFaultServer } from '../../support/fault-server.js';
import { cutPoints, mutated, split } from '../../unit/fuzz/mutations.js';
import { within } from './harness.js';
import { recordFigures } from '../../support/figures.js';

const TRANSCRIPT = Buffer.from(
  'VA 3 f1 t-1 c42 kfoo\r\nabc\r\nHD O5\r\nEN\r\nSTAT pid 4788\r\nEND\r\n' +
    'key=a%41 exp=-1 la=1 cas=1 fetch=no cls=1 size=69\nEND\r\nVERSION 1.6.18\r\n',
);
const CASES = 40;

describe('the connection over hostile bytes from a real socket', () => {
  it(`fails the pending request naming the node, whatever arrives (${CASES} seeded cases)`, async () => {
    const garbage = fc.sample(
      fc.tuple(
        fc.oneof(
          mutated(TRANSCRIPT),
          fc.uint8Array({ maxLength: 2000 }).map((bytes) => Buffer.from(bytes)),
        ),
        cutPoints,
      ),
      { seed: 20261124, numRuns: CASES },
    );
    let index = 0;
    const server = await startFaultServer({
      kind: 'script',
      onLine: (_line, socket) => {
        const [bytes, cuts] = garbage[index++ % CASES] ?? [Buffer.alloc(0), []];
        for (const chunk of split(bytes, cuts)) socket.write(chunk);
        socket.end();
      },
    });
    try {
      const connect = directConnector({ timeoutMs: 2000 });
      let refused = 0;
      for (let i = 0; i < CASES; i++) {
        const client = await connect(server.address, 'hostile bytes test');
        try {
          // Takes every reply and never completes: only a failure settles it.
          const request = client.connection.request('mn', Buffer.from('mn\r\n'), () => MORE);
          const error = await within(
            3000,
            `case ${i}`,
            request.then(
              () => assert.fail('a request that takes every reply resolved'),
              (reason: unknown) => reason,
            ),
          );
          assert.ok(error instanceof AstaireError, `case ${i}: ${String(error)}`);
          assert.equal(error.place.node, server.address);
          assert.ok(error.message.startsWith(`node ${server.address} (mn): `), error.message);
          if (error instanceof ProtocolError) refused++;
        } finally {
          client.close();
        }
      }
      assert.equal(server.connections(), CASES);
      // Garbage reaches the decoder and is refused as garbage (the rest is cut off by the hang-up
      // first, or is a mutation that still reads as replies).
      assert.ok(refused >= 5, `${refused} of ${CASES} refused as garbage`);
      console.log(`fuzz: decoder over TCP ${CASES} cases, ${refused} refused as garbage`);
      recordFigures('fuzz: hostile replies over a real socket', {
        fuzzCases: CASES,
        faults: CASES,
      });
    } finally {
      await server.stop();
    }
  });
});
