import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterSummary, JobSummary } from '../../../../core/console/contract.js';
import { ConsoleCallError } from '../../../../renderer/api/console-client.js';
import { selectSelectedStatus } from '../../../../renderer/store/clusters-slice.js';
import { fakeClient } from '../fake-client.js';
import { createConsoleStore } from '../../../../renderer/store/console-store.js';

const cluster = (id: string, name = id): ClusterSummary => ({
  id,
  name,
  servers: ['127.0.0.11:11211'],
  newServers: [],
  origin: 'saved',
});

describe('console store: clusters', () => {
  it('lists clusters and drops a selection whose cluster is gone', async () => {
    const store = createConsoleStore();
    let listed = [cluster('a'), cluster('b')];
    const client = fakeClient({
      'clusters:list': async () => listed,
      'cluster:status': async ({ clusterId }) => ({ clusterId, checkedAt: 'now', nodes: [] }),
    });
    await store.getState().loadClusters(client);
    assert.equal(store.getState().isLoadingClusters, false);
    await store.getState().selectCluster(client, 'b');
    assert.equal(store.getState().selectedClusterId, 'b');
    listed = [cluster('a')];
    await store.getState().loadClusters(client);
    assert.equal(store.getState().selectedClusterId, null);
  });

  it('selects the demo cluster when the first list has one, and checks its nodes', async () => {
    const store = createConsoleStore();
    const listed = [cluster('a'), { ...cluster('demo', 'Demo cluster'), origin: 'demo' as const }];
    const client = fakeClient({
      'clusters:list': async () => listed,
      'cluster:status': async ({ clusterId }) => ({ clusterId, checkedAt: 'now', nodes: [] }),
    });
    await store.getState().loadClusters(client);
    assert.equal(store.getState().selectedClusterId, 'demo');
    // The console's own read on selecting a cluster: not an operator's test, so not logged.
    assert.deepEqual(
      client.calls.filter((call) => call.channel === 'cluster:status').map((call) => call.request),
      [{ clusterId: 'demo' }],
    );
    await store.getState().refreshStatus(client, 'demo', { isOperatorTest: true });
    assert.deepEqual(client.calls.at(-1)?.request, { clusterId: 'demo', isOperatorTest: true });
    // Later lists leave the operator's choice alone.
    await store.getState().selectCluster(client, 'a');
    await store.getState().loadClusters(client);
    assert.equal(store.getState().selectedClusterId, 'a');
  });

  it('selects nothing at first when there is no demo cluster', async () => {
    const store = createConsoleStore();
    const client = fakeClient({ 'clusters:list': async () => [cluster('a')] });
    await store.getState().loadClusters(client);
    assert.equal(store.getState().selectedClusterId, null);
  });

  it("keeps the service's error when a save is rejected, for the form to show", async () => {
    const store = createConsoleStore();
    const client = fakeClient({
      'clusters:save': async () => {
        throw new ConsoleCallError('clusters:save', {
          code: 'BAD_ADDRESS',
          message: 'servers: "nope" is not host:port',
          detail: { stage: 'config' },
        });
      },
    });
    await assert.rejects(
      store.getState().saveCluster(client, { name: 'x', servers: ['nope'], newServers: [] }),
      { code: 'BAD_ADDRESS', message: 'servers: "nope" is not host:port' },
    );
    assert.deepEqual(store.getState().clusters, []);
  });

  it('keeps the latest status answer when an older one arrives after it', async () => {
    const store = createConsoleStore();
    const answers: ((checkedAt: string) => void)[] = [];
    const client = fakeClient({
      'cluster:status': ({ clusterId }) =>
        new Promise((resolve) =>
          answers.push((checkedAt) => resolve({ clusterId, checkedAt, nodes: [] })),
        ),
    });
    const first = store.getState().selectCluster(client, 'a');
    const second = store.getState().refreshStatus(client, 'a');
    assert.equal(selectSelectedStatus(store.getState()).isLoading, true);
    answers[1]?.('second');
    await second;
    answers[0]?.('first');
    await first;
    const status = selectSelectedStatus(store.getState());
    assert.equal(status.report?.checkedAt, 'second');
    assert.equal(status.isLoading, false);
  });

  it('records a failed status check as an error', async () => {
    const store = createConsoleStore();
    const client = fakeClient({
      'cluster:status': async () => {
        throw new ConsoleCallError('cluster:status', {
          code: 'NO_SUCH_CLUSTER',
          message: 'no cluster a',
          detail: { stage: 'usage' },
        });
      },
    });
    await store.getState().selectCluster(client, 'a');
    assert.equal(selectSelectedStatus(store.getState()).error?.code, 'NO_SUCH_CLUSTER');
  });

  it('saves an edit under the same id, replacing the cluster in the list', async () => {
    const store = createConsoleStore();
    const saved: unknown[] = [];
    const client = fakeClient({
      'clusters:list': async () => [cluster('a', 'old name')],
      'clusters:save': async (request) => {
        saved.push(request);
        return { ...request.definition, id: request.id ?? 'new', origin: 'saved' };
      },
      'cluster:status': async ({ clusterId }) => ({ clusterId, checkedAt: 'now', nodes: [] }),
    });
    await store.getState().loadClusters(client);
    const definition = { name: 'new name', servers: ['127.0.0.11:11211'], newServers: [] };
    await store.getState().saveCluster(client, definition, 'a');
    assert.deepEqual(saved, [{ id: 'a', definition }]);
    assert.deepEqual(
      store.getState().clusters.map((c) => [c.id, c.name]),
      [['a', 'new name']],
    );
    await store.getState().saveCluster(client, definition);
    assert.deepEqual(saved[1], { definition }, 'a new cluster is saved without an id');
  });

  it('forgets a removed cluster, its selection and its status', async () => {
    const store = createConsoleStore();
    const client = fakeClient({
      'clusters:list': async () => [cluster('a'), cluster('b')],
      'clusters:remove': async () => null,
      'cluster:status': async ({ clusterId }) => ({ clusterId, checkedAt: 'now', nodes: [] }),
    });
    await store.getState().loadClusters(client);
    await store.getState().selectCluster(client, 'a');
    await store.getState().removeCluster(client, 'a');
    assert.deepEqual(
      store.getState().clusters.map((c) => c.id),
      ['b'],
    );
    assert.equal(store.getState().selectedClusterId, null);
    assert.equal(store.getState().statusByCluster.a, undefined);
  });

  it('keeps a cluster whose removal the service refused', async () => {
    const store = createConsoleStore();
    const client = fakeClient({
      'clusters:list': async () => [cluster('demo')],
      'clusters:remove': async () => {
        throw new ConsoleCallError('clusters:remove', {
          code: 'DEMO_CLUSTER',
          message: 'the demo cluster cannot be removed',
          detail: { stage: 'config' },
        });
      },
    });
    await store.getState().loadClusters(client);
    await assert.rejects(store.getState().removeCluster(client, 'demo'), { code: 'DEMO_CLUSTER' });
    assert.equal(store.getState().clusters.length, 1);
  });

  it('does not turn a finished job back to running with an older jobs:list', async () => {
    const store = createConsoleStore();
    const running: JobSummary = {
      id: 'j1',
      kind: 'verify',
      clusterId: 'a',
      targets: [],
      state: 'running',
      startedAt: 't0',
      rateLimit: 0,
      isPaused: false,
      resyncs: [],
    };
    store.getState().applyEvents({
      events: [{ type: 'job-finished', job: { ...running, state: 'failed' }, seq: 1 }],
    });
    await store.getState().loadJobs(fakeClient({ 'jobs:list': async () => [running] }));
    assert.equal(store.getState().jobsById.j1?.state, 'failed');
  });
});
