import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  NO_LIMIT_POSITION,
  parseRateLimit,
  positionOfRate,
  rateAtStop,
  rateForKey,
  stopAbove,
  stopBelow,
  THROTTLE_STOPS,
} from '../../../../../renderer/components/throttle/throttle-stops.js';
import { formatRateLimit } from '../../../../../core/util/format-units.js';

const KIB = 1024;
const MIB = 1024 * KIB;

describe('throttle stops', () => {
  it('goes below 1 MiB/s, rises in order and ends at no limit', () => {
    assert.equal(THROTTLE_STOPS[0], 64 * KIB);
    assert.ok(THROTTLE_STOPS.includes(256 * KIB) && THROTTLE_STOPS.includes(512 * KIB));
    THROTTLE_STOPS.forEach((stop, position) => {
      if (position > 0) assert.ok(stop > (THROTTLE_STOPS[position - 1] ?? Infinity));
      assert.equal(rateAtStop(position), stop);
      assert.equal(positionOfRate(stop), position);
    });
    assert.equal(rateAtStop(NO_LIMIT_POSITION), 0);
    assert.equal(positionOfRate(0), NO_LIMIT_POSITION);
  });

  it('places a rate between stops between them, not on one (0.3 MiB/s: between 256 and 512 KiB/s)', () => {
    const position = positionOfRate(parseRateLimit('0.3') ?? 0);
    const at256 = THROTTLE_STOPS.indexOf(256 * KIB);
    assert.ok(position > at256 && position < at256 + 1, `position ${position}`);
    // 307 KiB is a quarter of the way from 256 to 512 on a log scale.
    assert.ok(Math.abs(position - at256 - Math.log2(0.3 * 4)) < 1e-5);
    assert.equal(positionOfRate(10 * KIB), 0);
    assert.equal(positionOfRate(5000 * MIB), NO_LIMIT_POSITION - 1);
  });

  it('moves from a rate between stops to a neighbour, never further', () => {
    const rate = parseRateLimit('0.3') ?? 0;
    assert.equal(stopAbove(rate), 512 * KIB);
    assert.equal(stopBelow(rate), 256 * KIB);
    assert.equal(rateForKey('ArrowRight', rate), 512 * KIB);
    assert.equal(rateForKey('ArrowLeft', rate), 256 * KIB);
    assert.equal(rateForKey('PageDown', 3 * MIB), 2 * MIB);
    assert.equal(rateForKey('ArrowUp', 1 * MIB), 2 * MIB);
    assert.equal(rateForKey('ArrowDown', 1 * MIB), 512 * KIB);
    assert.equal(rateForKey('Home', 50 * MIB), 64 * KIB);
    assert.equal(rateForKey('End', 50 * MIB), 0);
    assert.equal(rateForKey('Tab', 50 * MIB), undefined);
  });

  it('goes from the fastest stop to no limit and back, and stays put below the slowest', () => {
    const fastest = THROTTLE_STOPS.at(-1) ?? 0;
    assert.equal(stopAbove(fastest), 0);
    assert.equal(stopAbove(fastest * 2), 0);
    assert.equal(stopBelow(0), fastest);
    assert.equal(stopAbove(0), 0);
    assert.equal(stopBelow(64 * KIB), 64 * KIB);
    assert.equal(stopBelow(10 * KIB), 10 * KIB);
    assert.equal(stopAbove(10 * KIB), 64 * KIB);
  });

  it('reads a typed rate in MiB/s, or with its unit, and says when it is not one', () => {
    assert.equal(parseRateLimit(''), 0);
    assert.equal(parseRateLimit(' 0 '), 0);
    assert.equal(parseRateLimit('no limit'), 0);
    assert.equal(parseRateLimit('1.5'), 1.5 * MIB);
    assert.equal(parseRateLimit('0.3 MiB/s'), Math.round(0.3 * MIB));
    assert.equal(parseRateLimit('307 KiB/s'), 307 * KIB);
    assert.equal(parseRateLimit('20M'), 20 * MIB);
    assert.equal(parseRateLimit('1 GiB'), 1024 * MIB);
    assert.equal(parseRateLimit('.5'), 0.5 * MIB);
    for (const typo of ['-1', 'fast', '1.2.3', '5 MB/s', '1e3', '0.0000001', '9'.repeat(20)]) {
      assert.equal(parseRateLimit(typo), null, typo);
    }
  });

  it('reads a rate back as the header reads it (one unit rule)', () => {
    assert.equal(formatRateLimit(parseRateLimit('0.3') ?? 0), '307 KiB/s');
    assert.equal(parseRateLimit(formatRateLimit(512 * KIB)), 512 * KIB);
    assert.equal(formatRateLimit(0), 'no limit');
  });
});
