/**
 * The clients' deterministic ring, which assigns each vbucket (ring slot) to a list position.
 *
 * The ring knows positions, not names: position i is the i-th entry of a server list, so a
 * reordered list is a different allocation and a duplicated entry holds two positions. Every client
 * builds the same ring from the same count, which is what lets them agree without talking.
 *
 * Construction, as the clients behave: one node owns every slot; each further node k (0-based)
 * takes floor(slots / (k + 1)) slots, one at a time, each from whichever node owns the most slots
 * at that moment (ties go to the highest-numbered node). The i-th slot taken (i from 0) is the one
 * at index i of the donor's current slot list in slot order, that list shrinking as it gives.
 */

/** For each slot, the position of the node that owns it. Empty when there are no nodes. */
export type Ring = Int32Array;

export function buildRing(nodeCount: number, slots: number): Ring {
  const ring = new Int32Array(nodeCount === 0 ? 0 : slots);
  if (nodeCount === 0) return ring;

  // owned[n] lists node n's slots in increasing order; slots are only ever removed from a donor's
  // list and appended to the newest node, so keeping the order costs a splice, never a sort.
  const owned: number[][] = [Array.from({ length: slots }, (_, slot) => slot)];
  for (let node = 1; node < nodeCount; node++) {
    const taken: number[] = [];
    const toTake = Math.floor(slots / (node + 1));
    for (let i = 0; i < toTake; i++) {
      const donor = mostLoadedNode(owned);
      const donorSlots = owned[donor] as number[];
      // The modulo only matters for tiny rings, where the donor can hold fewer than i slots.
      const [slot] = donorSlots.splice(i % donorSlots.length, 1) as [number];
      taken.push(slot);
      ring[slot] = node;
    }
    owned.push(taken.sort((a, b) => a - b));
  }
  return ring;
}

/**
 * The replica positions of one slot: walk the ring from the slot, collecting each node the first
 * time it is met, until `replicas` are found. When the ring holds fewer distinct nodes than that
 * (one server during a resize), the list is completed by repeating those found, in order, so a
 * one-node ring gives [n0, n0] as the clients' does (see the reference vectors `resize-1-*`); this
 * is why a resize can show a vbucket "moving" from [a, a] to [b, a].
 */
export function ringReplicas(ring: Ring, slot: number, replicas: number): number[] {
  const found: number[] = [];
  if (ring.length === 0 || replicas <= 0) return found;
  for (let step = 0; step < ring.length && found.length < replicas; step++) {
    const node = ring[(slot + step) % ring.length] as number;
    if (!found.includes(node)) found.push(node);
  }
  const distinct = found.length;
  for (let i = 0; found.length < replicas; i++) found.push(found[i % distinct] as number);
  return found;
}

function mostLoadedNode(owned: readonly (readonly number[])[]): number {
  let best = 0;
  for (let node = 1; node < owned.length; node++) {
    if ((owned[node] as readonly number[]).length >= (owned[best] as readonly number[]).length) {
      best = node;
    }
  }
  return best;
}
