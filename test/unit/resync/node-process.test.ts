import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeProcess,
  isSameProcess,
  processFromStats,
} from '../../../core/resync/node-process.js';

const stats = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('node-process', () => {
  it('reads the pid and the start time (time - uptime) from stats', () => {
    assert.deepEqual(processFromStats(stats({ pid: '812', time: '1800000100', uptime: '100' })), {
      pid: 812,
      startedAt: 1_800_000_000,
    });
  });

  it('gives nothing when a server does not report them', () => {
    assert.equal(processFromStats(stats({ pid: '812', time: '1800000100' })), undefined);
    assert.equal(processFromStats(stats({ pid: 'x', time: '1', uptime: '1' })), undefined);
  });

  it('one process read twice a second apart is the same; a new pid or start time is not', () => {
    const first = { pid: 812, startedAt: 1_800_000_000 };
    assert.ok(isSameProcess(first, { pid: 812, startedAt: 1_800_000_001 }));
    assert.ok(!isSameProcess(first, { pid: 813, startedAt: 1_800_000_000 }));
    // A container restarted gives the same pid to a process started later.
    assert.ok(!isSameProcess(first, { pid: 812, startedAt: 1_800_000_030 }));
  });

  it('describes a process for an operator', () => {
    assert.equal(
      describeProcess({ pid: 812, startedAt: 1_800_000_000 }),
      'pid 812, started 2027-01-15T08:00:00.000Z',
    );
  });
});
