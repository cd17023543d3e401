import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeStoreView } from '../../../core/cluster/store-view.js';
import { firstAssignment, sourceShare, vbucketsHeld } from '../../../core/resync/source-share.js';

describe('source-share: the share of a source a resync takes', () => {
  it('counts the vbuckets each node holds, a node listed twice for one vbucket once', () => {
    // One server growing to two: during the resize each vbucket lists a:1 twice.
    const view = computeStoreView({ servers: ['a:1'], newServers: ['a:1', 'b:1'] });
    assert.ok(view.vbuckets.every((v) => v.currentReplicas.join() === 'a:1,a:1'));
    assert.deepEqual([...vbucketsHeld(view)], [['a:1', 128]]);

    const three = vbucketsHeld(
      computeStoreView({ servers: ['a:1', 'b:1', 'c:1'], newServers: [] }),
    );
    assert.equal(
      [...three.values()].reduce((sum, n) => sum + n, 0),
      128 * 2,
    );
  });

  it('is the vbuckets streamed over the vbuckets held, never more than the whole', () => {
    assert.equal(sourceShare(16, 64), 0.25);
    assert.equal(sourceShare(64, 64), 1);
    assert.equal(sourceShare(80, 64), 1);
    assert.equal(sourceShare(3, 0), 0);
  });

  it('assigns each worklist entry to its first replica', () => {
    const worklist = new Map([
      [1, ['a:1', 'b:1']],
      [2, ['b:1', 'a:1']],
      [3, ['a:1', 'c:1']],
      [4, []],
    ]);
    assert.deepEqual(
      [...firstAssignment(worklist)],
      [
        ['a:1', [1, 3]],
        ['b:1', [2]],
      ],
    );
  });
});
