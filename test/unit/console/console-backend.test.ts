import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dispatch, type ConsoleBackend } from '../../../core/console/console-backend.js';
import { CHANNELS, type Channel } from '../../../core/console/contract.js';
import { ConfigError } from '../../../core/errors.js';

/** A backend that records what reached it; `fail` makes it throw. */
function recordingBackend(fail?: Error) {
  const calls: { channel: Channel; request: unknown }[] = [];
  const backend: ConsoleBackend = {
    async handle(channel, request) {
      calls.push({ channel, request });
      if (fail !== undefined) throw fail;
      return null as never;
    },
    subscribe: () => () => undefined,
  };
  return { backend, calls };
}

/** A well-formed request for every channel, and one that each must refuse. */
const SAMPLES: Record<Channel, { good: unknown; bad: unknown }> = {
  'app:info': { good: null, bad: {} },
  'clusters:list': { good: null, bad: { all: true } },
  'clusters:save': {
    good: { definition: { name: 'prod', servers: ['10.0.0.1:11211'], newServers: [] } },
    bad: { definition: { name: 'prod', servers: '10.0.0.1:11211', newServers: [] } },
  },
  'clusters:remove': { good: { id: 'abc' }, bad: { id: 7 } },
  'cluster:status': { good: { clusterId: 'abc' }, bad: { clusterId: '' } },
  'clusters:import-settings': {
    good: { text: 'servers=10.0.0.1:11211\n', fileName: 'cluster_settings' },
    bad: { text: 'servers=10.0.0.1:11211\n' },
  },
  'ssh:hosts': { good: null, bad: { all: true } },
  'plan:preview': { good: { clusterId: 'abc' }, bad: { clusterId: 'abc', extra: 1 } },
  'plan:estimate': { good: { clusterId: 'abc', full: false }, bad: { clusterId: 'abc' } },
  'jobs:start': {
    good: { kind: 'resync', clusterId: 'abc', target: '10.0.0.1:11211', full: false },
    bad: { kind: 'format-disk', clusterId: 'abc' },
  },
  'jobs:list': { good: null, bad: 'everything' },
  'jobs:replay': { good: null, bad: { jobId: 'j1' } },
  'jobs:cancel': { good: { jobId: 'j1' }, bad: {} },
  'jobs:set-rate': {
    good: { jobId: 'j1', bytesPerSecond: 1024 },
    bad: { jobId: 'j1', bytesPerSecond: -1 },
  },
  'jobs:pause': { good: { jobId: 'j1' }, bad: { jobId: '' } },
  'jobs:resume': { good: { jobId: 'j1' }, bad: { job: 'j1' } },
  'wizard:get': { good: { clusterId: 'abc' }, bad: { clusterId: null } },
  'wizard:begin': {
    good: { clusterId: 'abc', newServers: ['10.0.0.1:11211', '10.0.0.2:11211'] },
    bad: { clusterId: 'abc', newServers: [] },
  },
  'wizard:preview-settings': {
    good: { clusterId: 'abc', step: 4 },
    bad: { clusterId: 'abc', step: 3 },
  },
  'wizard:run-step': {
    good: { clusterId: 'abc', step: 2, byHand: true },
    bad: { clusterId: 'abc', step: 6 },
  },
  'wizard:override': {
    good: { clusterId: 'abc', reason: 'verify timed out on a node we are retiring' },
    bad: { clusterId: 'abc', reason: 'ok' },
  },
  'wizard:repair': {
    good: { clusterId: 'abc', action: 'resync' },
    bad: { clusterId: 'abc', action: 'rerun' },
  },
  'wizard:abandon': { good: { clusterId: 'abc' }, bad: { clusterId: 'abc', force: true } },
  'activity:list': { good: null, bad: 5 },
  'prompts:list': { good: null, bad: [] },
  'prompts:answer': { good: { promptId: 'p1', answer: true }, bad: { promptId: 'p1', answer: 42 } },
};

describe('dispatch', () => {
  it('passes a valid request of every channel to the backend and wraps the answer', async () => {
    for (const channel of CHANNELS) {
      const { backend, calls } = recordingBackend();
      const result = await dispatch(backend, channel, SAMPLES[channel].good);
      assert.deepEqual(result, { ok: true, value: null }, channel);
      assert.deepEqual(calls, [{ channel, request: SAMPLES[channel].good }], channel);
    }
  });

  it('refuses a malformed request on every channel without calling the backend', async () => {
    for (const channel of CHANNELS) {
      const { backend, calls } = recordingBackend();
      const result = await dispatch(backend, channel, SAMPLES[channel].bad);
      assert.equal(result.ok, false, channel);
      assert.ok(!result.ok);
      assert.equal(result.error.code, 'BAD_REQUEST', channel);
      assert.match(result.error.message, new RegExp(`^${channel}: `));
      assert.equal(calls.length, 0, channel);
    }
  });

  it('names the field at fault', async () => {
    const { backend } = recordingBackend();
    const result = await dispatch(backend, 'clusters:save', SAMPLES['clusters:save'].bad);
    assert.ok(!result.ok);
    assert.match(result.error.message, /definition\.servers/);
  });

  it('refuses unknown channels, including inherited names', async () => {
    for (const channel of ['jobs:delete-all', '__proto__', 'toString', 42, undefined]) {
      const { backend, calls } = recordingBackend();
      const result = await dispatch(backend, channel, null);
      assert.ok(!result.ok);
      assert.equal(result.error.code, 'UNKNOWN_CHANNEL');
      assert.equal(calls.length, 0);
    }
  });

  it("returns the work's own error with its code, stage and place", async () => {
    const { backend } = recordingBackend(
      new ConfigError('UNKNOWN_CLUSTER', 'no cluster with id "abc"', { file: 'clusters.json' }),
    );
    const result = await dispatch(backend, 'plan:preview', { clusterId: 'abc' });
    assert.deepEqual(result, {
      ok: false,
      error: {
        code: 'UNKNOWN_CLUSTER',
        message: 'clusters.json: no cluster with id "abc"',
        detail: { stage: 'config', file: 'clusters.json' },
      },
    });
  });
});
