import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  positionOfRate,
  RATE_STEPS_MIB,
  rateAtPosition,
} from '../../../../../renderer/components/live/rate-slider.js';

const MIB = 1024 * 1024;

describe('rate slider stops', () => {
  it('ends at no limit, and maps each stop to its rate and back', () => {
    assert.equal(rateAtPosition(RATE_STEPS_MIB.length), 0);
    assert.equal(positionOfRate(0), RATE_STEPS_MIB.length);
    RATE_STEPS_MIB.forEach((mib, position) => {
      assert.equal(rateAtPosition(position), mib * MIB);
      assert.equal(positionOfRate(mib * MIB), position);
    });
  });

  it('puts a rate between stops on the nearest one', () => {
    assert.equal(RATE_STEPS_MIB[positionOfRate(12 * MIB)], 10);
    assert.equal(RATE_STEPS_MIB[positionOfRate(40 * MIB)], 50);
    assert.equal(RATE_STEPS_MIB[positionOfRate(1)], 1);
    assert.equal(RATE_STEPS_MIB[positionOfRate(5000 * MIB)], 500);
  });
});
