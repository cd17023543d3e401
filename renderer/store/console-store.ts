/**
 * The renderer's one store, built from its slices. It is a vanilla zustand store, so that tests
 * drive it in Node; React binds to it with `useStore`. It holds data only: the client that talks
 * to the service is passed to the actions that need it, never kept here.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ConsoleEvent } from '../../core/console/contract.js';
import { createActivitySlice, foldActivityEvents } from './activity-slice.js';
import { createClustersSlice } from './clusters-slice.js';
import type { ConsoleState, EventsSlice, SliceCreator } from './console-state.js';
import { createJobsSlice, foldJobEvents } from './jobs-slice.js';
import { isJobProgressEvent, replayChange } from './job-replay.js';
import { createMetricsSlice, foldMetricsEvents } from './metrics-slice.js';
import { createPlanSlice } from './plan-slice.js';
import { createUiSlice, foldUiEvents } from './ui-slice.js';
import { createWizardSlice, foldWizardEvents } from './wizard-slice.js';

export type { ConsoleState } from './console-state.js';
export type ConsoleStore = StoreApi<ConsoleState>;

export function createConsoleStore(): ConsoleStore {
  return createStore<ConsoleState>()((...args) => ({
    ...createClustersSlice(...args),
    ...createJobsSlice(...args),
    ...createMetricsSlice(...args),
    ...createPlanSlice(...args),
    ...createUiSlice(...args),
    ...createWizardSlice(...args),
    ...createActivitySlice(...args),
    ...createEventsSlice(...args),
  }));
}

const createEventsSlice: SliceCreator<EventsSlice> = (set) => ({
  lastSeq: 0,
  replayedThrough: 0,

  applyEvents(batch) {
    set((state) => {
      const events = freshEvents(state.lastSeq, batch.events);
      const last = events.at(-1);
      // Nothing new: the same state object, so no subscriber runs.
      if (last === undefined) return state;
      const progress = notReplayed(state.replayedThrough, events);
      return {
        lastSeq: last.seq,
        ...foldJobEvents(state, progress),
        ...foldMetricsEvents(state, progress),
        ...foldUiEvents(state, events),
        ...foldWizardEvents(state, events),
        ...foldActivityEvents(state, events),
      };
    });
  },

  applyJobsReplay(replay, later) {
    set((state) => replayChange(state, replay, later));
  },

  resetEventSeq() {
    set({ lastSeq: 0, replayedThrough: 0 });
  },
});

// A job's progress events that a replay already holds must not count twice (samples, notices).
function notReplayed(replayedThrough: number, events: ConsoleEvent[]): ConsoleEvent[] {
  if (replayedThrough === 0) return events;
  return events.filter((event) => event.seq > replayedThrough || !isJobProgressEvent(event));
}

// Batches arrive in seq order, but a batch replayed or overlapping the last one must not count
// twice (throughput samples would be appended again): only events past the highest seq pass.
function freshEvents(lastSeq: number, events: readonly ConsoleEvent[]): ConsoleEvent[] {
  const fresh: ConsoleEvent[] = [];
  let highest = lastSeq;
  for (const event of events) {
    if (event.seq <= highest) continue;
    fresh.push(event);
    highest = event.seq;
  }
  return fresh;
}
