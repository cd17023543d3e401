import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHANNEL_FUNCTIONS, type EventBatch } from '../../../../core/console/contract.js';
import { ConsoleCallError } from '../../../../renderer/api/console-client.js';
import {
  createElectronClient,
  type AstaireBridge,
} from '../../../../renderer/api/electron-client.js';

// A bridge whose every function records its call and answers `answer`.
function fakeBridge(answer: (name: string, request: unknown) => Promise<unknown>) {
  const calls: [string, unknown][] = [];
  const listeners = new Set<(batch: EventBatch) => void>();
  const bridge = Object.fromEntries(
    Object.values(CHANNEL_FUNCTIONS).map((name) => [
      name,
      (request: unknown) => {
        calls.push([name, request]);
        return answer(name, request);
      },
    ]),
  ) as unknown as Record<string, unknown>;
  bridge.onEvents = (listener: (batch: EventBatch) => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  return { bridge: bridge as AstaireBridge, calls, listeners };
}

describe('electron client', () => {
  it("calls each channel's named preload function and unwraps the value", async () => {
    const { bridge, calls } = fakeBridge(async (name) => ({ ok: true, value: name }));
    const client = createElectronClient(bridge);
    assert.equal(await client.invoke('clusters:list', null), 'listClusters');
    assert.equal(await client.invoke('cluster:status', { clusterId: 'c' }), 'clusterStatus');
    assert.deepEqual(calls, [
      ['listClusters', null],
      ['clusterStatus', { clusterId: 'c' }],
    ]);
  });

  it('throws the error of an { ok: false } answer as a ConsoleCallError', async () => {
    const error = { code: 'NO_SUCH_JOB', message: 'no job j9', detail: { stage: 'usage' } };
    const client = createElectronClient(fakeBridge(async () => ({ ok: false, error })).bridge);
    await assert.rejects(client.invoke('jobs:cancel', { jobId: 'j9' }), (thrown: unknown) => {
      assert.ok(thrown instanceof ConsoleCallError);
      assert.deepEqual(thrown.toPayload(), error);
      return true;
    });
  });

  it('answers IPC_FAILED when the bridge itself rejects', async () => {
    const client = createElectronClient(
      fakeBridge(async () => {
        throw new Error('reply was never sent');
      }).bridge,
    );
    await assert.rejects(client.invoke('app:info', null), {
      code: 'IPC_FAILED',
      message: /reply was never sent/,
    });
  });

  it("passes event batches from the bridge's onEvents and unsubscribes", () => {
    const { bridge, listeners } = fakeBridge(async () => ({ ok: true, value: null }));
    const client = createElectronClient(bridge);
    const batches: EventBatch[] = [];
    const stop = client.onEvents((batch) => batches.push(batch));
    const batch: EventBatch = { events: [{ type: 'clusters-changed', seq: 1 }] };
    for (const listener of listeners) listener(batch);
    stop();
    assert.deepEqual(batches, [batch]);
    assert.equal(listeners.size, 0);
    assert.equal(client.onConnection, undefined);
  });
});
