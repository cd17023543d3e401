/**
 * Keeps a store in step with the service through a client: event batches are folded in, a
 * clusters-changed event refetches the list, questions already waiting and the jobs' histories
 * are fetched at the start, and after a reconnect (events were missed) clusters, jobs, their
 * histories, waiting questions, and the wizards and activity log already shown are fetched again.
 * Subscribes before the first fetch, so nothing falls in between.
 */
import type { ConsoleEvent, EventBatch } from '../../core/console/contract.js';
import type { ConsoleClient } from '../api/console-client.js';
import type { ConsoleStore } from './console-store.js';

/** Starts syncing; returns the function that stops it. */
export function syncWithService(store: ConsoleStore, client: ConsoleClient): () => void {
  const actions = store.getState();
  const replayer = jobReplayer(store, client);
  const onBatch = (batch: EventBatch) => {
    store.getState().applyEvents(batch);
    replayer.record(batch);
    if (batch.events.some((event) => event.type === 'clusters-changed')) {
      void actions.loadClusters(client);
    }
  };
  const stopEvents = client.onEvents(onBatch);
  const stopConnection = client.onConnection?.((change) => {
    actions.setConnection(change);
    if (change.state === 'connected' && change.hasMissedEvents) {
      actions.resetEventSeq();
      void actions.loadClusters(client);
      void actions.loadJobs(client);
      void replayer.replay();
      void actions.loadPrompts(client);
      void actions.reloadWizards(client);
      void actions.reloadActivity(client);
    }
  });
  if (stopConnection === undefined) {
    actions.setConnection({ state: 'connected', hasMissedEvents: false });
  }
  void actions.loadAppInfo(client);
  void actions.loadClusters(client);
  void actions.loadJobs(client);
  void replayer.replay();
  void actions.loadPrompts(client);
  return () => {
    stopEvents();
    stopConnection?.();
  };
}

/**
 * Fetches the jobs' histories (`jobs:replay`). The batches that arrive while the call is on its
 * way are kept, and those past the replay's `seq` are folded again on top of it: they are newer
 * than the histories, which replace what the store had of those jobs.
 */
function jobReplayer(store: ConsoleStore, client: ConsoleClient) {
  const recordings = new Set<ConsoleEvent[]>();
  return {
    record(batch: EventBatch): void {
      for (const later of recordings) later.push(...batch.events);
    },
    async replay(): Promise<void> {
      const later: ConsoleEvent[] = [];
      recordings.add(later);
      try {
        const replay = await client.invoke('jobs:replay', null);
        store.getState().applyJobsReplay(replay, later);
      } catch {
        // Without the histories the window still shows all that events bring from now on, and
        // the next reconnect asks again: nothing here is worth more than that.
      } finally {
        recordings.delete(later);
      }
    },
  };
}
