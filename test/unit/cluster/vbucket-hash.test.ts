import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../core/errors.js';
import {
  checkVbucketCount,
  keyHash,
  vbucketOfHash,
  vbucketOfKey,
} from '../../../core/cluster/vbucket-hash.js';
import { vbucketVectors } from '../../support/reference-data.js';

describe('keyHash and vbucketOfKey against the Clearwater reference', () => {
  const vectors = vbucketVectors();

  it('covers the awkward keys the reference promises', () => {
    const lengths = vectors.map((v) => Buffer.from(v.key_b64, 'base64').length);
    assert.ok(lengths.includes(0), 'the empty key');
    assert.ok(
      lengths.some((n) => n >= 250),
      'keys of 250 bytes and more',
    );
    assert.ok(
      vectors.some((v) => v.key === undefined),
      'keys that are not printable ASCII',
    );
  });

  it('computes every reference hash and vbucket from the raw key bytes', () => {
    for (const vector of vectors) {
      const key = Buffer.from(vector.key_b64, 'base64');
      assert.equal(keyHash(key), vector.hash, `hash of ${vector.key_b64}`);
      assert.equal(vbucketOfKey(key), vector.vbucket, `vbucket of ${vector.key_b64}`);
    }
  });
});

describe('vbucket counts', () => {
  it('masks the hash by the vbucket count', () => {
    assert.equal(vbucketOfHash(0xffffffff, 1), 0);
    assert.equal(vbucketOfHash(0xffffffff, 4096), 4095);
    assert.equal(vbucketOfHash(3649838548, 128), 84);
    assert.equal(vbucketOfHash(3649838548, 1024), 3649838548 % 1024);
  });

  it('accepts powers of two and refuses anything else', () => {
    for (const good of [1, 2, 128, 4096, 65536]) assert.equal(checkVbucketCount(good), good);
    for (const bad of [0, -128, 3, 100, 127.5, 131072, Number.NaN]) {
      assert.throws(() => checkVbucketCount(bad), ConfigError, String(bad));
    }
  });
});
