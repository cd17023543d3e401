import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { buildRing, ringReplicas } from '../../../core/cluster/ring.js';

const slotCounts = fc.constantFrom(1, 2, 8, 64, 128, 1024);

function slotsPerNode(ring: Int32Array, nodes: number): number[] {
  const counts = new Array<number>(nodes).fill(0);
  for (const node of ring) counts[node] = (counts[node] ?? 0) + 1;
  return counts;
}

describe('buildRing', () => {
  it('gives every slot to node 0 when it is alone, and nothing to nobody', () => {
    assert.deepEqual([...buildRing(1, 8)], [0, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(buildRing(0, 128).length, 0);
  });

  it('hands the second node every other slot, as the clients do', () => {
    assert.deepEqual([...buildRing(2, 8)], [1, 0, 1, 0, 1, 0, 1, 0]);
  });

  it('is balanced: slot counts differ by at most one (property)', () => {
    fc.assert(
      fc.property(slotCounts, fc.integer({ min: 1, max: 64 }), (slots, nodes) => {
        fc.pre(nodes <= slots);
        const counts = slotsPerNode(buildRing(nodes, slots), nodes);
        assert.ok(
          Math.max(...counts) - Math.min(...counts) <= 1,
          `${nodes} nodes: ${counts.join(',')}`,
        );
      }),
      { seed: 1, numRuns: 300 },
    );
  });

  it('is stable when growing: only slots given to the new node change owner (property)', () => {
    fc.assert(
      fc.property(slotCounts, fc.integer({ min: 1, max: 40 }), (slots, nodes) => {
        const before = buildRing(nodes, slots);
        const after = buildRing(nodes + 1, slots);
        for (let slot = 0; slot < slots; slot++) {
          if (after[slot] !== before[slot]) assert.equal(after[slot], nodes, `slot ${slot}`);
        }
      }),
      { seed: 2, numRuns: 300 },
    );
  });

  it('leaves nodes beyond the slot count with no slots', () => {
    assert.deepEqual(slotsPerNode(buildRing(6, 4), 6).filter((n) => n > 0).length, 4);
  });
});

describe('ringReplicas', () => {
  it('gives distinct replicas whenever the ring has enough nodes (property)', () => {
    fc.assert(
      fc.property(
        slotCounts,
        fc.integer({ min: 1, max: 32 }),
        fc.integer({ min: 1, max: 5 }),
        (slots, nodes, replicas) => {
          fc.pre(nodes <= slots && replicas <= nodes);
          const ring = buildRing(nodes, slots);
          for (let slot = 0; slot < slots; slot++) {
            const list = ringReplicas(ring, slot, replicas);
            assert.equal(list.length, replicas);
            assert.equal(new Set(list).size, replicas, `slot ${slot}: ${list.join(',')}`);
            assert.equal(list[0], ring[slot], 'the primary owns the slot');
          }
        },
      ),
      { seed: 3, numRuns: 200 },
    );
  });

  it('repeats the nodes it found when the ring has too few', () => {
    assert.deepEqual(ringReplicas(buildRing(1, 8), 3, 2), [0, 0]);
    assert.deepEqual(ringReplicas(buildRing(2, 8), 0, 3), [1, 0, 1]);
  });
});
