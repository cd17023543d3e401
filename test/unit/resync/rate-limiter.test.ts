import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter, type LimiterClock } from '../../../core/resync/rate-limiter.js';

/** A clock that moves only when the limiter sleeps. */
function fakeClock(): LimiterClock & { readonly elapsed: () => number } {
  let now = 0;
  return {
    now: () => now,
    sleep: (ms) => {
      now += ms;
      return Promise.resolve();
    },
    elapsed: () => now,
  };
}

describe('RateLimiter', () => {
  it('never lets more through than the limit, from the first second on', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(100_000, clock);
    // Ten batches of 20 KB at 100 KB/s: 200 KB take two seconds, the first included.
    for (let batch = 0; batch < 10; batch++) {
      await limiter.take(20_000);
      const sent = (batch + 1) * 20_000;
      assert.ok(
        sent <= (clock.elapsed() / 1000) * 100_000 + 1,
        `${sent} bytes by ${clock.elapsed()} ms is over 100 KB/s`,
      );
    }
    assert.ok(clock.elapsed() >= 2000, `done at ${clock.elapsed()} ms`);
  });

  it('lets a batch larger than a second’s worth go after its share of time', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(10_000, clock);
    await limiter.take(50_000);
    await limiter.take(1);
    assert.ok(clock.elapsed() >= 5000, `the second batch went at ${clock.elapsed()} ms`);
  });

  it('does not wait without a limit, and a limit set later holds from then on', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(0, clock);
    await limiter.take(10_000_000);
    assert.equal(clock.elapsed(), 0);
    limiter.setLimit(1_000);
    assert.equal(limiter.limit, 1_000);
    await limiter.take(1_000);
    // The 10 MB sent unlimited are not a debt: the next kilobyte waits one second, not 10,000.
    assert.ok(
      clock.elapsed() >= 1000 && clock.elapsed() < 2000,
      `the first batch under the limit went at ${clock.elapsed()} ms`,
    );
  });
});
