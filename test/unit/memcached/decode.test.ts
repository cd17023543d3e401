import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReplyDecodeError, ReplyDecoder, type Reply } from '../../../core/memcached/decode.js';

// One of every reply Astaire reads, as memcached 1.6 sends them; the VA data holds "\r\n" and
// binary bytes, and metadump lines end with a bare "\n" as the server writes them.
const VALUE = Buffer.from([0x00, 0x0d, 0x0a, 0xff, 0x45, 0x4e, 0x44, 0x0d, 0x0a]);
const TRANSCRIPT = Buffer.concat([
  Buffer.from('VA 9 f1700000000 t-1 c42 kfoo\r\n'),
  VALUE,
  Buffer.from('\r\nVA 0 t120 f0 c7\r\n\r\n'),
  Buffer.from('HD O5 kYmluAAE= b s1234\r\nEN\r\nNS O9\r\nEX\r\nNF\r\nMN\r\n'),
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

function decodeChunks(chunks: readonly Buffer[]): Reply[] {
  const decoder = new ReplyDecoder();
  const replies: Reply[] = [];
  for (const chunk of chunks) decoder.feed(chunk, (reply) => replies.push(reply));
  assert.ok(decoder.isIdle, 'nothing left over');
  return replies;
}

// Buffers compare by content, so replies from different splits can be compared directly.
// Dump entries parse their fields lazily: compare what they read as, not how they are held.
const normalise = (replies: Reply[]) =>
  JSON.parse(
    JSON.stringify(
      replies.map((r) =>
        r.kind === 'dump'
          ? {
              kind: 'dump',
              key: r.entry.key,
              exptime: r.entry.exptime,
              cas: r.entry.cas,
              size: r.entry.size,
            }
          : r,
      ),
    ),
  ) as unknown;

describe('ReplyDecoder', () => {
  const whole = decodeChunks([TRANSCRIPT]);

  it('decodes every kind of reply with its fields', () => {
    assert.equal(whole.length, 21);
    const [first, second, hd] = whole;
    assert.deepEqual(first, {
      kind: 'meta',
      code: 'VA',
      value: VALUE,
      clientFlags: 1700000000,
      ttl: -1,
      cas: '42',
      size: undefined,
      key: 'foo',
      isBase64Key: false,
      opaque: undefined,
    });
    assert.equal(second?.kind === 'meta' && second.value?.length, 0);
    assert.equal(second?.kind === 'meta' && second.ttl, 120);
    assert.deepEqual(hd?.kind === 'meta' && [hd.code, hd.opaque, hd.key, hd.isBase64Key, hd.size], [
      'HD',
      '5',
      'YmluAAE=',
      true,
      1234,
    ]);
    assert.deepEqual(
      whole.slice(3, 8).map((r) => (r.kind === 'meta' ? r.code : r.kind)),
      ['EN', 'NS', 'EX', 'NF', 'MN'],
    );
    assert.deepEqual(whole[8], { kind: 'stat', name: 'pid', value: '4788' });
    assert.deepEqual(whole[10], { kind: 'stat', name: 'empty', value: '' });
    assert.deepEqual(whole[11], { kind: 'end' });
    const dump = whole[13];
    assert.ok(dump?.kind === 'dump');
    assert.deepEqual(dump.entry.key, Buffer.from([0x62, 0x69, 0x6e, 0x00, 0x01, 0x5c, 0x5c, 0x78]));
    assert.equal(dump.entry.exptime, 1795495134);
    assert.equal(dump.entry.cas, '18446744073709551615');
    assert.equal(dump.entry.size, 171);
    assert.deepEqual(whole.slice(14, 18), [
      { kind: 'end' },
      { kind: 'version', version: '1.6.18' },
      { kind: 'ok' },
      { kind: 'busy', message: 'currently processing crawler request' },
    ]);
    assert.deepEqual(whole.slice(18), [
      { kind: 'error', type: 'ERROR', message: '' },
      { kind: 'error', type: 'CLIENT_ERROR', message: 'bad data chunk' },
      { kind: 'error', type: 'SERVER_ERROR', message: 'out of memory storing object' },
    ]);
  });

  it('gives the same replies however the bytes are split in two', () => {
    const expected = normalise(whole);
    for (let at = 0; at <= TRANSCRIPT.length; at++) {
      const got = decodeChunks([TRANSCRIPT.subarray(0, at), TRANSCRIPT.subarray(at)]);
      assert.deepEqual(normalise(got), expected, `split at ${at}`);
    }
  });

  it('gives the same replies when fed one byte at a time', () => {
    const bytes = [...TRANSCRIPT].map((byte) => Buffer.from([byte]));
    assert.deepEqual(normalise(decodeChunks(bytes)), normalise(whole));
  });

  it('gathers a large value arriving in many chunks', () => {
    const value = Buffer.alloc(1024 * 1024 + 3, 0x61);
    value.write('\r\nEND\r\n', 1000);
    const wire = Buffer.concat([
      Buffer.from(`VA ${value.length} f1\r\n`),
      value,
      Buffer.from('\r\nHD\r\n'),
    ]);
    const chunks: Buffer[] = [];
    for (let at = 0; at < wire.length; at += 65536) chunks.push(wire.subarray(at, at + 65536));
    const replies = decodeChunks(chunks);
    assert.equal(replies.length, 2);
    assert.ok(replies[0]?.kind === 'meta' && replies[0].value?.equals(value));
    assert.ok(replies[1]?.kind === 'meta' && replies[1].code === 'HD');
  });

  const garbage: [string, string | Buffer, RegExp][] = [
    ['an unknown line', 'HELLO there\r\n', /unexpected reply line: "HELLO there"/],
    ['an empty line', '\r\n', /unexpected reply line/],
    ['a value without its CRLF', 'VA 2\r\nabXY', /not followed by/],
    ['a VA with no size', 'VA f1\r\n', /impossible size/],
    ['a VA over the size limit', 'VA 999999999999\r\n', /impossible size/],
    ['a bad flags number', 'HD f-5\r\n', /bad number "-5"/],
    ['a bad CAS', 'HD cabc\r\n', /bad CAS/],
    ['a dump line with nothing after the key', 'key=foo\n', /malformed metadump line/],
    ['a dump line without exp after the key', 'key=foo cas=1 size=3\n', /malformed metadump line/],
    [
      'a dump line with a broken escape',
      'key=a%G1 exp=-1 la=1 cas=1 fetch=no cls=1 size=1\n',
      /malformed metadump line/,
    ],
    ['an endless line', Buffer.alloc(9000, 0x41), /longer than 8192 bytes/],
  ];
  for (const [what, bytes, message] of garbage) {
    it(`refuses ${what} with a decode error`, () => {
      const decoder = new ReplyDecoder();
      assert.throws(
        () => decoder.feed(Buffer.from(bytes), () => undefined),
        (error: unknown) => error instanceof ReplyDecodeError && message.test(error.message),
      );
    });
  }

  it('checks the fields after the key when they are read', () => {
    const entries: Reply[] = [];
    new ReplyDecoder().feed(Buffer.from('key=foo exp=-1 la=1\nkey=bar exp=x cas=1 size=2\n'), (r) =>
      entries.push(r),
    );
    for (const reply of entries) {
      assert.ok(reply.kind === 'dump');
      assert.throws(
        () => reply.entry.size,
        (error: unknown) =>
          error instanceof ReplyDecodeError && /malformed metadump line/.test(error.message),
      );
    }
  });

  it('regression: a bad number put its raw bytes in the error message', () => {
    const decoder = new ReplyDecoder();
    assert.throws(
      () => decoder.feed(Buffer.from('HD f\x1b[2J1\r\n', 'latin1'), () => undefined),
      (error: unknown) =>
        error instanceof ReplyDecodeError && error.message.includes('bad number "?[2J1"'),
    );
  });

  it('regression: a dump line without fields took the next line\'s "exp=" as its own', () => {
    const replies: Reply[] = [];
    const bytes = Buffer.from('key=foo\nexp=-1 la=1 cas=1 fetch=no cls=1 size=3\n');
    assert.throws(
      () => new ReplyDecoder().feed(bytes, (reply) => replies.push(reply)),
      (error: unknown) =>
        error instanceof ReplyDecodeError &&
        /malformed metadump line: "key=foo"/.test(error.message),
    );
    assert.equal(replies.length, 0);
  });

  it('never puts unprintable bytes in an error message', () => {
    const decoder = new ReplyDecoder();
    assert.throws(
      () => decoder.feed(Buffer.from([0x1b, 0x5b, 0x32, 0x4a, 0x0a]), () => undefined),
      (error: unknown) => error instanceof Error && /"\?\[2J"/.test(error.message),
    );
  });
});
