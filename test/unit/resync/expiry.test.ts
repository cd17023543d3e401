import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_RELATIVE_EXPTIME, exptimeForCopy } from '../../../core/resync/expiry.js';

const readAtMs = 1_700_000_000_500;
const readAtS = 1_700_000_000;

describe('exptimeForCopy', () => {
  it('a rate-limit wait between fetch and write no longer lengthens a copy’s life', () => {
    assert.equal(exptimeForCopy(3600, readAtMs, readAtMs + 4_400), 3596);
    assert.equal(exptimeForCopy(2, readAtMs, readAtMs + 1_000), 1);
    const beyondThirtyDays = MAX_RELATIVE_EXPTIME + 10;
    assert.equal(
      exptimeForCopy(beyondThirtyDays, readAtMs, readAtMs + 4_400),
      readAtS + beyondThirtyDays,
      'an absolute expiry comes from the read, not the write',
    );
  });

  it('a key that expired while its batch waited is not copied, never turned into "never"', () => {
    assert.equal(exptimeForCopy(2, readAtMs, readAtMs + 2_000), undefined);
    assert.equal(exptimeForCopy(1, readAtMs, readAtMs + 5_000), undefined);
    assert.equal(exptimeForCopy(0, readAtMs, readAtMs), undefined);
  });

  it('copies a TTL written at once as read: never, 1 s, 30 days relative, beyond absolute', () => {
    assert.equal(exptimeForCopy(-1, readAtMs, readAtMs + 9_000_000), 0);
    assert.equal(exptimeForCopy(1, readAtMs, readAtMs + 5), 1);
    assert.equal(exptimeForCopy(MAX_RELATIVE_EXPTIME, readAtMs, readAtMs), MAX_RELATIVE_EXPTIME);
    assert.equal(
      exptimeForCopy(MAX_RELATIVE_EXPTIME + 1, readAtMs, readAtMs),
      readAtS + MAX_RELATIVE_EXPTIME + 1,
    );
  });

  it('a clock that went back between read and write changes nothing', () => {
    assert.equal(exptimeForCopy(10, readAtMs, readAtMs - 3_000), 10);
  });
});
