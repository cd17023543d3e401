import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RingBuffer } from '../../../../renderer/store/ring-buffer.js';

describe('RingBuffer', () => {
  it('keeps items oldest first until it is full', () => {
    const buffer = new RingBuffer<number>(4);
    assert.equal(buffer.size, 0);
    assert.equal(buffer.last(), undefined);
    buffer.push(1);
    buffer.push(2);
    buffer.push(3);
    assert.equal(buffer.size, 3);
    assert.deepEqual(buffer.toArray(), [1, 2, 3]);
    assert.equal(buffer.at(0), 1);
    assert.equal(buffer.last(), 3);
  });

  it('overwrites the oldest item once full, and never grows past its capacity', () => {
    const buffer = new RingBuffer<number>(3);
    for (let i = 1; i <= 10; i++) {
      buffer.push(i);
      assert.equal(buffer.size, Math.min(i, 3));
      assert.equal(buffer.last(), i);
    }
    assert.deepEqual(buffer.toArray(), [8, 9, 10]);
    assert.deepEqual([...buffer], [8, 9, 10]);
  });

  it('reads every wrap position in order', () => {
    const capacity = 5;
    for (let pushes = 0; pushes <= 3 * capacity; pushes++) {
      const buffer = new RingBuffer<number>(capacity);
      for (let i = 0; i < pushes; i++) buffer.push(i);
      const expected = Array.from(
        { length: Math.min(pushes, capacity) },
        (_, k) => Math.max(0, pushes - capacity) + k,
      );
      assert.deepEqual(buffer.toArray(), expected, `after ${pushes} pushes`);
      expected.forEach((item, index) => assert.equal(buffer.at(index), item));
    }
  });

  it('answers undefined outside 0..size-1', () => {
    const buffer = new RingBuffer<string>(2);
    buffer.push('a');
    assert.equal(buffer.at(-1), undefined);
    assert.equal(buffer.at(1), undefined);
    assert.equal(buffer.at(0.5), undefined);
  });

  it('empties on clear and fills again from the start', () => {
    const buffer = new RingBuffer<number>(2);
    [1, 2, 3].forEach((n) => buffer.push(n));
    buffer.clear();
    assert.equal(buffer.size, 0);
    assert.deepEqual(buffer.toArray(), []);
    buffer.push(4);
    assert.deepEqual(buffer.toArray(), [4]);
  });

  it('refuses a capacity that is not a whole number of at least 1', () => {
    for (const capacity of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => new RingBuffer(capacity), RangeError);
    }
  });
});
