import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import type {
  ConsoleEvent,
  ConsoleEventBody,
  ResizeWizard,
  SettingsPreview,
} from '../../../../core/console/contract.js';
import { ConsoleCallError } from '../../../../renderer/api/console-client.js';
import { createConsoleStore } from '../../../../renderer/store/console-store.js';
import { syncWithService } from '../../../../renderer/store/sync-with-service.js';
import { NO_WIZARD, selectWizardEntry } from '../../../../renderer/store/wizard-slice.js';
import { deferred, fakeClient, notYet } from '../fake-client.js';
import { doneStep, wizardAt } from '../components/wizard/wizard-fixtures.js';

function numbered(bodies: readonly ConsoleEventBody[], firstSeq = 1): ConsoleEvent[] {
  return bodies.map((body, index) => ({ ...body, seq: firstSeq + index }));
}

const changed = (wizard: ResizeWizard): ConsoleEventBody => ({ type: 'wizard-changed', wizard });

const PREVIEW: SettingsPreview = {
  step: 1,
  servers: ['127.0.0.11:11211'],
  newServers: ['127.0.0.14:11211'],
  text: 'servers=127.0.0.11:11211\nnew_servers=127.0.0.14:11211\n',
  nodes: [{ node: '127.0.0.11:11211', diff: '+new_servers=127.0.0.14:11211\n' }],
};

describe('wizard slice', () => {
  it('loads a cluster’s wizard, and knows when there is none', async () => {
    const store = createConsoleStore();
    const wizard = wizardAt(2);
    let answer: ResizeWizard | null = wizard;
    const client = fakeClient({ 'wizard:get': async () => answer });
    assert.equal(selectWizardEntry('c1')(store.getState()), NO_WIZARD);
    const loading = store.getState().loadWizard(client, 'c1');
    assert.equal(store.getState().wizards.c1?.isLoading, true);
    await loading;
    assert.deepEqual(store.getState().wizards.c1?.wizard, wizard);
    assert.equal(store.getState().wizards.c1?.hasLoaded, true);
    assert.equal(store.getState().wizards.c1?.isLoading, false);
    answer = null;
    await store.getState().loadWizard(client, 'c1');
    assert.equal(store.getState().wizards.c1?.wizard, null);
    assert.equal(store.getState().wizards.c1?.hasLoaded, true);
  });

  it('keeps the error of a failed load, and does not claim to know the wizard', async () => {
    const store = createConsoleStore();
    await store.getState().loadWizard(fakeClient(), 'c1');
    const entry = store.getState().wizards.c1;
    assert.equal(entry?.error?.code, 'NOT_YET');
    assert.equal(entry?.hasLoaded, false);
    assert.equal(entry?.isLoading, false);
  });

  it('replaces the wizard on wizard-changed and clears it on wizard-removed', () => {
    const store = createConsoleStore();
    store.getState().applyEvents({ events: numbered([changed(wizardAt(1))]) });
    assert.equal(store.getState().wizards.c1?.wizard?.current, 1);
    assert.equal(store.getState().wizards.c1?.hasLoaded, true);
    const other = { ...wizardAt(3), clusterId: 'c2', clusterName: 'other' };
    store.getState().applyEvents({
      events: numbered([changed(wizardAt(2)), changed(other)], 2),
    });
    assert.equal(store.getState().wizards.c1?.wizard?.current, 2);
    assert.equal(store.getState().wizards.c2?.wizard?.current, 3);
    store.getState().applyEvents({
      events: numbered([{ type: 'wizard-removed', clusterId: 'c1' }], 4),
    });
    assert.equal(store.getState().wizards.c1?.wizard, null);
    assert.equal(store.getState().wizards.c1?.hasLoaded, true);
    assert.equal(store.getState().wizards.c2?.wizard?.current, 3, 'another cluster’s stays');
  });

  it('ignores a replayed wizard-changed (same seq)', () => {
    const store = createConsoleStore();
    const batch = { events: numbered([changed(wizardAt(2))], 5) };
    store.getState().applyEvents(batch);
    const before = store.getState();
    store.getState().applyEvents({ events: numbered([changed(wizardAt(1))], 5) });
    assert.equal(store.getState(), before);
    assert.equal(store.getState().wizards.c1?.wizard?.current, 2);
    assert.equal(store.getState().wizards.c1?.revision, 1);
  });

  it('drops a wizard:get answer that an event overtook', async () => {
    const store = createConsoleStore();
    const answer = deferred<ResizeWizard | null>();
    const client = fakeClient({ 'wizard:get': () => answer.promise });
    const loading = store.getState().loadWizard(client, 'c1');
    store.getState().applyEvents({ events: numbered([changed(wizardAt(3))]) });
    answer.resolve(wizardAt(2));
    await loading;
    assert.equal(store.getState().wizards.c1?.wizard?.current, 3);
    assert.equal(store.getState().wizards.c1?.isLoading, false);
  });

  it('drops an older wizard:get answer that arrives after a newer one', async () => {
    const store = createConsoleStore();
    const first = deferred<ResizeWizard | null>();
    const answers = [first.promise, Promise.resolve(wizardAt(4))];
    const client = fakeClient({ 'wizard:get': () => answers.shift() as Promise<ResizeWizard> });
    const older = store.getState().loadWizard(client, 'c1');
    await store.getState().loadWizard(client, 'c1');
    first.resolve(wizardAt(1));
    await older;
    assert.equal(store.getState().wizards.c1?.wizard?.current, 4);
  });

  it('keeps what run-step answers, and rejects with the service’s error', async () => {
    const store = createConsoleStore();
    let refuse = false;
    const client = fakeClient({
      'wizard:run-step': async (request) => {
        if (refuse) throw notYet('wizard:run-step');
        return wizardAt(request.step === 1 ? 2 : 3);
      },
    });
    await store.getState().runWizardStep(client, { clusterId: 'c1', step: 1 });
    assert.equal(store.getState().wizards.c1?.wizard?.current, 2);
    refuse = true;
    await assert.rejects(
      store.getState().runWizardStep(client, { clusterId: 'c1', step: 2 }),
      (error) => error instanceof ConsoleCallError && error.code === 'NOT_YET',
    );
    assert.equal(store.getState().wizards.c1?.wizard?.current, 2);
    assert.deepEqual(client.calls.at(-1)?.request, { clusterId: 'c1', step: 2 });
  });

  it('begins, repairs, overrides and abandons through the service', async () => {
    const store = createConsoleStore();
    const client = fakeClient({
      'wizard:begin': async ({ newServers }) => ({ ...wizardAt(1), newServers }),
      'wizard:override': async ({ reason }) => ({
        ...wizardAt(4, { blockers: ['x'] }),
        override: { reason, at: '2025-03-01T11:00:00Z' },
      }),
      'wizard:repair': async ({ action }) =>
        wizardAt(4, {
          blockers: ['x'],
          repair: {
            vbuckets: [3],
            needsVerify: true,
            runningJobIds: action === 'resync' ? ['j1'] : [],
          },
        }),
      'wizard:abandon': async () => null,
    });
    await store.getState().repairWizardBlockers(client, 'c1', 'resync');
    assert.deepEqual(client.calls.at(-1)?.request, { clusterId: 'c1', action: 'resync' });
    assert.deepEqual(store.getState().wizards.c1?.wizard?.repair?.runningJobIds, ['j1']);
    await store.getState().beginWizard(client, 'c1', ['127.0.0.14:11211']);
    assert.deepEqual(store.getState().wizards.c1?.wizard?.newServers, ['127.0.0.14:11211']);
    await store.getState().overrideWizardBlockers(client, 'c1', 'checked by hand on every node');
    assert.equal(
      store.getState().wizards.c1?.wizard?.override?.reason,
      'checked by hand on every node',
    );
    await store.getState().abandonWizard(client, 'c1');
    assert.equal(store.getState().wizards.c1?.wizard, null);
  });

  it('keeps a preview until its step changes state, then drops it for a fresh one', async () => {
    const store = createConsoleStore();
    const client = fakeClient({ 'wizard:preview-settings': async () => PREVIEW });
    store.getState().applyEvents({ events: numbered([changed(wizardAt(1))]) });
    const loading = store.getState().previewWizardSettings(client, 'c1', 1);
    assert.equal(store.getState().wizards.c1?.preview?.isLoading, true);
    await loading;
    assert.deepEqual(store.getState().wizards.c1?.preview, {
      step: 1,
      preview: PREVIEW,
      isLoading: false,
      error: null,
    });
    // Another change that leaves step 1 as it was (the updated time) keeps the preview.
    store.getState().applyEvents({
      events: numbered([changed({ ...wizardAt(1), updatedAt: '2025-03-01T10:06:00Z' })], 2),
    });
    assert.deepEqual(store.getState().wizards.c1?.preview?.preview, PREVIEW);
    // Step 1 ran: the files changed, so the preview goes.
    const failed = wizardAt(1, { steps: [{ ...doneStep(1), state: 'failed' }] });
    store.getState().applyEvents({ events: numbered([changed(failed)], 3) });
    assert.equal(store.getState().wizards.c1?.preview, null);
  });

  it('keeps a preview’s error, and drops everything when the wizard is removed', async () => {
    const store = createConsoleStore();
    await store.getState().previewWizardSettings(fakeClient(), 'c1', 4);
    assert.equal(store.getState().wizards.c1?.preview?.error?.code, 'NOT_YET');
    assert.equal(store.getState().wizards.c1?.preview?.step, 4);
    store.getState().applyEvents({
      events: numbered([{ type: 'wizard-removed', clusterId: 'c1' }]),
    });
    assert.equal(store.getState().wizards.c1?.preview, null);
  });

  it('fetches the wizards it knows again after a reconnect, and no others', async () => {
    const store = createConsoleStore();
    let connect: (state: 'connected' | 'disconnected', missed: boolean) => void = () => {};
    const base = fakeClient({
      'app:info': async () => ({ version: '1', mode: 'web' }),
      'clusters:list': async () => [],
      'jobs:list': async () => [],
      'wizard:get': async ({ clusterId }) => ({ ...wizardAt(2), clusterId }),
    });
    syncWithService(store, {
      ...base,
      onConnection(listener) {
        connect = (state, missed) => listener({ state, hasMissedEvents: missed });
        return () => {};
      },
    });
    await store.getState().loadWizard(base, 'c1');
    await tick();
    base.calls.length = 0;
    connect('connected', true);
    await tick();
    const wizardCalls = base.calls.filter((call) => call.channel === 'wizard:get');
    assert.deepEqual(
      wizardCalls.map((call) => call.request),
      [{ clusterId: 'c1' }],
    );
    assert.ok(!base.calls.some((call) => call.channel === 'activity:list'), 'never shown');
  });
});
