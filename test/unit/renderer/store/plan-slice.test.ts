import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlanEstimate, PlanPreview } from '../../../../core/console/contract.js';
import { ConsoleCallError } from '../../../../renderer/api/console-client.js';
import { fakeClient } from '../fake-client.js';
import { createConsoleStore } from '../../../../renderer/store/console-store.js';
import { selectEstimate, selectPreview } from '../../../../renderer/store/plan-slice.js';

const previewFor = (servers: string[]): PlanPreview => ({
  plan: { servers, newServers: [], vbuckets: [], worklists: {} },
  risk: { ifNodeFails: [], fullyRehomed: [] },
});

const estimateOf = (keys: number, full = false): PlanEstimate => ({
  clusterId: 'c1',
  full,
  sampledAt: 'now',
  targets: [],
  keys,
  bytes: 0,
  rate: null,
  seconds: null,
  unsampled: [],
});

const notYet = () =>
  new ConsoleCallError('plan:estimate', {
    code: 'NOT_YET',
    message: 'plan:estimate is not built yet',
    detail: { stage: 'usage' },
  });

describe('console store: plan', () => {
  it('keeps the newest preview when an older answer arrives after it', async () => {
    const store = createConsoleStore();
    const answers: ((preview: PlanPreview) => void)[] = [];
    const client = fakeClient({
      'plan:preview': () => new Promise((resolve) => answers.push(resolve)),
    });
    const first = store.getState().loadPreview(client, 'c1');
    const second = store.getState().loadPreview(client, 'c1');
    assert.equal(selectPreview('c1')(store.getState()).isLoading, true);
    answers[1]?.(previewFor(['new:1']));
    await second;
    answers[0]?.(previewFor(['old:1']));
    await first;
    const preview = selectPreview('c1')(store.getState());
    assert.deepEqual(preview.value?.plan.servers, ['new:1']);
    assert.equal(preview.isLoading, false);
  });

  it('drops a stale error too: a newer answer is not replaced by an older failure', async () => {
    const store = createConsoleStore();
    const calls: { resolve: (p: PlanPreview) => void; reject: (e: unknown) => void }[] = [];
    const client = fakeClient({
      'plan:preview': () => new Promise((resolve, reject) => calls.push({ resolve, reject })),
    });
    const first = store.getState().loadPreview(client, 'c1');
    const second = store.getState().loadPreview(client, 'c1');
    calls[1]?.resolve(previewFor(['a:1']));
    await second;
    calls[0]?.reject(new Error('late failure'));
    await first;
    const preview = selectPreview('c1')(store.getState());
    assert.equal(preview.error, null);
    assert.deepEqual(preview.value?.plan.servers, ['a:1']);
  });

  it("keeps the service's error, and no old plan beside it", async () => {
    const store = createConsoleStore();
    let fails = false;
    const client = fakeClient({
      'plan:preview': async () => {
        if (fails) {
          throw new ConsoleCallError('plan:preview', {
            code: 'UNKNOWN_CLUSTER',
            message: 'no cluster with id "c1"',
            detail: { stage: 'config' },
          });
        }
        return previewFor(['a:1']);
      },
    });
    await store.getState().loadPreview(client, 'c1');
    fails = true;
    await store.getState().loadPreview(client, 'c1');
    const preview = selectPreview('c1')(store.getState());
    assert.equal(preview.error?.code, 'UNKNOWN_CLUSTER');
    assert.equal(preview.value, null);
    assert.equal(preview.isLoading, false);
  });

  it('keeps minimal and full estimates apart, and the NOT_YET error of one', async () => {
    const store = createConsoleStore();
    const client = fakeClient({
      'plan:estimate': async ({ full }) => {
        if (full) throw notYet();
        return estimateOf(500);
      },
    });
    await store.getState().loadEstimate(client, 'c1', false);
    await store.getState().loadEstimate(client, 'c1', true);
    assert.equal(selectEstimate('c1', false)(store.getState()).value?.keys, 500);
    const full = selectEstimate('c1', true)(store.getState());
    assert.equal(full.error?.code, 'NOT_YET');
    assert.equal(full.value, null);
    assert.equal(selectEstimate('c2', false)(store.getState()).value, null);
  });

  it('drops an estimate answered after a newer one for the same kind', async () => {
    const store = createConsoleStore();
    const answers: ((estimate: PlanEstimate) => void)[] = [];
    const client = fakeClient({
      'plan:estimate': () => new Promise((resolve) => answers.push(resolve)),
    });
    const first = store.getState().loadEstimate(client, 'c1', false);
    const second = store.getState().loadEstimate(client, 'c1', false);
    answers[1]?.(estimateOf(2));
    answers[0]?.(estimateOf(1));
    await Promise.all([first, second]);
    assert.equal(selectEstimate('c1', false)(store.getState()).value?.keys, 2);
  });
});
