import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeProgress,
  progressFraction,
  RUNNING_CAP,
  type KeyProgress,
} from '../../../../../renderer/components/live/key-progress.js';

const RUNNING: KeyProgress = {
  movedKeys: 2_500,
  movedBytes: 2_500 * 2048,
  estimatedKeys: 10_000,
  isEnded: false,
};

describe('key progress', () => {
  it('measures keys moved against the estimate, not vbuckets done', () => {
    assert.equal(progressFraction(RUNNING), 0.25);
    assert.equal(describeProgress(RUNNING), '25% · 2,500 of ~10,000 keys · 4.9 MiB of ~19.5 MiB');
  });

  it('has no share while the sources have not all counted their keys', () => {
    const counting = { ...RUNNING, estimatedKeys: undefined };
    assert.equal(progressFraction(counting), undefined);
    assert.equal(
      describeProgress(counting),
      '2,500 keys, 4.9 MiB so far; counting the keys to move…',
    );
  });

  it('stops short of full while running, even past a low estimate', () => {
    assert.equal(progressFraction({ ...RUNNING, movedKeys: 12_000 }), RUNNING_CAP);
    assert.equal(progressFraction({ ...RUNNING, estimatedKeys: 0, movedKeys: 0 }), 0);
    assert.equal(progressFraction({ ...RUNNING, estimatedKeys: 0, movedKeys: 3 }), RUNNING_CAP);
  });

  it('is full once ended, and says what moved', () => {
    const ended = { ...RUNNING, isEnded: true };
    assert.equal(progressFraction(ended), 1);
    assert.equal(describeProgress(ended), '2,500 keys, 4.9 MiB moved');
  });

  it('gives no byte total before the first key has moved', () => {
    const none = { ...RUNNING, movedKeys: 0, movedBytes: 0 };
    assert.equal(describeProgress(none), '0% · 0 of ~10,000 keys · 0 B');
  });
});
