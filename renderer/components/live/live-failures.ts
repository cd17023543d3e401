/**
 * A job's failures, per target: each failed vbucket with its reason, and each failed source with
 * the vbuckets it let down. Once a target's resync ends its summary is the record; while it runs,
 * the failed vbucket-state events are all there is.
 */
import type { JobRequest, JobSummary } from '../../../core/console/contract.js';
import type { TargetProgress } from '../../store/jobs-slice.js';

export interface FailedVbucket {
  readonly vbucket: number;
  readonly reason: string;
  /** The source it was last streamed from, when an event said. */
  readonly source?: string;
}

export interface FailedSource {
  readonly source: string;
  readonly reason: string;
  /** The failed vbuckets whose reason names this source, or that were streamed from it. */
  readonly vbuckets: readonly number[];
}

export interface TargetFailures {
  readonly target: string;
  /** Whether the target's resync has ended, so that a retry does not race it. */
  readonly isEnded: boolean;
  readonly vbuckets: readonly FailedVbucket[];
  readonly sources: readonly FailedSource[];
}

export function targetFailures(
  job: JobSummary,
  target: string,
  progress: TargetProgress | undefined,
): TargetFailures {
  const summary = job.resyncs.find((resync) => resync.target === target);
  const streamedFrom = progress?.streamedFrom ?? {};
  const reasons = new Map<number, string>();
  if (summary === undefined) {
    for (const [key, state] of Object.entries(progress?.vbuckets ?? {})) {
      if (state.state === 'failed') reasons.set(Number(key), state.reason);
    }
  } else {
    for (const failure of summary.failed) reasons.set(failure.vbucket, failure.reason);
  }
  const vbuckets = [...reasons]
    .sort(([a], [b]) => a - b)
    .map(([vbucket, reason]): FailedVbucket => {
      const source = streamedFrom[vbucket];
      return source === undefined ? { vbucket, reason } : { vbucket, reason, source };
    });

  const failedSources = new Map<string, string>();
  if (summary !== undefined) {
    for (const source of summary.sources) {
      if (source.failure !== undefined) failedSources.set(source.node, source.failure);
    }
  }
  // While the target runs there is no list of failed sources yet: the sources its failed
  // vbuckets were streamed from stand in, with the first such vbucket's reason.
  for (const failure of vbuckets) {
    if (failure.source !== undefined && !failedSources.has(failure.source)) {
      if (summary === undefined) failedSources.set(failure.source, failure.reason);
    }
  }
  const sources = [...failedSources].map(([source, reason]): FailedSource => ({
    source,
    reason,
    vbuckets: vbuckets
      .filter((failure) => failure.source === source || namesNode(failure.reason, source))
      .map((failure) => failure.vbucket),
  }));
  return {
    target,
    isEnded: job.state !== 'running' || summary !== undefined,
    vbuckets,
    sources,
  };
}

/**
 * Whether `text` names `node` as a whole address: "10.0.0.1:1121" is not named by a reason about
 * "10.0.0.1:11211".
 */
export function namesNode(text: string, node: string): boolean {
  for (let at = text.indexOf(node); at >= 0; at = text.indexOf(node, at + 1)) {
    const before = text[at - 1];
    const after = text[at + node.length];
    if (!isAddressChar(before) && !isAddressChar(after)) return true;
  }
  return false;
}

function isAddressChar(char: string | undefined): boolean {
  return char !== undefined && /[0-9A-Za-z.\-[\]]/.test(char);
}

/** The request that retries some failed vbuckets of one target, as the failed job asked. */
export function retryRequest(
  job: JobSummary,
  target: string,
  full: boolean,
  vbuckets: readonly number[],
  source?: string,
): JobRequest {
  return {
    kind: 'resync',
    clusterId: job.clusterId,
    target,
    full,
    vbuckets: [...vbuckets],
    retryOf: job.id,
    ...(job.rateLimit > 0 ? { rateLimit: job.rateLimit } : {}),
    ...(source === undefined ? {} : { source }),
  };
}
