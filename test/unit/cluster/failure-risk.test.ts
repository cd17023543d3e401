import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resizeFailureRisk } from '../../../core/cluster/failure-risk.js';
import { computeStoreView } from '../../../core/cluster/store-view.js';

const A = '127.0.0.1:11211';
const B = '127.0.0.2:11211';
const C = '127.0.0.3:11211';
const D = '127.0.0.4:11211';

describe('resizeFailureRisk', () => {
  it('leaves every vbucket a failed node held with one copy when each has two distinct replicas', () => {
    const view = computeStoreView({ servers: [A, B, C], newServers: [A, B, C, D] });
    const risk = resizeFailureRisk(view);
    assert.deepEqual(
      risk.ifNodeFails.map((entry) => entry.node),
      [A, B, C],
    );
    for (const entry of risk.ifNodeFails) {
      const held = view.vbuckets
        .filter((v) => v.currentReplicas.includes(entry.node))
        .map((v) => v.id);
      assert.deepEqual(entry.singleCopy, held);
      assert.deepEqual(entry.noCopy, []);
    }
  });

  it('says a one-server cluster keeps no copy when its server fails', () => {
    const view = computeStoreView({ servers: [A], newServers: [A, B] });
    const [only] = resizeFailureRisk(view).ifNodeFails;
    assert.equal(only?.noCopy.length, 128);
    assert.equal(only?.singleCopy.length, 0);
  });

  it('counts every vbucket as re-homed when the new servers replace all the old ones', () => {
    const view = computeStoreView({ servers: [A, B], newServers: [C, D] });
    assert.equal(resizeFailureRisk(view).fullyRehomed.length, 128);
  });

  it('does not count a vbucket that keeps one of its current replicas', () => {
    const view = computeStoreView({ servers: [A, B, C], newServers: [A, B, C, D] });
    const rehomed = new Set(resizeFailureRisk(view).fullyRehomed);
    for (const v of view.vbuckets) {
      const keepsOne = (v.newReplicas ?? []).some((n) => v.currentReplicas.includes(n));
      assert.equal(rehomed.has(v.id), !keepsOne, `vbucket ${v.id}`);
    }
  });

  it('reports nothing re-homed when no resize is in progress', () => {
    const view = computeStoreView({ servers: [A, B, C], newServers: [] });
    assert.deepEqual(resizeFailureRisk(view).fullyRehomed, []);
  });
});
