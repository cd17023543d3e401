import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderKeysMoved, renderResyncSummary } from '../../../core/cli/resync-report.js';
import { emptyCounts, type ResyncCounts } from '../../../core/resync/resync-counts.js';
import type { ResyncSummary } from '../../../core/resync/resync-engine.js';

const NODES = ['127.0.0.1:11211', '127.0.0.2:11211', '127.0.0.3:11211', '127.0.0.4:11211'];

function summary(target: string, counts: Partial<ResyncCounts>): ResyncSummary {
  return {
    target,
    full: false,
    startedAt: '2026-01-01T00:00:00Z',
    durationMs: 1000,
    vbuckets: 32,
    done: 32,
    failed: [],
    cancelled: false,
    counts: { ...emptyCounts(), ...counts },
    perVbucket: new Map(),
    sources: [],
    passes: [],
    unconfirmedKeys: 0,
    tagWritten: true,
    targetEvictions: 0,
    isComplete: true,
    error: undefined,
  };
}

describe('the resize report in the terminal', () => {
  it('names the one node that received the keys, not "into 4 nodes"', () => {
    // Finishing order differs from the list's: the line follows new_servers.
    const summaries = [
      summary(NODES[3] as string, { keys: 4000, bytes: 3 * 1024 * 1024 }),
      ...NODES.slice(0, 3).map((node) => summary(node, {})),
    ];
    assert.equal(
      renderKeysMoved(NODES, summaries),
      'Keys moved: 4,000 keys, 3.0 MiB: 4,000 keys into 127.0.0.4:11211 (3.0 MiB); ' +
        'none into 127.0.0.1:11211, 127.0.0.2:11211 and 127.0.0.3:11211\n',
    );
  });

  it('gives each node that received keys its own count', () => {
    const summaries = [
      summary(NODES[0] as string, { keys: 1, bytes: 10 }),
      summary(NODES[1] as string, { keys: 2500, bytes: 2048 }),
    ];
    assert.equal(
      renderKeysMoved(NODES.slice(0, 2), summaries),
      'Keys moved: 2,501 keys, 2.0 KiB: 1 key into 127.0.0.1:11211 (10 B); ' +
        '2,500 keys into 127.0.0.2:11211 (2.0 KiB)\n',
    );
  });

  it('counts identical copies as already there, apart from newer ones', () => {
    const text = renderResyncSummary(
      summary(NODES[3] as string, { keys: 10, added: 4, skippedNewer: 2, alreadyThere: 4 }),
    );
    assert.match(text, /2 kept \(newer on target\), 4 already there,/);
  });
});
