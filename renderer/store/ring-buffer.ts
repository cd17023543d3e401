/**
 * A fixed-capacity FIFO for live samples: push is O(1) and never allocates once full, the oldest
 * sample is overwritten, and memory stays bounded however long a resync runs.
 */
export class RingBuffer<T> {
  private readonly slots: (T | undefined)[];
  // Index of the oldest item.
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`a ring buffer needs a whole capacity of at least 1, not ${capacity}`);
    }
    this.slots = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Appends `item`, dropping the oldest when full. */
  push(item: T): void {
    if (this.count < this.capacity) {
      this.slots[(this.head + this.count) % this.capacity] = item;
      this.count++;
      return;
    }
    this.slots[this.head] = item;
    this.head = (this.head + 1) % this.capacity;
  }

  /** The item `index` places after the oldest (0 = oldest); undefined outside 0..size-1. */
  at(index: number): T | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) return undefined;
    return this.slots[(this.head + index) % this.capacity];
  }

  /** The newest item. */
  last(): T | undefined {
    return this.at(this.count - 1);
  }

  /** Oldest to newest, as a new array (for a chart's data). */
  toArray(): T[] {
    const items: T[] = [];
    for (const item of this) items.push(item);
    return items;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.head = 0;
    this.count = 0;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.count; i++) {
      yield this.slots[(this.head + i) % this.capacity] as T;
    }
  }
}
