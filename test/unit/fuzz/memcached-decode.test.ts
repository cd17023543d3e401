/**
 * Fuzzing the memcached reply decoder (metadump lines included) and the connection that wraps
 * it: random bytes, and real replies with bytes flipped, inserted, deleted or cut, split into
 * chunks anywhere. Whatever arrives, the decoder throws nothing but ReplyDecodeError, with a short
 * printable message; holds no more than its limits allow; and the connection fails its requests
 * with an error naming the node. Seeded, so CI runs the same cases every time.
 */
import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AstaireError } from '../../../core/errors.js';
import { MemcachedConnection, MORE } from '../../../core/memcached/connection.js';
import {
  DEFAULT_DECODER_LIMITS,
  ReplyDecodeError,
  ReplyDecoder,
  type DecoderLimits,
  type Reply,
} from '../../../core/memcached/decode.js';
import { cutPoints, mutated, split } from './mutations.js';
import { recordFigures } from '../../support/figures.js';

// The replies of test/unit/memcached/decode.test.ts: one of every kind Astaire reads.
const TRANSCRIPT = Buffer.concat([
  Buffer.from('VA 9 f1700000000 t-1 c42 kfoo\r\n'),
  Buffer.from([0x00, 0x0d, 0x0a, 0xff, 0x45, 0x4e, 0x44, 0x0d, 0x0a]),
  Buffer.from('\r\nVA 0 t120 f0 c7\r\n\r\n'),
  Buffer.from('HD O5 kYmluAAE= b\r\nEN\r\nNS O9\r\nEX\r\nNF\r\nMN\r\n'),
  Buffer.from('STAT pid 4788\r\nSTAT version 1.6.18\r\nSTAT empty\r\nEND\r\n'),
  Buffer.from('key=foo exp=-1 la=1795495034 cas=1 fetch=no cls=1 size=69\n'),
  Buffer.from(
    'key=bin%00%01%5C%5Cx exp=1795495134 la=1795495034 cas=18446744073709551615 fetch=yes cls=3 size=171\n',
  ),
  Buffer.from('END\r\nVERSION 1.6.18\r\nOK\r\nBUSY currently processing crawler request\r\n'),
  Buffer.from(
    'ERROR\r\nCLIENT_ERROR bad data chunk\r\nSERVER_ERROR out of memory storing object\r\n',
  ),
]);
// A metadump on its own: most of what a resync reads.
const DUMP = Buffer.from(
  'key=a exp=-1 la=1795495034 cas=1 fetch=no cls=1 size=69\n' +
    'key=%F0%9F%92%A9%20b exp=1795495134 la=1795495034 cas=77 fetch=yes cls=3 size=171\n' +
    'key=c+d exp=0 la=1 cas=18446744073709551615 fetch=no cls=12 size=1048576\n' +
    'END\r\n',
);

// Pieces of replies, so that random streams reach past the first token more often than bytes
// drawn uniformly would.
const fragment = fc.oneof(
  fc.constantFrom(
    'VA ',
    'VA 3 ',
    'HD',
    'EN',
    ' f',
    ' t-1',
    ' c',
    ' k',
    ' b',
    ' O',
    'STAT ',
    'END',
    'OK',
    'VERSION ',
    'BUSY',
    'ERROR',
    'CLIENT_ERROR ',
    'key=',
    ' exp=',
    ' la=',
    ' cas=',
    ' size=',
    '%',
    '%4',
    '%41',
    '-',
    '0',
    '99999999999999999999999',
    '\r\n',
    '\n',
    '\r',
    ' ',
  ),
  fc.string({ maxLength: 6 }),
  fc.uint8Array({ maxLength: 8 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);
const randomStream = fc
  .array(fragment, { maxLength: 40 })
  .map((pieces) => Buffer.from(pieces.join(''), 'latin1'));

interface Outcome {
  readonly replies: Reply[];
  readonly error: ReplyDecodeError | undefined;
}

/**
 * Feeds `chunks` until the decoder refuses one, reading every dump entry's fields too (they are
 * parsed when read). Anything thrown but a ReplyDecodeError fails the property.
 */
function decode(chunks: readonly Buffer[], decoder = new ReplyDecoder()): Outcome {
  const replies: Reply[] = [];
  try {
    for (const chunk of chunks) {
      decoder.feed(chunk, (reply) => {
        if (reply.kind === 'dump') void [reply.entry.exptime, reply.entry.cas, reply.entry.size];
        replies.push(reply);
      });
    }
  } catch (error) {
    if (!(error instanceof ReplyDecodeError)) throw error;
    assertFitForAnOperator(error.message);
    return { replies, error };
  }
  return { replies, error: undefined };
}

// A message goes to a terminal and a log: printable ASCII only (no escape sequences a hostile
// peer could smuggle in), and short however long the line that caused it.
function assertFitForAnOperator(message: string): void {
  assert.match(message, /^[\x20-\x7e]*$/, `unprintable bytes in ${JSON.stringify(message)}`);
  assert.ok(message.length <= 300, `a ${message.length}-character message: ${message}`);
}

const SEED = 20261124;
let slowestCaseMs = 0;
let casesTried = 0;

// Each case is timed: the decoder is synchronous, so a case that never returned would hang the
// test (which the test's own timeout then fails); one that is merely slow shows here.
function timed<T>(body: () => T): T {
  const started = performance.now();
  try {
    return body();
  } finally {
    casesTried++;
    slowestCaseMs = Math.max(slowestCaseMs, performance.now() - started);
  }
}

describe('fuzz: the reply decoder', { timeout: 30_000 }, () => {
  it('decodes the fixtures whole, so the mutations start from valid replies', () => {
    assert.equal(decode([TRANSCRIPT]).error, undefined);
    assert.equal(decode([DUMP]).error, undefined);
  });

  it('random byte streams, split anywhere: only ReplyDecodeError, with a printable message', () => {
    fc.assert(
      fc.property(randomStream, cutPoints, (bytes, cuts) => {
        timed(() => decode(split(bytes, cuts)));
      }),
      { seed: SEED, numRuns: 6000 },
    );
  });

  it('mutated replies, split anywhere: only ReplyDecodeError, with a printable message', () => {
    fc.assert(
      fc.property(mutated(TRANSCRIPT), cutPoints, (bytes, cuts) => {
        timed(() => decode(split(bytes, cuts)));
      }),
      { seed: SEED + 1, numRuns: 8000 },
    );
  });

  it('mutated metadumps, split anywhere: only ReplyDecodeError, with a printable message', () => {
    fc.assert(
      fc.property(mutated(DUMP), cutPoints, (bytes, cuts) => {
        timed(() => decode(split(bytes, cuts)));
      }),
      { seed: SEED + 2, numRuns: 6000 },
    );
  });

  it('a split never changes what is decoded, nor whether it is refused', () => {
    fc.assert(
      fc.property(mutated(TRANSCRIPT), cutPoints, (bytes, cuts) => {
        timed(() => {
          const whole = decode([bytes]);
          const pieces = decode(split(bytes, cuts));
          assert.equal(pieces.error?.message, whole.error?.message);
          assert.deepEqual(summary(pieces.replies), summary(whole.replies));
        });
      }),
      { seed: SEED + 3, numRuns: 2000 },
    );
  });

  it('holds at most its line and value limits, whatever the stream', () => {
    const limits: DecoderLimits = { maxLineBytes: 64, maxValueBytes: 256 };
    const chunk = fc.uint8Array({ minLength: 1, maxLength: 48 }).map((bytes) => Buffer.from(bytes));
    // Streams that open a value and then send anything, or send lines without ends.
    const stream = fc.tuple(
      fc.constantFrom('', 'VA 200 kx\r\n', 'VA 256\r\n', 'HD', 'key=a', 'STAT x '),
      fc.array(chunk, { minLength: 1, maxLength: 60 }),
    );
    fc.assert(
      fc.property(stream, ([opening, chunks]) => {
        timed(() => {
          const decoder = new ReplyDecoder(limits);
          const all = [Buffer.from(opening), ...chunks];
          // Bytes fed since the last reply came out: what the decoder may be holding.
          let held = 0;
          for (const piece of all) {
            let emitted = false;
            const outcome = decode([piece], decoder);
            if (outcome.replies.length > 0) emitted = true;
            if (outcome.error !== undefined) return;
            held = emitted ? 0 : held + piece.length;
            // A value (with its header line and "\r\n") plus a line, plus the chunk that
            // completed neither: anything more is being buffered without limit.
            const bound = limits.maxLineBytes * 2 + limits.maxValueBytes + 4 + 48;
            assert.ok(held <= bound, `holding ${held} bytes with no reply (bound ${bound})`);
          }
        });
      }),
      { seed: SEED + 4, numRuns: 3000 },
    );
  });

  it('refuses an endless line within its line limit, in chunks of any size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4096 }),
        fc.constantFrom(0x41, 0x0d, 0x00),
        (size, byte) => {
          timed(() => {
            const decoder = new ReplyDecoder();
            const piece = Buffer.alloc(size, byte);
            let fed = 0;
            while (fed <= DEFAULT_DECODER_LIMITS.maxLineBytes + size) {
              const { error } = decode([piece], decoder);
              fed += size;
              if (error !== undefined) {
                assert.match(error.message, /longer than 8192 bytes/);
                return;
              }
            }
            assert.fail(`${fed} bytes without a newline were buffered, not refused`);
          });
        },
      ),
      { seed: SEED + 5, numRuns: 300 },
    );
  });

  it('prints how many cases it tried', () => {
    assert.ok(casesTried > 0);
    assert.ok(slowestCaseMs < 2000, `the slowest case took ${slowestCaseMs.toFixed(0)} ms`);
    console.log(`fuzz: decoder ${casesTried} cases, slowest ${slowestCaseMs.toFixed(1)} ms`);
    recordFigures('fuzz: memcached decoder and metadump parser', { fuzzCases: casesTried });
  });
});

// What a reply reads as, for comparing two decodings of the same bytes.
function summary(replies: readonly Reply[]): unknown[] {
  return replies.map((reply) =>
    reply.kind === 'dump'
      ? ['dump', reply.entry.key.toString('hex'), reply.entry.exptime, reply.entry.cas]
      : reply.kind === 'meta'
        ? { ...reply, value: reply.value?.toString('hex') }
        : reply,
  );
}

const NODE = '10.0.0.7:11211';

// A stream standing in for the socket: what the node sends is pushed into it; what we write to
// it goes nowhere. No socket, so this stays a unit test.
function fakeNode(): Duplex {
  return new Duplex({
    read() {},
    write(_chunk, _encoding, done) {
      done();
    },
  });
}

describe('fuzz: the connection over hostile bytes', { timeout: 30_000 }, () => {
  let connectionCases = 0;

  it('fails a pending request with an error naming the node, whatever arrives, and never hangs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(randomStream, mutated(TRANSCRIPT), mutated(DUMP)),
        cutPoints,
        async (bytes, cuts) => {
          connectionCases++;
          const stream = fakeNode();
          const connection = new MemcachedConnection(
            stream,
            { node: NODE, timeoutMs: 1000 },
            new ReplyDecoder(),
          );
          // A request that takes every reply and never completes: only a failure settles it.
          const pending = connection.request(
            'lru_crawler metadump hash',
            Buffer.from('x'),
            () => MORE,
          );
          for (const chunk of split(bytes, cuts)) stream.push(chunk);
          // The node then hangs up; if the bytes did not fail the connection, this does.
          setImmediate(() => stream.destroy());
          const error = await settleWithin(2000, pending);
          assert.ok(error instanceof AstaireError, `not an AstaireError: ${String(error)}`);
          assert.equal(error.place.node, NODE);
          assert.ok(
            error.message.startsWith(`node ${NODE} (lru_crawler metadump hash): `),
            error.message,
          );
          assertFitForAnOperator(error.message.slice(0, 300));
          assert.equal(connection.isClosed, true);
        },
      ),
      { seed: SEED + 6, numRuns: 400 },
    );
    console.log(`fuzz: connection ${connectionCases} cases`);
    recordFigures('fuzz: a connection fed hostile replies', { fuzzCases: connectionCases });
  });
});

async function settleWithin(ms: number, request: Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the request did not settle within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([request, timeout]);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('the request did not settle'))
      throw error;
    return error;
  } finally {
    clearTimeout(timer);
  }
  assert.fail('a request that takes every reply resolved');
}
