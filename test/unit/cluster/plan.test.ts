import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPlan, planToJson } from '../../../core/cluster/plan.js';

describe('buildPlan', () => {
  const settings = { servers: ['a:1', 'b:1', 'c:1'], newServers: ['a:1', 'b:1', 'd:1', 'e:1'] };
  const plan = buildPlan(settings);

  it('counts moving vbuckets as the view marks them', () => {
    assert.equal(plan.movingVbuckets, plan.view.vbuckets.filter((v) => v.isMoving).length);
    assert.ok(plan.movingVbuckets > 0);
  });

  it('gives every node its role, in current-then-new order', () => {
    assert.deepEqual(
      plan.nodes.map((n) => [n.name, n.role]),
      [
        ['a:1', 'staying'],
        ['b:1', 'staying'],
        ['c:1', 'leaving'],
        ['d:1', 'joining'],
        ['e:1', 'joining'],
      ],
    );
  });

  it('accounts for every vbucket in the primary matrix and the per-node counts', () => {
    let matrixTotal = 0;
    for (const row of plan.primaryMoves.values())
      for (const count of row.values()) matrixTotal += count;
    assert.equal(matrixTotal, 128);
    assert.equal(
      plan.nodes.reduce((sum, n) => sum + n.primaryBefore, 0),
      128,
    );
    assert.equal(
      plan.nodes.reduce((sum, n) => sum + n.primaryAfter, 0),
      128,
    );
    const leaving = plan.nodes.find((n) => n.role === 'leaving');
    assert.equal(leaving?.vbucketsAfter, 0);
  });

  it('makes every new replica that lacks a vbucket fetch it (minimal worklists cover the move)', () => {
    for (const vbucket of plan.view.vbuckets) {
      for (const name of vbucket.newReplicas ?? []) {
        if (vbucket.currentReplicas.includes(name)) continue;
        const node = plan.nodes.find((n) => n.name === name);
        assert.deepEqual(
          node?.minimal.get(vbucket.id),
          vbucket.currentReplicas,
          `${name} vbucket ${vbucket.id}`,
        );
      }
    }
  });

  it('serialises worklists with decimal-string vbucket keys in vbucket order', () => {
    const json = planToJson(plan);
    const keys = Object.keys(json.worklists['d:1']?.minimal ?? {});
    assert.deepEqual(
      keys,
      [...keys].sort((x, y) => Number(x) - Number(y)),
    );
    assert.ok(keys.every((k) => /^(0|[1-9][0-9]*)$/.test(k)));
  });
});
