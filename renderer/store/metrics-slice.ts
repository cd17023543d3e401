/**
 * Live throughput: per job, target and node, the last THROUGHPUT_CAPACITY one-second samples in a
 * ring buffer, plus each target's latest running totals.
 *
 * The ring buffers are written in place (O(1) per sample, no copying of 600-sample arrays ten
 * times a second), so their identity never changes: a component selects a value that moves with
 * its buffer (`selectTargetSampleAt`, the newest sample's time), or subscribes and reads the
 * buffer into a ref.
 */
import type { ConsoleEvent, NodeCounters, ThroughputSample } from '../../core/console/contract.js';
import type { ConsoleState, SliceChange, SliceCreator } from './console-state.js';
import { RingBuffer } from './ring-buffer.js';
import { ownEntry } from '../../core/shared/own-entry.js';

/** Ten minutes of one-second samples. */
export const THROUGHPUT_CAPACITY = 600;
/** Series kept; the oldest are dropped first, so a long session's finished jobs let go. */
export const MAX_THROUGHPUT_SERIES = 256;

/** One node's samples within one target's resync. */
export interface ThroughputSeries {
  readonly jobId: string;
  readonly target: string;
  readonly node: string;
  readonly role: 'target' | 'source';
  readonly samples: RingBuffer<ThroughputSample>;
}

export interface MetricsSlice {
  /** By `seriesKey(jobId, target, node)`, oldest series first. */
  readonly throughput: Readonly<Record<string, ThroughputSeries>>;
  /** Bumped by every batch that appended samples. */
  readonly throughputRevision: number;
  /** jobId -> target -> the latest totals of the target and its sources. */
  readonly totals: Readonly<Record<string, Readonly<Record<string, readonly NodeCounters[]>>>>;
}

export const createMetricsSlice: SliceCreator<MetricsSlice> = () => ({
  throughput: {},
  throughputRevision: 0,
  totals: {},
});

/**
 * A source streams to one target per resync, and a resize runs several at once: the same node's
 * samples from two resyncs are two series, not one.
 */
export function seriesKey(jobId: string, target: string, node: string): string {
  return JSON.stringify([jobId, target, node]);
}

/** The metrics slice's part of a batch of new events (in seq order); undefined when none touch it. */
export function foldMetricsEvents(
  state: MetricsSlice,
  events: readonly ConsoleEvent[],
): SliceChange<MetricsSlice> | undefined {
  let throughput: Record<string, ThroughputSeries> | undefined;
  let totals: Record<string, Record<string, readonly NodeCounters[]>> | undefined;
  let hasSamples = false;

  for (const event of events) {
    if (event.type !== 'throughput') continue;
    for (const sample of event.samples) {
      const key = seriesKey(event.jobId, event.target, sample.node);
      let series = (throughput ?? state.throughput)[key];
      if (series === undefined) {
        throughput ??= { ...state.throughput };
        series = {
          jobId: event.jobId,
          target: event.target,
          node: sample.node,
          role: sample.role,
          samples: new RingBuffer<ThroughputSample>(THROUGHPUT_CAPACITY),
        };
        throughput[key] = series;
      }
      series.samples.push(sample);
      hasSamples = true;
    }
    totals ??= { ...state.totals };
    totals[event.jobId] = { ...totals[event.jobId], [event.target]: event.totals };
  }

  if (totals === undefined) return undefined;
  const change: SliceChange<MetricsSlice> = { totals };
  if (throughput !== undefined) change.throughput = dropOldestSeries(throughput);
  if (hasSamples) change.throughputRevision = state.throughputRevision + 1;
  return change;
}

function dropOldestSeries(
  throughput: Record<string, ThroughputSeries>,
): Record<string, ThroughputSeries> {
  const keys = Object.keys(throughput);
  // String keys keep insertion order, so the first ones are the oldest series.
  for (const key of keys.slice(0, Math.max(0, keys.length - MAX_THROUGHPUT_SERIES))) {
    delete throughput[key];
  }
  return throughput;
}

export const selectSeries =
  (jobId: string, target: string, node: string) =>
  (state: ConsoleState): ThroughputSeries | undefined =>
    state.throughput[seriesKey(jobId, target, node)];

export const selectTotals =
  (jobId: string, target: string) =>
  (state: ConsoleState): readonly NodeCounters[] | undefined =>
    ownEntry(state.totals[jobId], target);

/**
 * When the target's newest sample was taken (0 before any): it changes once per batch that
 * brought that target samples, so a chart keyed on it redraws only for its own target.
 */
export const selectTargetSampleAt =
  (jobId: string, target: string) =>
  (state: ConsoleState): number =>
    state.throughput[seriesKey(jobId, target, target)]?.samples.last()?.at ?? 0;

/** A node's average rates over its last `window` samples, and how many samples that was. */
export interface RecentRate {
  readonly keysPerSecond: number;
  readonly bytesPerSecond: number;
  readonly samples: number;
}

export function recentRate(series: ThroughputSeries | undefined, window: number): RecentRate {
  const buffer = series?.samples;
  if (buffer === undefined || buffer.size === 0) {
    return { keysPerSecond: 0, bytesPerSecond: 0, samples: 0 };
  }
  const count = Math.min(window, buffer.size);
  let keys = 0;
  let bytes = 0;
  for (let i = buffer.size - count; i < buffer.size; i++) {
    const sample = buffer.at(i);
    keys += sample?.keysPerSecond ?? 0;
    bytes += sample?.bytesPerSecond ?? 0;
  }
  return { keysPerSecond: keys / count, bytesPerSecond: bytes / count, samples: count };
}
