/**
 * The console's one contract: every channel the renderer may call (`domain:verb`), with its request
 * and response types, and the events the service pushes. The Electron preload, the IPC bridge, the
 * web server and the renderer's clients are all written against this file, so a channel exists in
 * one place. It has no runtime imports: the renderer bundles it, and only type imports reach into
 * the rest of core/. Arguments are validated where they arrive (contract-schemas.ts), never here.
 */
import type { PlanJson } from '../cluster/plan.js';
import type { NodeRole } from '../cluster/worklist.js';
import type { ErrorPayload } from '../errors.js';
import type { SurveyedNode } from '../resize/cluster-survey.js';
import type { NodeCounters, ThroughputSample, VbucketState } from '../resync/resync-engine.js';
import type { ResyncSummaryJson } from '../resync/resync-summary-json.js';
import type { PassReport } from '../resync/source-stream.js';
import type { HostKeyQuestion } from '../transport/ssh-session.js';
import type { VerifyReport } from '../resync/verify.js';

export type { ErrorPayload, NodeCounters, NodeRole, PassReport, PlanJson, SurveyedNode };
export type { ResyncSummaryJson, ThroughputSample, VbucketState, VerifyReport };

/** What an operator gives to define a cluster: its cluster_settings lists and how to reach it. */
export interface ClusterDefinition {
  readonly name: string;
  readonly servers: readonly string[];
  /** Empty when no resize is in progress. */
  readonly newServers: readonly string[];
  /**
   * A cluster profile's JSON (see core/cluster/cluster-profile.ts): SSH routes, settings path,
   * reload command. Absent: every node is reached directly at its cluster_settings address.
   */
  readonly profile?: unknown;
}

export interface ClusterSummary extends ClusterDefinition {
  readonly id: string;
  /** `demo`: the local demo cluster of this run; it is not saved and cannot be removed. */
  readonly origin: 'saved' | 'demo';
}

export interface ClusterStatusReport {
  readonly clusterId: string;
  readonly checkedAt: string;
  /** Every node of the cluster's lists, with its own cluster_settings when a profile reads them. */
  readonly nodes: readonly SurveyedNode[];
  /** Only with a profile: whether every node's cluster_settings was read and all agree. */
  readonly settingsAgree?: boolean;
}

export type JobKind = 'resync' | 'resize' | 'verify';
export type JobState = 'running' | 'succeeded' | 'failed' | 'cancelled';

export type JobRequest =
  | {
      readonly kind: 'resync';
      readonly clusterId: string;
      readonly target: string;
      readonly full: boolean;
      /** Bytes per second into the target; 0 for no limit. */
      readonly rateLimit?: number | undefined;
    }
  | {
      readonly kind: 'resize';
      readonly clusterId: string;
      readonly full: boolean;
      readonly parallel?: number | undefined;
      readonly rateLimit?: number | undefined;
    }
  | { readonly kind: 'verify'; readonly clusterId: string; readonly repair: boolean };

export interface JobSummary {
  readonly id: string;
  readonly kind: JobKind;
  readonly clusterId: string;
  /** The nodes being filled (resync, resize); empty for verify. */
  readonly targets: readonly string[];
  readonly state: JobState;
  readonly startedAt: string;
  readonly finishedAt?: string;
  /** Bytes per second into each target; 0 for no limit. */
  readonly rateLimit: number;
  /** Per target, once its resync ended. */
  readonly resyncs: readonly ResyncSummaryJson[];
  readonly verify?: VerifyReport;
  /** Why the job failed as a whole (a resync's own failures are in `resyncs`). */
  readonly error?: ErrorPayload;
}

/** A question only the operator can answer, asked while an SSH connection is being made. */
export type OperatorPrompt =
  | ({ readonly id: string; readonly kind: 'host-key' } & HostKeyQuestion)
  | { readonly id: string; readonly kind: 'passphrase'; readonly identityFile: string }
  | {
      readonly id: string;
      readonly kind: 'password';
      readonly user: string;
      readonly host: string;
    };

/** The request and response of every channel. */
export interface ConsoleChannels {
  'app:info': { request: null; response: AppInfo };
  'clusters:list': { request: null; response: readonly ClusterSummary[] };
  'clusters:save': {
    request: { readonly id?: string | undefined; readonly definition: ClusterDefinition };
    response: ClusterSummary;
  };
  'clusters:remove': { request: { readonly id: string }; response: null };
  'cluster:status': { request: { readonly clusterId: string }; response: ClusterStatusReport };
  'plan:preview': { request: { readonly clusterId: string }; response: PlanJson };
  'jobs:start': { request: JobRequest; response: JobSummary };
  'jobs:list': { request: null; response: readonly JobSummary[] };
  'jobs:cancel': { request: { readonly jobId: string }; response: null };
  'jobs:set-rate': {
    request: { readonly jobId: string; readonly bytesPerSecond: number };
    response: null;
  };
  'prompts:list': { request: null; response: readonly OperatorPrompt[] };
  'prompts:answer': {
    request: { readonly promptId: string; readonly answer: boolean | string | null };
    response: null;
  };
}

export type Channel = keyof ConsoleChannels;
export type RequestOf<C extends Channel> = ConsoleChannels[C]['request'];
export type ResponseOf<C extends Channel> = ConsoleChannels[C]['response'];

export interface AppInfo {
  readonly version: string;
  readonly mode: 'electron' | 'web';
}

/**
 * Each channel's function name on the preload's `window.astaire` (named functions only, never a
 * generic invoke) and, being the one list of channels, what the bridge and the web server accept.
 */
export const CHANNEL_FUNCTIONS = {
  'app:info': 'appInfo',
  'clusters:list': 'listClusters',
  'clusters:save': 'saveCluster',
  'clusters:remove': 'removeCluster',
  'cluster:status': 'clusterStatus',
  'plan:preview': 'previewPlan',
  'jobs:start': 'startJob',
  'jobs:list': 'listJobs',
  'jobs:cancel': 'cancelJob',
  'jobs:set-rate': 'setJobRate',
  'prompts:list': 'listPrompts',
  'prompts:answer': 'answerPrompt',
} as const satisfies Record<Channel, string>;

export const CHANNELS = Object.keys(CHANNEL_FUNCTIONS) as readonly Channel[];

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.hasOwn(CHANNEL_FUNCTIONS, name);
}

/** How every call's outcome crosses the boundary: errors keep their code and place. */
export type InvokeResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ErrorPayload };

/** What the service's parts emit; the service then numbers them (`ConsoleEvent`). */
export type ConsoleEventBody =
  | { readonly type: 'clusters-changed' }
  | { readonly type: 'job-started'; readonly job: JobSummary }
  | { readonly type: 'job-finished'; readonly job: JobSummary }
  | {
      readonly type: 'vbucket-state';
      readonly jobId: string;
      readonly target: string;
      readonly vbucket: number;
      readonly state: VbucketState;
    }
  | {
      readonly type: 'throughput';
      readonly jobId: string;
      readonly target: string;
      readonly samples: readonly ThroughputSample[];
      readonly totals: readonly NodeCounters[];
    }
  | {
      readonly type: 'pass';
      readonly jobId: string;
      readonly target: string;
      readonly report: PassReport;
    }
  | {
      readonly type: 'estimate';
      readonly jobId: string;
      readonly target: string;
      readonly keys: number;
    }
  | { readonly type: 'verify-progress'; readonly jobId: string; readonly checkedKeys: number }
  | {
      readonly type: 'notice';
      readonly jobId: string;
      readonly target?: string;
      readonly message: string;
    }
  | { readonly type: 'prompt'; readonly prompt: OperatorPrompt }
  | { readonly type: 'prompt-closed'; readonly promptId: string };

/** What the service pushes: `seq` numbers every event of a service in order, from 1. */
export type ConsoleEvent = ConsoleEventBody & { readonly seq: number };

/** Events travel in batches, at most about ten a second per window or socket, in `seq` order. */
export interface EventBatch {
  readonly events: readonly ConsoleEvent[];
}

/** The IPC channel (Electron) carrying event batches to the renderer. */
export const EVENTS_CHANNEL = 'events:batch';
