import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { ActivityLog } from '../../../../core/console/activity-log.js';
import {
  ACTIVITY_PAGE_LIMIT,
  type ActivityEntry,
  type ConsoleEvent,
} from '../../../../core/console/contract.js';
import { ACTIVITY_CAPACITY, mergeActivity } from '../../../../renderer/store/activity-slice.js';
import { createConsoleStore } from '../../../../renderer/store/console-store.js';
import { syncWithService } from '../../../../renderer/store/sync-with-service.js';
import { deferred, fakeClient } from '../fake-client.js';

function entry(id: number, outcome: ActivityEntry['outcome'] = 'succeeded'): ActivityEntry {
  return {
    id,
    at: `2025-03-01T10:00:${String(id % 60).padStart(2, '0')}Z`,
    action: `a${id}`,
    outcome,
  };
}

function activityEvents(entries: readonly ActivityEntry[], firstSeq = 1): ConsoleEvent[] {
  return entries.map((e, index) => ({ type: 'activity', entry: e, seq: firstSeq + index }));
}

const ids = (entries: readonly ActivityEntry[]) => entries.map((e) => e.id);

describe('activity slice', () => {
  it('appends entries from activity events, oldest first', () => {
    const store = createConsoleStore();
    store.getState().applyEvents({ events: activityEvents([entry(1), entry(2)]) });
    store.getState().applyEvents({ events: activityEvents([entry(3)], 3) });
    assert.deepEqual(ids(store.getState().activity), [1, 2, 3]);
  });

  it('ignores a replayed batch (duplicate seq) instead of logging twice', () => {
    const store = createConsoleStore();
    const batch = { events: activityEvents([entry(1), entry(2)]) };
    store.getState().applyEvents(batch);
    store.getState().applyEvents(batch);
    assert.deepEqual(ids(store.getState().activity), [1, 2]);
  });

  it('keeps the newest ACTIVITY_CAPACITY entries', () => {
    const store = createConsoleStore();
    const all = Array.from({ length: ACTIVITY_CAPACITY + 7 }, (_, i) => entry(i + 1));
    store.getState().applyEvents({ events: activityEvents(all.slice(0, 3000)) });
    store.getState().applyEvents({ events: activityEvents(all.slice(3000), 3001) });
    const { activity } = store.getState();
    assert.equal(activity.length, ACTIVITY_CAPACITY);
    assert.equal(activity[0]?.id, 8);
    assert.equal(activity.at(-1)?.id, ACTIVITY_CAPACITY + 7);
  });

  it('merges activity:list with the entries that arrived as events meanwhile', async () => {
    const store = createConsoleStore();
    const answer = deferred<readonly ActivityEntry[]>();
    const client = fakeClient({ 'activity:list': () => answer.promise });
    const loading = store.getState().loadActivity(client);
    assert.equal(store.getState().isLoadingActivity, true);
    store.getState().applyEvents({ events: activityEvents([entry(4), entry(5)]) });
    answer.resolve([entry(1), entry(2), entry(3), entry(4)]);
    await loading;
    assert.deepEqual(ids(store.getState().activity), [1, 2, 3, 4, 5]);
    assert.equal(store.getState().isLoadingActivity, false);
    assert.equal(store.getState().activityError, null);
  });

  it('keeps the error of a failed load', async () => {
    const store = createConsoleStore();
    await store.getState().loadActivity(fakeClient());
    assert.equal(store.getState().activityError?.code, 'NOT_YET');
    assert.equal(store.getState().isLoadingActivity, false);
  });

  it('mergeActivity sorts by id, keeps one entry per id (the incoming one) and caps', () => {
    const current = [entry(1), entry(3), entry(5)];
    const merged = mergeActivity(current, [entry(4), { ...entry(3), outcome: 'failed' }, entry(2)]);
    assert.deepEqual(ids(merged), [1, 2, 3, 4, 5]);
    assert.equal(merged[2]?.outcome, 'failed');
    assert.equal(mergeActivity(current, []), current, 'nothing new: the same array');
    const many = Array.from({ length: ACTIVITY_CAPACITY }, (_, i) => entry(i + 10));
    assert.deepEqual(ids(mergeActivity(many, [entry(1)])).slice(0, 2), [10, 11]);
  });

  it('activity log bounded: loads the newest page, then older pages, with no duplicates or gaps', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'astaire-activity-pages-'));
    // The service's own log answers the pages, as activity:list does.
    const log = new ActivityLog(join(dir, 'activity.jsonl'), () => {});
    try {
      await log.load();
      const total = 2 * ACTIVITY_PAGE_LIMIT + 37;
      for (let i = 0; i < total; i++) log.record({ action: `a${i}`, outcome: 'info' });
      const client = fakeClient({ 'activity:list': async (page) => log.list(page ?? {}) });
      const store = createConsoleStore();
      await store.getState().loadActivity(client);
      assert.equal(store.getState().activity.length, ACTIVITY_PAGE_LIMIT, 'the newest page only');
      assert.equal(store.getState().activity.at(-1)?.id, total);
      assert.equal(store.getState().hasOlderActivity, true);
      await store.getState().loadOlderActivity(client);
      assert.equal(store.getState().hasOlderActivity, true);
      await store.getState().loadOlderActivity(client);
      assert.equal(store.getState().hasOlderActivity, false, 'a short page is the oldest');
      assert.deepEqual(
        ids(store.getState().activity),
        Array.from({ length: total }, (_, i) => i + 1),
      );
      assert.deepEqual(
        client.calls.map((call) => call.request),
        [
          { limit: ACTIVITY_PAGE_LIMIT },
          { limit: ACTIVITY_PAGE_LIMIT, before: ACTIVITY_PAGE_LIMIT + 38 },
          { limit: ACTIVITY_PAGE_LIMIT, before: 38 },
        ],
      );
    } finally {
      await log.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fetches the log again after a reconnect only once it was shown', async () => {
    const store = createConsoleStore();
    let connect: () => void = () => {};
    const base = fakeClient({
      'app:info': async () => ({ version: '1', mode: 'web' }),
      'clusters:list': async () => [],
      'jobs:list': async () => [],
      'activity:list': async () => [entry(1)],
    });
    syncWithService(store, {
      ...base,
      onConnection(listener) {
        connect = () => listener({ state: 'connected', hasMissedEvents: true });
        return () => {};
      },
    });
    await tick();
    connect();
    await tick();
    assert.ok(!base.calls.some((call) => call.channel === 'activity:list'));
    await store.getState().loadActivity(base);
    base.calls.length = 0;
    connect();
    await tick();
    assert.equal(base.calls.filter((call) => call.channel === 'activity:list').length, 1);
  });
});
