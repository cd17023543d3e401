import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tallyTarget } from '../../../../../renderer/components/wizard/target-tally.js';
import {
  keysMovedText,
  reportFileName,
  totalCounts,
} from '../../../../../renderer/components/wizard/resize-report.js';
import {
  checkNewServers,
  describeServerChange,
} from '../../../../../renderer/components/wizard/server-change.js';
import { doneSummary } from '../../../../../renderer/components/wizard/wizard-stepper.js';
import { doneStep, NEW_SERVERS, OLD_SERVERS, report } from './wizard-fixtures.js';

describe('wizard parts', () => {
  it('tells joining, leaving and staying nodes apart', () => {
    assert.deepEqual(describeServerChange(OLD_SERVERS, NEW_SERVERS), {
      joining: ['127.0.0.14:11211'],
      leaving: ['127.0.0.13:11211'],
      staying: ['127.0.0.11:11211', '127.0.0.12:11211'],
    });
  });

  it('checks the new server list as typed', () => {
    assert.deepEqual(checkNewServers('127.0.0.11:11211\n127.0.0.14:11211\n', OLD_SERVERS), {
      servers: ['127.0.0.11:11211', '127.0.0.14:11211'],
      problems: [],
      withImpliedPort: [],
    });
    assert.deepEqual(checkNewServers('[::1]:11211, mem-1.example:11211', []).problems, []);
    assert.deepEqual(checkNewServers('', OLD_SERVERS).problems, [
      'Enter the new server list, one host:port per line.',
    ]);
    const portless = checkNewServers('127.0.0.14\n127.0.0.15:99999', OLD_SERVERS);
    assert.deepEqual(portless.problems, [
      '"127.0.0.15:99999": port "99999" is not a number from 1 to 65535',
    ]);
    assert.deepEqual(portless.withImpliedPort, ['127.0.0.14']);
    assert.deepEqual(checkNewServers('127.0.0.14:1, 127.0.0.14:1', OLD_SERVERS).problems, [
      '127.0.0.14:1 is listed twice.',
    ]);
    assert.deepEqual(checkNewServers('127.0.0.14:1 127.0.0.15:1', OLD_SERVERS).problems, [
      '"127.0.0.14:1 127.0.0.15:1" has spaces in it: write one host:port per line, or separate them with commas.',
    ]);
    assert.deepEqual(checkNewServers(OLD_SERVERS.join('\n'), OLD_SERVERS).problems, [
      'The new list holds the same nodes as the current one: there is nothing to resize.',
    ]);
  });

  it('names a saved report after its cluster and day', () => {
    assert.equal(reportFileName(report()), 'astaire-resize-sprout-mem-2025-03-01.json');
    assert.equal(
      reportFileName(report({ clusterName: ' East / Sprout: mem ' })),
      'astaire-resize-East-Sprout-mem-2025-03-01.json',
    );
  });

  it('adds up what the resyncs moved', () => {
    const one = report();
    const [resync] = one.resyncs;
    assert.ok(resync);
    const two = report({ resyncs: [resync, { ...resync, target: '127.0.0.15:11211' }] });
    assert.deepEqual(totalCounts(two), {
      keys: 2000,
      bytes: 4 * 1024 * 1024,
      added: 1800,
      replaced: 80,
      skippedNewer: 110,
      alreadyThere: 40,
      raced: 10,
    });
  });

  it('says how many keys went into each node, not "into 4 nodes" when one took them all', () => {
    const [resync] = report().resyncs;
    assert.ok(resync);
    const idle = { ...resync.counts, keys: 0, bytes: 0, added: 0, replaced: 0 };
    const resyncs = [
      resync,
      // Finished out of the new servers' order: the text follows that order.
      ...['127.0.0.12:11211', '127.0.0.11:11211', '127.0.0.15:11211'].map((target) => ({
        ...resync,
        target,
        counts: idle,
      })),
    ];
    assert.equal(
      keysMovedText(report({ resyncs })),
      '1,000 keys, 2.0 MiB: 1,000 keys into 127.0.0.14:11211 (2.0 MiB); ' +
        'none into 127.0.0.11:11211, 127.0.0.12:11211 and 127.0.0.15:11211',
    );
  });

  it('counts a node resynced more than once (a repair of the blockers) as one node', () => {
    const [resync] = report().resyncs;
    assert.ok(resync);
    const repair = { ...resync, counts: { ...resync.counts, keys: 7, bytes: 7 * 1024 } };
    assert.equal(
      keysMovedText(report({ resyncs: [resync, repair] })),
      '1,007 keys, 2.0 MiB: 1,007 keys into 127.0.0.14:11211 (2.0 MiB)',
    );
  });

  it('tallies a target from its vbuckets, then from its summary once it ended', () => {
    const progress = {
      vbuckets: { 1: { state: 'pending' as const }, 2: { state: 'pending' as const } },
      streamedFrom: {},
      tally: { pending: 2, streaming: 0, done: 0, failed: 0 },
    };
    assert.deepEqual(tallyTarget('t', undefined, progress), {
      target: 't',
      state: 'waiting',
      worklist: 2,
      done: 0,
      failed: 0,
    });
    const [resync] = report().resyncs;
    assert.ok(resync);
    const job = {
      id: 'j',
      kind: 'resize' as const,
      clusterId: 'c1',
      targets: [resync.target],
      state: 'failed' as const,
      startedAt: 'x',
      rateLimit: 0,
      isPaused: false,
      resyncs: [{ ...resync, isComplete: false, done: 40, failed: [{ vbucket: 1, reason: 'r' }] }],
    };
    assert.deepEqual(tallyTarget(resync.target, job, progress), {
      target: resync.target,
      state: 'incomplete',
      worklist: 43,
      done: 40,
      failed: 1,
    });
  });

  it('sums up a done step in one line', () => {
    assert.equal(doneSummary(doneStep(2)), 'Done on 4 of 4 nodes, took 01:30.');
    assert.equal(
      doneSummary({ step: 3, state: 'succeeded', nodes: [], jobIds: ['a', 'b'] }),
      'Done by jobs a, b.',
    );
  });
});
