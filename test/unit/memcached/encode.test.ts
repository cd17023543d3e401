import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  META_NOOP,
  encodeMetaDelete,
  encodeMetaGet,
  encodeMetaSet,
  encodeMetadump,
  encodeStats,
} from '../../../core/memcached/encode.js';
import { decodeUriKey, isTextSafe, toWireKey } from '../../../core/memcached/key-encoding.js';

const text = (key: string) => toWireKey(Buffer.from(key)) ?? assert.fail('expected a wire key');

describe('encoders', () => {
  it('encode meta gets with the requested return flags', () => {
    assert.equal(
      encodeMetaGet(text('foo'), {
        value: true,
        clientFlags: true,
        ttl: true,
        cas: true,
      }).toString(),
      'mg foo v f t c\r\n',
    );
    assert.equal(
      encodeMetaGet(text('foo'), { key: true, quiet: true, opaque: '17' }).toString(),
      'mg foo k q O17\r\n',
    );
  });

  it('encode meta sets with flags, exptime, mode, CAS and the data block', () => {
    const command = encodeMetaSet(text('k'), Buffer.from('a\r\nb'), {
      clientFlags: 4294967295,
      exptime: 300,
      mode: 'add',
      quiet: true,
      opaque: '3',
    });
    assert.equal(command.toString(), 'ms k 4 F4294967295 T300 ME q O3\r\na\r\nb\r\n');
    assert.equal(
      encodeMetaSet(text('k'), Buffer.alloc(0), {
        clientFlags: 0,
        exptime: 0,
        mode: 'set',
        cas: '99',
      }).toString(),
      'ms k 0 F0 T0 MS C99\r\n\r\n',
    );
  });

  it('send binary keys base64-encoded with the b flag', () => {
    const key = toWireKey(Buffer.from([0x62, 0x69, 0x6e, 0x00, 0x01]));
    assert.deepEqual(key, { token: 'YmluAAE=', isBase64: true });
    assert.equal(encodeMetaGet(key, { value: true }).toString(), 'mg YmluAAE= b v\r\n');
    assert.equal(encodeMetaDelete(key, { cas: '5' }).toString(), 'md YmluAAE= b C5\r\n');
  });

  it('encode the fixed commands', () => {
    assert.equal(META_NOOP.toString(), 'mn\r\n');
    assert.equal(encodeStats().toString(), 'stats\r\n');
    assert.equal(encodeStats('slabs').toString(), 'stats slabs\r\n');
    assert.equal(encodeMetadump('hash').toString(), 'lru_crawler metadump hash\r\n');
  });

  it('refuse values that would corrupt the command line', () => {
    const set = (options: Partial<Parameters<typeof encodeMetaSet>[2]>) =>
      encodeMetaSet(text('k'), Buffer.alloc(0), {
        clientFlags: 0,
        exptime: 0,
        mode: 'set',
        ...options,
      });
    assert.throws(() => set({ clientFlags: 2 ** 32 }), RangeError);
    assert.throws(() => set({ clientFlags: -1 }), RangeError);
    assert.throws(() => set({ exptime: 1.5 }), RangeError);
    assert.throws(() => set({ cas: '1 2' }), RangeError);
    assert.throws(() => set({ opaque: 'a b' }), RangeError);
    assert.throws(() => encodeStats('items\r\nflush_all'), RangeError);
  });
});

describe('key encoding', () => {
  it('sends printable keys, UTF-8 included, as text', () => {
    assert.ok(isTextSafe(Buffer.from('impi\\\\alice@example.com')));
    assert.ok(isTextSafe(Buffer.from('clé-ü')));
    assert.ok(isTextSafe(Buffer.alloc(250, 0x61)));
  });

  it('sends keys with spaces, control bytes or DEL as base64, and refuses what cannot fit', () => {
    for (const key of ['a b', 'a\r\nb', 'a\x7f', '\x00'])
      assert.equal(toWireKey(Buffer.from(key))?.isBase64, true, key);
    assert.equal(toWireKey(Buffer.alloc(0)), undefined);
    assert.equal(
      toWireKey(Buffer.alloc(251, 0x61))?.isBase64,
      undefined,
      'a 251-byte key becomes 336 base64 chars',
    );
    assert.equal(toWireKey(Buffer.alloc(187, 0)), undefined, '187 bytes become 252 base64 chars');
    assert.equal(toWireKey(Buffer.alloc(186, 0))?.token.length, 248);
  });

  it('decodes metadump URI escapes to bytes, not to UTF-8 text', () => {
    assert.deepEqual(
      decodeUriKey('a%00%FF%5c+b'),
      Buffer.from([0x61, 0x00, 0xff, 0x5c, 0x2b, 0x62]),
    );
    assert.deepEqual(decodeUriKey('plain'), Buffer.from('plain'));
    assert.equal(decodeUriKey('bad%2'), undefined);
  });
});
