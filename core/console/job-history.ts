/**
 * What one job's events have told so far, kept by the service so that a window that opens late
 * (or is reloaded) can be shown the job as the windows open all along show it: each vbucket's
 * latest state and the source it was last streamed from, each node's recent throughput samples,
 * the latest totals, estimate and pass of each target, a verify's checked keys, and the notices.
 * It is folded from the same events the windows are sent, so the two cannot tell different stories.
 */
import type {
  ConsoleEvent,
  JobReplay,
  NodeCounters,
  PassReport,
  TargetReplay,
  ThroughputSample,
  VbucketState,
} from './contract.js';
import { JOB_REPLAY_LIMITS } from './contract.js';

interface TargetHistory {
  readonly vbuckets: Map<number, { state: VbucketState; streamedFrom?: string }>;
  /** node -> its samples, oldest first, at most JOB_REPLAY_LIMITS.samplesPerNode. */
  readonly samples: Map<string, ThroughputSample[]>;
  totals: readonly NodeCounters[];
  estimatedKeys?: number;
  lastPass?: PassReport;
}

type Notice = JobReplay['notices'][number];

export class JobHistory {
  private readonly targets = new Map<string, TargetHistory>();
  private notices: Notice[] = [];
  private checkedKeys: number | undefined;

  constructor(readonly jobId: string) {}

  /** Folds in one of this job's events; events of other kinds are ignored. */
  observe(event: ConsoleEvent): void {
    switch (event.type) {
      case 'vbucket-state': {
        const vbuckets = this.target(event.target).vbuckets;
        const streamedFrom =
          event.state.state === 'streaming' || event.state.state === 'done'
            ? event.state.source
            : vbuckets.get(event.vbucket)?.streamedFrom;
        vbuckets.set(event.vbucket, {
          state: event.state,
          ...(streamedFrom === undefined ? {} : { streamedFrom }),
        });
        break;
      }
      case 'throughput': {
        const target = this.target(event.target);
        for (const sample of event.samples) appendSample(target.samples, sample);
        target.totals = event.totals;
        break;
      }
      case 'estimate':
        this.target(event.target).estimatedKeys = event.keys;
        break;
      case 'pass':
        this.target(event.target).lastPass = event.report;
        break;
      case 'verify-progress':
        this.checkedKeys = event.checkedKeys;
        break;
      case 'notice':
        this.notices.push({
          seq: event.seq,
          ...(event.target === undefined ? {} : { target: event.target }),
          message: event.message,
        });
        if (this.notices.length > 2 * JOB_REPLAY_LIMITS.noticesPerJob) {
          this.notices = this.notices.slice(-JOB_REPLAY_LIMITS.noticesPerJob);
        }
        break;
      default:
        break;
    }
  }

  /** The job as its events left it, in plain data (copies: later events do not change it). */
  snapshot(): JobReplay {
    return {
      jobId: this.jobId,
      targets: [...this.targets].map(([target, history]) => targetSnapshot(target, history)),
      ...(this.checkedKeys === undefined ? {} : { checkedKeys: this.checkedKeys }),
      notices: this.notices.slice(-JOB_REPLAY_LIMITS.noticesPerJob),
    };
  }

  private target(target: string): TargetHistory {
    let history = this.targets.get(target);
    if (history === undefined) {
      history = { vbuckets: new Map(), samples: new Map(), totals: [] };
      this.targets.set(target, history);
    }
    return history;
  }
}

// Trimmed by half a capacity at a time, so that appending stays cheap however long a job runs.
function appendSample(byNode: Map<string, ThroughputSample[]>, sample: ThroughputSample): void {
  let samples = byNode.get(sample.node);
  if (samples === undefined) {
    samples = [];
    byNode.set(sample.node, samples);
  }
  samples.push(sample);
  const cap = JOB_REPLAY_LIMITS.samplesPerNode;
  if (samples.length >= cap + cap / 2) samples.splice(0, samples.length - cap);
}

function targetSnapshot(target: string, history: TargetHistory): TargetReplay {
  const cap = JOB_REPLAY_LIMITS.samplesPerNode;
  return {
    target,
    vbuckets: [...history.vbuckets]
      .sort(([a], [b]) => a - b)
      .map(([vbucket, { state, streamedFrom }]) => ({
        vbucket,
        state,
        ...(streamedFrom === undefined ? {} : { streamedFrom }),
      })),
    samples: [...history.samples.values()].flatMap((samples) => samples.slice(-cap)),
    totals: history.totals,
    ...(history.estimatedKeys === undefined ? {} : { estimatedKeys: history.estimatedKeys }),
    ...(history.lastPass === undefined ? {} : { lastPass: history.lastPass }),
  };
}
