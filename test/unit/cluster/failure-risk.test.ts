import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resizeFailureRisk } from '../../../core/cluster/failure-risk.js';
import { computeStoreView } from '../../../core/cluster/store-view.js';

const A = '127.0.0.1:11211';
const B = '127.0.0.2:11211';
const C = '127.0.0.3:11211';
const D = '127.0.0.4:11211';

describe('resizeFailureRisk', () => {
  // Outside a resize, a node failing leaves each of its vbuckets one copy in a two-replica
  // cluster: the old rule listed that (86 vbuckets on every node of a 3 -> 4 resize) as a risk.
  it('lists nothing for a 3 -> 4 resize of a two-replica cluster', () => {
    const view = computeStoreView({ servers: [A, B, C], newServers: [A, B, C, D] });
    const risk = resizeFailureRisk(view);
    assert.deepEqual(risk.ifNodeFails, [
      { node: A, singleCopy: [], noCopy: [] },
      { node: B, singleCopy: [], noCopy: [] },
      { node: C, singleCopy: [], noCopy: [] },
    ]);
  });

  it('lists nothing for a 4 -> 3 resize, the leaving node included', () => {
    const view = computeStoreView({ servers: [A, B, C, D], newServers: [A, B, C] });
    assert.deepEqual(
      resizeFailureRisk(view).ifNodeFails,
      [A, B, C, D].map((node) => ({ node, singleCopy: [], noCopy: [] })),
    );
  });

  it('does not list what a one-server cluster loses with or without a resize', () => {
    const view = computeStoreView({ servers: [A], newServers: [A, B] });
    assert.deepEqual(resizeFailureRisk(view).ifNodeFails, [
      { node: A, singleCopy: [], noCopy: [] },
    ]);
  });

  it('lists a vbucket left short of both steady states, as when a current replica is not written', () => {
    const view = computeStoreView({ servers: [A, B, C], newServers: [A, B, C, D] });
    // A moving vbucket with a server that holds it in neither layout.
    const holdsNot = (v: (typeof view.vbuckets)[number], node: string) =>
      !v.currentReplicas.includes(node) && !(v.newReplicas ?? []).includes(node);
    const short = view.vbuckets.find((v) => v.isMoving && [A, B, C].some((n) => holdsNot(v, n)));
    assert.ok(short);
    const [kept, unwritten] = short.currentReplicas as [string, string];
    const changed = {
      ...view,
      vbuckets: view.vbuckets.map((v) =>
        v === short ? { ...v, writeSet: v.writeSet.filter((node) => node !== unwritten) } : v,
      ),
    };
    const byNode = new Map(resizeFailureRisk(changed).ifNodeFails.map((e) => [e.node, e]));
    // The one full copy left is `kept`: its failure leaves none, another's leaves one where two
    // layouts without a resize keep two.
    assert.deepEqual(byNode.get(kept), { node: kept, singleCopy: [], noCopy: [short.id] });
    const bystander = [A, B, C].find((node) => holdsNot(short, node));
    assert.ok(bystander);
    assert.deepEqual(byNode.get(bystander), {
      node: bystander,
      singleCopy: [short.id],
      noCopy: [],
    });
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
