import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../core/errors.js';
import { computeStoreView, checkReplicaCount } from '../../../core/cluster/store-view.js';
import { viewVectors } from '../../support/reference-data.js';

describe('computeStoreView against the Clearwater reference', () => {
  for (const vector of viewVectors()) {
    it(vector.label, () => {
      const view = computeStoreView({ servers: vector.servers, newServers: vector.new_servers });
      assert.equal(view.vbuckets.length, vector.vbuckets.length);
      for (const expected of vector.vbuckets) {
        const actual = view.vbuckets[expected.vbucket];
        assert.ok(actual, `vbucket ${expected.vbucket}`);
        assert.deepEqual(
          {
            vbucket: actual.id,
            current_replicas: actual.currentReplicas,
            new_replicas: actual.newReplicas,
            read_set: actual.readSet,
            write_set: actual.writeSet,
            moving: actual.isMoving,
          },
          {
            vbucket: expected.vbucket,
            current_replicas: expected.current_replicas,
            new_replicas: expected.new_replicas,
            read_set: expected.read_set,
            write_set: expected.write_set,
            moving: expected.moving,
          },
          `${vector.label} vbucket ${expected.vbucket}`,
        );
      }
    });
  }
});

describe('computeStoreView options', () => {
  const servers = ['a:1', 'b:1', 'c:1', 'd:1'];

  it('gives each vbucket the configured number of distinct replicas', () => {
    const view = computeStoreView({ servers, newServers: [] }, { replicas: 3, vbuckets: 1024 });
    assert.equal(view.vbuckets.length, 1024);
    for (const vbucket of view.vbuckets) assert.equal(new Set(vbucket.currentReplicas).size, 3);
  });

  it('caps a stable view at the number of servers but not a resize', () => {
    const stable = computeStoreView({ servers: ['a:1'], newServers: [] }, { replicas: 3 });
    assert.deepEqual(stable.vbuckets[0]?.currentReplicas, ['a:1']);
    const resize = computeStoreView(
      { servers: ['a:1'], newServers: ['a:1', 'b:1'] },
      { replicas: 3 },
    );
    assert.equal(resize.vbuckets[0]?.currentReplicas.length, 3);
  });

  it('refuses impossible replica and vbucket counts', () => {
    assert.throws(() => checkReplicaCount(0), ConfigError);
    assert.throws(() => checkReplicaCount(1.5), ConfigError);
    assert.throws(
      () => computeStoreView({ servers, newServers: [] }, { vbuckets: 100 }),
      ConfigError,
    );
  });
});
