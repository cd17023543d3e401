import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeStoreView } from '../../../core/cluster/store-view.js';
import {
  computeWorklist,
  computeWorklists,
  nodeRole,
  clusterNodes,
} from '../../../core/cluster/worklist.js';
import fc from 'fast-check';
import { worklistToJson } from '../../../core/cluster/plan.js';
import { worklistVectors } from '../../support/reference-data.js';

describe('computeWorklist against the Clearwater reference', () => {
  const vectors = worklistVectors();

  it('covers every role and both kinds of resync', () => {
    const roles = new Set(vectors.map((v) => v.role));
    for (const role of ['joining', 'staying', 'leaving', 'joining-from-empty', 'stable']) {
      assert.ok(roles.has(role), role);
    }
    assert.ok(vectors.some((v) => v.full) && vectors.some((v) => !v.full));
  });

  for (const vector of vectors) {
    it(`${vector.label} ${vector.self} ${vector.full ? 'full' : 'minimal'}`, () => {
      const settings = { servers: vector.servers, newServers: vector.new_servers };
      assert.equal(nodeRole(settings, vector.self), vector.role);
      const worklist = computeWorklist(computeStoreView(settings), vector.self, {
        full: vector.full,
      });
      assert.deepEqual(worklistToJson(worklist), vector.owl);
    });
  }
});

describe('nodeRole and clusterNodes', () => {
  it('calls a node named in neither list not a member', () => {
    assert.equal(nodeRole({ servers: ['a:1'], newServers: [] }, 'b:1'), 'not-a-member');
    assert.equal(nodeRole({ servers: ['a:1'], newServers: ['c:1'] }, 'b:1'), 'not-a-member');
  });

  it('lists each node once, current servers first', () => {
    assert.deepEqual(clusterNodes({ servers: ['b:1', 'a:1', 'b:1'], newServers: ['c:1', 'a:1'] }), [
      'b:1',
      'a:1',
      'c:1',
    ]);
  });

  it('gives a minimal worklist only vbuckets the node does not hold now', () => {
    const settings = { servers: ['a:1', 'b:1', 'c:1'], newServers: ['a:1', 'b:1', 'c:1', 'd:1'] };
    const view = computeStoreView(settings);
    for (const node of clusterNodes(settings)) {
      for (const [id, sources] of computeWorklist(view, node, { full: false })) {
        const vbucket = view.vbuckets[id];
        assert.ok(vbucket?.newReplicas?.includes(node));
        assert.ok(!vbucket?.currentReplicas.includes(node));
        assert.deepEqual(sources, vbucket?.currentReplicas);
      }
    }
  });
});

describe('computeWorklists', () => {
  it('gives each node the same worklist as computeWorklist (property)', () => {
    const name = fc.constantFrom('a:1', 'b:1', 'c:1', 'd:1', 'e:1', 'f:1');
    fc.assert(
      fc.property(
        fc.array(name, { maxLength: 6 }),
        fc.array(name, { maxLength: 6 }),
        fc.boolean(),
        (servers, newServers, full) => {
          const settings = { servers, newServers };
          const view = computeStoreView(settings);
          const nodes = clusterNodes(settings);
          const all = computeWorklists(view, nodes, { full });
          for (const node of nodes) {
            assert.deepEqual(all.get(node), computeWorklist(view, node, { full }), node);
          }
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });
});
