/**
 * The whole store's type, assembled from its slices. Slice files import it (type only) so that
 * their creators and selectors see the other slices, as zustand's slices pattern has it.
 */
import type { ActivitySlice } from './activity-slice.js';
import type { ClustersSlice } from './clusters-slice.js';
import type { JobsSlice } from './jobs-slice.js';
import type { MetricsSlice } from './metrics-slice.js';
import type { PlanSlice } from './plan-slice.js';
import type { UiSlice } from './ui-slice.js';
import type { WizardSlice } from './wizard-slice.js';
import type { ConsoleEvent, EventBatch, JobsReplay } from '../../core/console/contract.js';
import type { StateCreator } from 'zustand/vanilla';

export interface EventsSlice {
  /** The highest `seq` applied; events at or below it are duplicates and are skipped. */
  readonly lastSeq: number;
  /**
   * The `seq` the latest job replay (job-replay.ts) holds events up to: a job's progress events
   * at or below it, arriving late, are in the replay already and are skipped.
   */
  readonly replayedThrough: number;
  /** Folds one batch of events into every slice, in one update. */
  applyEvents(batch: EventBatch): void;
  /**
   * Puts the service's job histories in place of what events built of those jobs, then folds
   * `later` on top: the events that arrived while the replay was on its way.
   */
  applyJobsReplay(replay: JobsReplay, later: readonly ConsoleEvent[]): void;
  /**
   * Forgets `lastSeq` (and `replayedThrough`) after a reconnect: the events that follow may come from a restarted
   * service numbering from 1 again, and what was missed is fetched anew instead.
   */
  resetEventSeq(): void;
}

export type ConsoleState = ClustersSlice &
  JobsSlice &
  MetricsSlice &
  PlanSlice &
  UiSlice &
  WizardSlice &
  ActivitySlice &
  EventsSlice;

/** A slice's creator, typed against the whole store. */
export type SliceCreator<Slice> = StateCreator<ConsoleState, [], [], Slice>;

/** What a fold of events changes in a slice: any of its fields, writable while it is built. */
export type SliceChange<Slice> = { -readonly [K in keyof Slice]?: Slice[K] };
