import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import type {
  Channel,
  ClusterSummary,
  EventBatch,
  OperatorPrompt,
} from '../../../../core/console/contract.js';
import type { ConnectionChange, ConsoleClient } from '../../../../renderer/api/console-client.js';
import { createConsoleStore } from '../../../../renderer/store/console-store.js';
import { syncWithService } from '../../../../renderer/store/sync-with-service.js';

function fakeService(withConnection: boolean) {
  const calls: Channel[] = [];
  let clusters: ClusterSummary[] = [];
  let prompts: OperatorPrompt[] = [];
  let emit: (batch: EventBatch) => void = () => {};
  let connect: (change: ConnectionChange) => void = () => {};
  const values: Partial<Record<Channel, () => unknown>> = {
    'app:info': () => ({ version: '1.2.3', mode: 'web' }),
    'clusters:list': () => clusters,
    'jobs:list': () => [],
    'jobs:replay': () => ({ seq: 0, jobs: [] }),
    'prompts:list': () => prompts,
  };
  const client: ConsoleClient = {
    async invoke(channel) {
      calls.push(channel);
      return values[channel]?.() as never;
    },
    onEvents(listener) {
      emit = listener;
      return () => {};
    },
    ...(withConnection
      ? {
          onConnection(listener: (change: ConnectionChange) => void) {
            connect = listener;
            listener({ state: 'connecting', hasMissedEvents: false });
            return () => {};
          },
        }
      : {}),
  };
  return {
    client,
    calls,
    setClusters: (list: ClusterSummary[]) => (clusters = list),
    setPrompts: (list: OperatorPrompt[]) => (prompts = list),
    emit: (batch: EventBatch) => emit(batch),
    connect: (change: ConnectionChange) => connect(change),
  };
}

const PASSPHRASE: OperatorPrompt = { id: 'p1', kind: 'passphrase', identityFile: '/k/id' };

describe('syncWithService', () => {
  it('loads app info, clusters, jobs and waiting questions, and is connected at once without onConnection', async () => {
    const service = fakeService(false);
    service.setPrompts([PASSPHRASE]);
    const store = createConsoleStore();
    syncWithService(store, service.client);
    await tick();
    assert.deepEqual(service.calls.sort(), [
      'app:info',
      'clusters:list',
      'jobs:list',
      'jobs:replay',
      'prompts:list',
    ]);
    assert.deepEqual(store.getState().prompts, [PASSPHRASE]);
    assert.equal(store.getState().appInfo?.version, '1.2.3');
    assert.equal(store.getState().connection.state, 'connected');
  });

  it('refetches the clusters on clusters-changed', async () => {
    const service = fakeService(true);
    const store = createConsoleStore();
    syncWithService(store, service.client);
    await tick();
    service.setClusters([{ id: 'a', name: 'a', servers: [], newServers: [], origin: 'demo' }]);
    service.emit({ events: [{ type: 'clusters-changed', seq: 1 }] });
    await tick();
    assert.equal(store.getState().clusters.length, 1);
    assert.equal(store.getState().lastSeq, 1);
  });

  it('shows the connection state, and after a reconnect refetches and accepts seq from 1 again', async () => {
    const service = fakeService(true);
    const store = createConsoleStore();
    syncWithService(store, service.client);
    await tick();
    assert.equal(store.getState().connection.state, 'connecting');
    service.connect({ state: 'connected', hasMissedEvents: false });
    service.emit({ events: [{ type: 'clusters-changed', seq: 7 }] });
    await tick();
    service.calls.length = 0;
    service.connect({ state: 'disconnected', hasMissedEvents: false, retryInMs: 500 });
    assert.equal(store.getState().connection.state, 'disconnected');
    service.connect({ state: 'connected', hasMissedEvents: true });
    await tick();
    assert.deepEqual(service.calls.sort(), [
      'clusters:list',
      'jobs:list',
      'jobs:replay',
      'prompts:list',
    ]);
    assert.equal(store.getState().lastSeq, 0);
    assert.equal(store.getState().connection.state, 'connected');
  });

  it('keeps a question an event brought while the waiting list was on its way, once', async () => {
    const service = fakeService(true);
    service.setPrompts([PASSPHRASE]);
    const store = createConsoleStore();
    syncWithService(store, service.client);
    service.emit({ events: [{ type: 'prompt', prompt: PASSPHRASE, seq: 1 }] });
    await tick();
    assert.deepEqual(store.getState().prompts, [PASSPHRASE]);
  });
});
