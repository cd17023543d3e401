/**
 * The test server that plays Clearwater's memcached in CI answers as the fork does: every request
 * of the recording (test/fixtures/ref/clearwater-memcached), replayed in order on a fresh server,
 * one connection each as recorded, gets the recorded reply byte for byte, except values that are
 * times: `stats`' pid, uptime, time and CPU usage, and a TAP mutation's absolute expiry.
 *
 * Where a build of the fork is given (ASTAIRE_CLEARWATER_MEMCACHED), the same replay runs against
 * it, and requests the recording lacks (binary STAT, DELETE, a GETKQ batch, CAS stores...) are
 * sent to both and their answers compared the same way.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  RECORDER_NOOP,
  clearwaterRecording,
  type RecordedExchange,
} from '../../support/clearwater-transcripts.js';
import {
  clearwaterKinds,
  startMemcached,
  type MemcachedKind,
  type MemcachedProcess,
} from '../../support/memcached-process.js';
import { HEADER_BYTES, MAGIC_REQUEST, Opcode } from '../../../core/memcached/binary-protocol.js';
import {
  encodeSimple,
  encodeStores,
  encodeGets,
  encodeStat,
  BINARY_NOOP,
} from '../../../core/memcached/binary-encode.js';

const { kinds, skip } = clearwaterKinds();
const TIME_STATS = new Set(['pid', 'uptime', 'time', 'rusage_user', 'rusage_system']);
// Counters that the harness's own readiness checks (a `version` and a `stats`, each on a
// connection of its own) add to before the replay starts.
const HARNESS_STATS = new Set([
  'total_connections',
  'connection_structures',
  'bytes_read',
  'bytes_written',
]);
const isMasked = (name: string) => TIME_STATS.has(name) || HARNESS_STATS.has(name);

/**
 * Sends `request` on a new connection; resolves what came back, until `isComplete` or close, and
 * whether the server closed the connection.
 */
function exchange(
  node: MemcachedProcess,
  request: Buffer,
  isComplete: (received: Buffer) => boolean,
): Promise<Buffer & { isClosedByServer?: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: node.host, port: node.port });
    let isClosedByServer = false;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Object.assign(Buffer.concat(chunks), { isClosedByServer }));
    };
    const timer = setTimeout(finish, 3000);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // A little longer, so that bytes beyond the expected ones would be seen too.
      if (isComplete(Buffer.concat(chunks))) setTimeout(finish, 50);
    });
    socket.on('end', () => {
      isClosedByServer = true;
      finish();
    });
    socket.on('error', reject);
  });
}

/** The reply with its time values blanked, as text to compare and to read in a failure. */
function comparable(reply: Buffer): string {
  if (reply[0] !== 0x80 && reply[0] !== 0x81) {
    return reply
      .toString('latin1')
      .replace(/^STAT (\S+) (.*)$/gm, (line, name: string) =>
        isMasked(name) ? `STAT ${name} <masked>` : line,
      );
  }
  const out = Buffer.from(reply);
  for (let at = 0; at + HEADER_BYTES <= out.length; at += HEADER_BYTES + out.readUInt32BE(at + 8)) {
    const isTapMutation = out[at] === MAGIC_REQUEST && out[at + 1] === Opcode.TAP_MUTATION;
    if (isTapMutation && out.readUInt32BE(at + HEADER_BYTES + 12) !== 0) {
      out.writeUInt32BE(0xeeeeeeee, at + HEADER_BYTES + 12);
    }
    if (out[at + 1] === Opcode.STAT && out.readUInt16BE(at + 2) > 0) {
      const name = out.toString(
        'latin1',
        at + HEADER_BYTES,
        at + HEADER_BYTES + out.readUInt16BE(at + 2),
      );
      if (isMasked(name)) return comparableStats(out);
    }
  }
  return out.toString('hex').replace(/(.{48})/g, '$1 ');
}

// Binary STAT answers carry times too: compare them as name and value pairs.
function comparableStats(reply: Buffer): string {
  const lines: string[] = [];
  for (
    let at = 0;
    at + HEADER_BYTES <= reply.length;
    at += HEADER_BYTES + reply.readUInt32BE(at + 8)
  ) {
    const keyLength = reply.readUInt16BE(at + 2);
    const body = reply.subarray(at + HEADER_BYTES, at + HEADER_BYTES + reply.readUInt32BE(at + 8));
    const name = body.toString('latin1', 0, keyLength);
    const value = body.toString('latin1', keyLength);
    const header = reply.subarray(at, at + 8).toString('hex');
    lines.push(`${header} ${name}=${isMasked(name) ? '<masked>' : value}`);
  }
  return lines.join('\n');
}

/** The bytes the recorder sent: the request, then its NOOP for a binary one (not a TAP one). */
function requestOf(recorded: RecordedExchange): Buffer {
  if (recorded.protocol === 'text' || recorded.name.startsWith('tap-')) return recorded.request;
  return Buffer.concat([recorded.request, RECORDER_NOOP]);
}

function replyIsComplete(recorded: RecordedExchange): (received: Buffer) => boolean {
  if (recorded.name.startsWith('tap-')) return () => false; // until the server closes
  return (received) => received.length >= recorded.reply.length;
}

for (const kind of kinds) {
  describe(`${describeKind(kind)} answers as the recording of Clearwater's memcached`, () => {
    let node: MemcachedProcess;
    before(async () => {
      // As recorded: -m 64 and an engine cache of 256 MB.
      node = await startMemcached({ kind, engineCacheMb: 256 });
    });
    after(() => node.stop());

    it('replays every recorded exchange, in order, byte for byte (times aside)', async () => {
      for (const recorded of clearwaterRecording().exchanges) {
        const reply = await exchange(node, requestOf(recorded), replyIsComplete(recorded));
        if (recorded.name.startsWith('tap-')) {
          assert.equal(
            reply.isClosedByServer,
            true,
            `${recorded.name}: the dump ends with a close`,
          );
        }
        assert.equal(
          comparable(reply),
          comparable(recorded.reply),
          `exchange "${recorded.name}" (${recorded.shows})`,
        );
      }
    });
  });
}

describe("the test server against Clearwater's memcached itself, on requests the recording lacks", () => {
  if (skip !== undefined) {
    it('is skipped', (t) => {
      t.skip(skip);
      console.log(skip);
    });
    return;
  }
  let server: MemcachedProcess;
  let fork: MemcachedProcess;
  before(async () => {
    [server, fork] = await Promise.all([
      startMemcached({ kind: 'clearwater-test-server' }),
      startMemcached({ kind: 'clearwater' }),
    ]);
  });
  after(() => Promise.all([server.stop(), fork.stop()]));

  const key = (name: string) => Buffer.from(name, 'latin1');
  const store = (k: string, value: string, cas = 0n, exptime = 0) => ({
    key: key(k),
    value: Buffer.from(value),
    clientFlags: 0xcfe56be8,
    exptime,
    cas,
  });
  const untilNoop = (received: Buffer) =>
    received.length >= 24 && received.subarray(-24).equals(NOOP_REPLY);
  const NOOP_REPLY = Buffer.from('810a00000000000000000000000000000000000000000000', 'hex');
  const cases: [string, Buffer][] = [
    [
      'seed',
      Buffer.concat([
        encodeStores(Opcode.SETQ, [
          store('a', 'one'),
          store('b', 'two'),
          store('t', 'ttl', 0n, 100),
        ]),
        BINARY_NOOP,
      ]),
    ],
    ['version', Buffer.concat([encodeSimple(Opcode.VERSION), BINARY_NOOP])],
    ['stat', Buffer.concat([encodeStat(), BINARY_NOOP])],
    [
      'getkq batch',
      Buffer.concat([encodeGets(Opcode.GETKQ, [key('a'), key('zz'), key('b')]), BINARY_NOOP]),
    ],
    ['getk miss', Buffer.concat([encodeSimple(Opcode.GETK, key('zz')), BINARY_NOOP])],
    ['get hit', Buffer.concat([encodeSimple(Opcode.GET, key('b')), BINARY_NOOP])],
    [
      'setq stale cas',
      Buffer.concat([encodeStores(Opcode.SETQ, [store('a', 'x', 999n)]), BINARY_NOOP]),
    ],
    [
      'setq right cas',
      Buffer.concat([encodeStores(Opcode.SETQ, [store('a', 'x', 1n)]), BINARY_NOOP]),
    ],
    [
      'set cas on a missing key',
      Buffer.concat([encodeStores(Opcode.SET, [store('nope', 'x', 5n)]), BINARY_NOOP]),
    ],
    [
      'replace missing',
      Buffer.concat([encodeStores(Opcode.REPLACE, [store('nope', 'x')]), BINARY_NOOP]),
    ],
    ['addq present', Buffer.concat([encodeStores(Opcode.ADDQ, [store('b', 'x')]), BINARY_NOOP])],
    ['delete hit', Buffer.concat([encodeSimple(Opcode.DELETE, key('b')), BINARY_NOOP])],
    ['delete miss', Buffer.concat([encodeSimple(Opcode.DELETE, key('b')), BINARY_NOOP])],
    ['text version and mn', Buffer.from('version\r\nmn\r\n')],
    ['flush', Buffer.concat([encodeSimple(Opcode.FLUSH), BINARY_NOOP])],
    ['get after the flush', Buffer.concat([encodeSimple(Opcode.GET, key('a')), BINARY_NOOP])],
  ];
  for (const [name, request] of cases) {
    it(`answers "${name}" as the fork does`, async () => {
      const isText = request[0] !== 0x80;
      const until = isText ? (r: Buffer) => r.toString().split('\r\n').length > 2 : untilNoop;
      const [mine, theirs] = await Promise.all([
        exchange(server, request, until),
        exchange(fork, request, until),
      ]);
      assert.equal(comparable(mine), comparable(theirs));
    });
  }
});

function describeKind(kind: MemcachedKind): string {
  return kind === 'clearwater' ? "Clearwater's memcached fork" : 'the test server';
}
