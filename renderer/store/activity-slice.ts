/**
 * The activity log: every action the service took or refused, as activity:list gave it (the newest
 * page first, older pages when the operator asks) and the `activity` events appended since, oldest
 * first and capped in size.
 */
import {
  ACTIVITY_PAGE_LIMIT,
  type ActivityEntry,
  type ConsoleEvent,
  type ErrorPayload,
} from '../../core/console/contract.js';
import { toErrorPayload, type ConsoleClient } from '../api/console-client.js';
import type { ConsoleState, SliceChange, SliceCreator } from './console-state.js';

/** Entries kept; the oldest are dropped first. A long resize logs a few hundred. */
export const ACTIVITY_CAPACITY = 5000;

export interface ActivitySlice {
  /** Oldest first (by id), at most ACTIVITY_CAPACITY. */
  readonly activity: readonly ActivityEntry[];
  /** True once activity:list was asked for: the log is then refetched after a reconnect. */
  readonly isActivityRequested: boolean;
  readonly isLoadingActivity: boolean;
  /** True while the console may hold entries older than the oldest loaded. */
  readonly hasOlderActivity: boolean;
  readonly isLoadingOlderActivity: boolean;
  readonly activityError: ErrorPayload | null;
  /** Loads the newest page of the log. */
  loadActivity(client: ConsoleClient): Promise<void>;
  /** Loads the page before the oldest entry held. */
  loadOlderActivity(client: ConsoleClient): Promise<void>;
  /** After a reconnect: fetches the log again, if it was ever fetched (events were missed). */
  reloadActivity(client: ConsoleClient): Promise<void>;
}

export const createActivitySlice: SliceCreator<ActivitySlice> = (set, get) => ({
  activity: [],
  isActivityRequested: false,
  isLoadingActivity: false,
  hasOlderActivity: false,
  isLoadingOlderActivity: false,
  activityError: null,

  async loadActivity(client) {
    set({ isActivityRequested: true, isLoadingActivity: true });
    try {
      const listed = await client.invoke('activity:list', { limit: ACTIVITY_PAGE_LIMIT });
      // Entries that arrived as events while the call ran are kept: the merge is by id.
      set((state) => ({
        activity: mergeActivity(state.activity, listed),
        isLoadingActivity: false,
        hasOlderActivity: listed.length === ACTIVITY_PAGE_LIMIT,
        activityError: null,
      }));
    } catch (error) {
      set({ isLoadingActivity: false, activityError: toErrorPayload(error) });
    }
  },

  async loadOlderActivity(client) {
    const oldest = get().activity[0];
    if (oldest === undefined || get().isLoadingOlderActivity) return;
    set({ isLoadingOlderActivity: true });
    try {
      const page = await client.invoke('activity:list', {
        limit: ACTIVITY_PAGE_LIMIT,
        before: oldest.id,
      });
      set((state) => {
        const activity = mergeActivity(state.activity, page);
        return {
          activity,
          isLoadingOlderActivity: false,
          // A short page is the oldest the console holds; a full log would drop what it loads.
          hasOlderActivity:
            page.length === ACTIVITY_PAGE_LIMIT && activity.length < ACTIVITY_CAPACITY,
          activityError: null,
        };
      });
    } catch (error) {
      set({ isLoadingOlderActivity: false, activityError: toErrorPayload(error) });
    }
  },

  async reloadActivity(client) {
    if (get().isActivityRequested) await get().loadActivity(client);
  },
});

/**
 * `current` with `incoming` merged in, oldest first by id, the newest ACTIVITY_CAPACITY kept. An
 * entry already held (same id) is replaced by the incoming one.
 */
export function mergeActivity(
  current: readonly ActivityEntry[],
  incoming: readonly ActivityEntry[],
): readonly ActivityEntry[] {
  if (incoming.length === 0) return current;
  // The common case, events in order past the last entry: append without sorting.
  let previousId = current.at(-1)?.id ?? -Infinity;
  const isInOrder = incoming.every((entry) => {
    const isAfter = entry.id > previousId;
    previousId = entry.id;
    return isAfter;
  });
  if (isInOrder) return [...current, ...incoming].slice(-ACTIVITY_CAPACITY);
  const byId = new Map<number, ActivityEntry>();
  for (const entry of current) byId.set(entry.id, entry);
  for (const entry of incoming) byId.set(entry.id, entry);
  return [...byId.values()].sort((a, b) => a.id - b.id).slice(-ACTIVITY_CAPACITY);
}

/** The activity slice's part of a batch of new events (in seq order); undefined when none touch it. */
export function foldActivityEvents(
  state: ActivitySlice,
  events: readonly ConsoleEvent[],
): SliceChange<ActivitySlice> | undefined {
  const entries: ActivityEntry[] = [];
  for (const event of events) {
    if (event.type === 'activity') entries.push(event.entry);
  }
  return entries.length === 0 ? undefined : { activity: mergeActivity(state.activity, entries) };
}

export const selectActivity = (state: ConsoleState) => state.activity;
