/**
 * Keeps a store in step with the service through a client: event batches are folded in, a
 * clusters-changed event refetches the list, questions already waiting are fetched at the start,
 * and after a reconnect (events were missed) clusters, jobs, waiting questions, and the wizards and activity log already shown are fetched again. Subscribes before the
 * first fetch, so nothing falls in between.
 */
import type { EventBatch } from '../../core/console/contract.js';
import type { ConsoleClient } from '../api/console-client.js';
import type { ConsoleStore } from './console-store.js';

/** Starts syncing; returns the function that stops it. */
export function syncWithService(store: ConsoleStore, client: ConsoleClient): () => void {
  const actions = store.getState();
  const onBatch = (batch: EventBatch) => {
    store.getState().applyEvents(batch);
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
  void actions.loadPrompts(client);
  return () => {
    stopEvents();
    stopConnection?.();
  };
}
