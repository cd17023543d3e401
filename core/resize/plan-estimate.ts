/**
 * How much a resize will move, before it starts: each source's item count and memory in use are
 * read (stats only, nothing is written), and each target is given the share of every source it
 * will stream from it, by the same rule a running resync estimates with (see source-share.ts).
 * Times come from a rate measured on an earlier resync, never from a guess: without one, they are
 * null. A source that cannot be read is listed as unsampled, and its share left out of the figures.
 *
 * Bytes are the memory the source's items use (stats `bytes`: keys and memcached's item headers
 * included), so they run a little above the value bytes a resync counts as moved, and times
 * computed from them err on the long side.
 */
import type { ClusterSettings } from '../cluster/cluster-settings.js';
import { computeStoreView } from '../cluster/store-view.js';
import { clusterNodes, computeWorklist } from '../cluster/worklist.js';
import type { PlanEstimate, SourceEstimate, TargetEstimate } from '../console/contract.js';
import { toErrorPayload, type ErrorPayload } from '../errors.js';
import { DEFAULT_RESIZE_PARALLEL, resizeTargets } from '../resync/resync-engine.js';
import { firstAssignment, sourceShare, vbucketsHeld } from '../resync/source-share.js';
import type { NodeConnector } from '../transport/node-connector.js';

/** A rate data was moved at, and where it was measured ("measured on resync of X at 14:02"). */
export type MeasuredRate = NonNullable<PlanEstimate['rate']>;

/** An estimate of a resize, for whichever cluster it was asked about. */
export type ResizeEstimate = Omit<PlanEstimate, 'clusterId'>;

/** What a source holds now, from its stats. */
export interface SourceSample {
  readonly items: number;
  readonly bytes: number;
}

export interface EstimateOptions {
  readonly settings: ClusterSettings;
  /** Names the settings in the refusal when there is no resize (a file, or a cluster). */
  readonly where: string;
  readonly full: boolean;
  /** Opens connections with short deadlines (SURVEY_DEADLINES): a dead node must not stall it. */
  readonly connect: NodeConnector;
  readonly rate: MeasuredRate | null;
  /** Targets filled at once; DEFAULT_RESIZE_PARALLEL unless told otherwise. */
  readonly parallel?: number;
  readonly vbuckets?: number;
  readonly replicas?: number;
}

/**
 * Samples the sources and estimates every target of the resize.
 * @throws ConfigError NO_RESIZE when the settings have no new_servers list.
 */
export async function estimateResize(options: EstimateOptions): Promise<ResizeEstimate> {
  const targets = resizeTargets(options.settings, options.where);
  const view = computeStoreView(options.settings, {
    ...(options.vbuckets === undefined ? {} : { vbuckets: options.vbuckets }),
    ...(options.replicas === undefined ? {} : { replicas: options.replicas }),
  });
  const worklists = targets.map((target) => ({
    target,
    worklist: computeWorklist(view, target, { full: options.full }),
  }));
  const sources = new Set(
    worklists.flatMap(({ worklist }) => [...firstAssignment(worklist).keys()]),
  );
  const order = clusterNodes(options.settings);
  const sampled = await sampleSources(
    order.filter((node) => sources.has(node)),
    options.connect,
  );
  const held = vbucketsHeld(view);
  const estimates = worklists.map(({ target, worklist }) =>
    estimateTarget(target, worklist.size, firstAssignment(worklist), held, sampled.samples, order),
  );
  return {
    full: options.full,
    sampledAt: new Date().toISOString(),
    ...withTimes(estimates, options.rate, options.parallel ?? DEFAULT_RESIZE_PARALLEL),
    unsampled: sampled.unsampled,
  };
}

/** Reads each source's item count and memory in use, in parallel; failures are kept, not thrown. */
export async function sampleSources(
  nodes: readonly string[],
  connect: NodeConnector,
): Promise<{
  samples: Map<string, SourceSample>;
  unsampled: { node: string; error: ErrorPayload }[];
}> {
  const samples = new Map<string, SourceSample>();
  const unsampled: { node: string; error: ErrorPayload }[] = [];
  await Promise.all(
    nodes.map(async (node) => {
      try {
        const client = await connect(node, 'estimate');
        try {
          const stats = await client.stats();
          samples.set(node, {
            items: statNumber(stats, 'curr_items'),
            bytes: statNumber(stats, 'bytes'),
          });
        } finally {
          client.close();
        }
      } catch (error) {
        unsampled.push({ node, error: toErrorPayload(error) });
      }
    }),
  );
  unsampled.sort((a, b) => nodes.indexOf(a.node) - nodes.indexOf(b.node));
  return { samples, unsampled };
}

/**
 * One target's share of each sampled source: keys and bytes in proportion to the vbuckets it
 * streams from the source out of those the source holds. Sources not sampled are left out.
 */
export function estimateTarget(
  target: string,
  worklistSize: number,
  assignment: ReadonlyMap<string, readonly number[]>,
  held: ReadonlyMap<string, number>,
  samples: ReadonlyMap<string, SourceSample>,
  order: readonly string[],
): Omit<TargetEstimate, 'seconds'> {
  const sources: SourceEstimate[] = [];
  const unsampledSources: string[] = [];
  for (const [node, vbuckets] of assignment) {
    const sample = samples.get(node);
    if (sample === undefined) {
      unsampledSources.push(node);
      continue;
    }
    const share = sourceShare(vbuckets.length, held.get(node) ?? 0);
    sources.push({
      node,
      vbuckets: vbuckets.length,
      keys: Math.round(sample.items * share),
      bytes: Math.round(sample.bytes * share),
    });
  }
  sources.sort((a, b) => order.indexOf(a.node) - order.indexOf(b.node));
  return {
    target,
    vbuckets: worklistSize,
    keys: sources.reduce((sum, s) => sum + s.keys, 0),
    bytes: sources.reduce((sum, s) => sum + s.bytes, 0),
    sources,
    unsampledSources: unsampledSources.sort((a, b) => order.indexOf(a) - order.indexOf(b)),
  };
}

/** The targets' times at `rate`, and the totals; times are null without a rate. */
export function withTimes(
  targets: readonly Omit<TargetEstimate, 'seconds'>[],
  rate: MeasuredRate | null,
  parallel: number,
): Pick<PlanEstimate, 'targets' | 'keys' | 'bytes' | 'rate' | 'seconds'> {
  // A target missing a source's share has no time: one from part of its bytes would be a guess.
  const timed = targets.map((target): TargetEstimate => ({
    ...target,
    seconds:
      rate === null || target.unsampledSources.length > 0
        ? null
        : target.bytes / rate.bytesPerSecond,
  }));
  const isWhole = timed.every((target) => target.unsampledSources.length === 0);
  return {
    targets: timed,
    keys: targets.reduce((sum, t) => sum + t.keys, 0),
    bytes: targets.reduce((sum, t) => sum + t.bytes, 0),
    rate,
    seconds:
      rate === null || !isWhole
        ? null
        : scheduleSeconds(
            timed.map((t) => t.seconds ?? 0),
            parallel,
          ),
  };
}

/**
 * How long jobs of these durations take, `parallel` at a time, each started in the given order as
 * soon as a slot is free: the order and the slots a resize uses (it takes targets in new_servers
 * order). Each target is taken to keep its own rate while others run beside it.
 */
export function scheduleSeconds(durations: readonly number[], parallel: number): number {
  const slots = Array.from({ length: Math.max(1, Math.min(parallel, durations.length)) }, () => 0);
  for (const duration of durations) {
    const earliest = slots.indexOf(Math.min(...slots));
    slots[earliest] = (slots[earliest] ?? 0) + duration;
  }
  return Math.max(0, ...slots);
}

function statNumber(stats: ReadonlyMap<string, string>, name: string): number {
  const value = Number(stats.get(name));
  return Number.isFinite(value) && value > 0 ? value : 0;
}
