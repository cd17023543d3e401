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

/** A cluster_settings file's two lists, read for the clusters form's import. */
export interface ImportedSettings {
  readonly servers: readonly string[];
  readonly newServers: readonly string[];
}

/** A `Host` entry of the operator's ~/.ssh/config, offered when a cluster's nodes are reached over SSH. */
export interface SshHostEntry {
  readonly alias: string;
  readonly hostName?: string;
  readonly user?: string;
  readonly port?: number;
}

/** What failing nodes during the resize would do to redundancy, before anything is written. */
export interface FailureRisk {
  /**
   * Per node of the current servers: the vbuckets that would be left with one full copy, or none,
   * if that node failed while the resize runs (new replicas hold only what has been streamed), and
   * only where that is fewer than the same failure leaves without a resize, under either servers
   * list (core/cluster/failure-risk.ts). Usually empty: a two-replica cluster's "one copy left"
   * is its ordinary state.
   */
  readonly ifNodeFails: readonly {
    readonly node: string;
    readonly singleCopy: readonly number[];
    readonly noCopy: readonly number[];
  }[];
  /** vbuckets none of whose new replicas holds them now: until streamed, only old replicas do. */
  readonly fullyRehomed: readonly number[];
}

export interface PlanPreview {
  readonly plan: PlanJson;
  readonly risk: FailureRisk;
}

/** Keys and bytes one source would send one target, from its item count and memory in use. */
export interface SourceEstimate {
  readonly node: string;
  readonly vbuckets: number;
  readonly keys: number;
  readonly bytes: number;
}

export interface TargetEstimate {
  readonly target: string;
  readonly vbuckets: number;
  readonly keys: number;
  readonly bytes: number;
  /**
   * At the measured rate; null when no rate is known, or when a source could not be sampled (the
   * figures are then a lower bound, and a time from them would be a guess).
   */
  readonly seconds: number | null;
  readonly sources: readonly SourceEstimate[];
  /** Sources of this target that could not be sampled: its keys and bytes leave their share out. */
  readonly unsampledSources: readonly string[];
}

/** An estimate of a resize's work, sampled from the sources' stats (nothing is written). */
export interface PlanEstimate {
  readonly clusterId: string;
  readonly full: boolean;
  readonly sampledAt: string;
  readonly targets: readonly TargetEstimate[];
  readonly keys: number;
  readonly bytes: number;
  /**
   * The rate the times are computed at, and where it was measured ("measured on resync of X at
   * 14:02": always on this cluster); null when none is known yet.
   */
  readonly rate: { readonly bytesPerSecond: number; readonly basis: string } | null;
  /**
   * For the whole resize (targets filled DEFAULT_RESIZE_PARALLEL at a time); null without a rate or
   * when a source could not be sampled.
   */
  readonly seconds: number | null;
  /** Sources that could not be sampled, and why: their share is missing from the figures. */
  readonly unsampled: readonly { readonly node: string; readonly error: ErrorPayload }[];
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
      /** Only these vbuckets of the target's worklist (a retry); all of them when absent. */
      readonly vbuckets?: readonly number[] | undefined;
      /** Stream only from this replica (a retry of one source); each vbucket's own order when absent. */
      readonly source?: string | undefined;
      /** The job this one retries part of, for the record. */
      readonly retryOf?: string | undefined;
    }
  | {
      readonly kind: 'resize';
      readonly clusterId: string;
      readonly full: boolean;
      readonly parallel?: number | undefined;
      readonly rateLimit?: number | undefined;
      /**
       * Carry on from the checkpoints an earlier run of this resize saved (it was cut short: the
       * console stopped): vbuckets it finished on a target still running the same memcached
       * process are not streamed again.
       */
      readonly resume?: boolean | undefined;
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
  /** Paused: no key is sent until it is resumed (sources keep being read into the spill queue). */
  readonly isPaused: boolean;
  /**
   * Resync and resize: whether every vbucket a target will hold is filled, not only those it
   * gains; a retry asks for the same. Absent for verify.
   */
  readonly full?: boolean;
  /** Set when the job covers only some vbuckets of its target's worklist (a retry). */
  readonly vbuckets?: readonly number[];
  readonly source?: string;
  readonly retryOf?: string;
  /** Per target, once its resync ended. */
  readonly resyncs: readonly ResyncSummaryJson[];
  readonly verify?: VerifyReport;
  /** Why the job failed as a whole (a resync's own failures are in `resyncs`). */
  readonly error?: ErrorPayload;
}

/**
 * What the service keeps of each job's events, so that a window that opens late or is reloaded
 * shows a job as one open all along does. Bounded, so that a console left open for weeks does not
 * grow: a resize of 4 targets with 3 sources each keeps at most 16 nodes x 600 samples (about
 * 1.5 MB), and 10 finished jobs at most about 15 MB in all, running jobs aside.
 */
export const JOB_REPLAY_LIMITS = {
  /** Per node of each target: ten minutes of the resyncs' one-second samples. */
  samplesPerNode: 600,
  /** Per job, the newest. */
  noticesPerJob: 200,
  /** Finished jobs whose history is kept; the earliest finished go first. Running jobs all stay. */
  finishedJobs: 10,
} as const;

/** One vbucket of a target as the job's events last left it. */
export interface VbucketReplay {
  readonly vbucket: number;
  readonly state: VbucketState;
  /** The source it was last streamed from (a failed state does not name it). */
  readonly streamedFrom?: string;
}

export interface TargetReplay {
  readonly target: string;
  /** Only the vbuckets an event named, by number. */
  readonly vbuckets: readonly VbucketReplay[];
  /** Each node's newest samples (at most JOB_REPLAY_LIMITS.samplesPerNode), oldest first. */
  readonly samples: readonly ThroughputSample[];
  /** The latest totals of the target and its sources; empty before the first sample. */
  readonly totals: readonly NodeCounters[];
  readonly estimatedKeys?: number;
  readonly lastPass?: PassReport;
}

/** One job's history: what its events told, folded. */
export interface JobReplay {
  readonly jobId: string;
  readonly targets: readonly TargetReplay[];
  /** Verify jobs: keys checked so far. */
  readonly checkedKeys?: number;
  /** The newest JOB_REPLAY_LIMITS.noticesPerJob, oldest first, with their events' `seq`. */
  readonly notices: readonly {
    readonly seq: number;
    readonly target?: string;
    readonly message: string;
  }[];
}

/**
 * The kept jobs' histories as of event `seq`: events up to it are in them, later ones are not, so
 * a window folds in only the events past `seq` on top.
 */
export interface JobsReplay {
  readonly seq: number;
  readonly jobs: readonly JobReplay[];
}

export type WizardStepNumber = 1 | 2 | 3 | 4 | 5;
export type WizardStepState = 'pending' | 'running' | 'succeeded' | 'failed';

/** One node's part in a wizard step. */
export interface WizardNodeStatus {
  readonly node: string;
  readonly state: 'pending' | 'running' | 'done' | 'failed' | 'by-hand';
  /** What happened: the reason of a failure, "already held these lists", a backup's path. */
  readonly message?: string;
}

export interface WizardStep {
  readonly step: WizardStepNumber;
  readonly state: WizardStepState;
  readonly nodes: readonly WizardNodeStatus[];
  /** True when the operator confirmed the step was done by hand (no SSH, or no reload command). */
  readonly byHand?: boolean;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly error?: ErrorPayload;
  /** Steps 3 and 4: the jobs they ran (latest last). */
  readonly jobIds?: readonly string[];
}

/**
 * A resize driven through its five steps. The service keeps it in the data directory as it
 * goes, so a console that is closed (or crashes) and opened again resumes where it was.
 */
export interface ResizeWizard {
  readonly clusterId: string;
  readonly clusterName: string;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly oldServers: readonly string[];
  readonly newServers: readonly string[];
  /** Steps 1, 2, 4 and 5 reach nodes over SSH as the cluster's profile says, or by hand. */
  readonly remote: 'ssh' | 'by-hand';
  /** Whether the profile has a reload command (steps 2 and 5 run it); otherwise reloads are by hand. */
  readonly canReload: boolean;
  /** The first step not yet succeeded, or 'complete'. */
  readonly current: WizardStepNumber | 'complete';
  readonly steps: readonly WizardStep[];
  /** Why writing the final servers list (step 4) is refused now; empty when it may go ahead. */
  readonly blockers: readonly string[];
  /** The operator's logged override of the blockers, if any. */
  readonly override?: { readonly reason: string; readonly at: string };
  /** What the blockers box offers to clear the blockers without an override; absent when nothing. */
  readonly repair?: WizardRepair;
  /** Once step 5 succeeded. */
  readonly report?: ResizeReport;
}

/**
 * The way out of step 4's blockers short of an override: resync the vbuckets they list on the
 * resize's targets (`wizard:repair` with `resync`), then verify again (`verify`); a clean verify
 * clears them.
 */
export interface WizardRepair {
  /** The vbuckets the blockers list: failed in step 3, or where a verify found keys missing or stale. */
  readonly vbuckets: readonly number[];
  /** A verify found keys missing or stale: only a clean verify clears that. */
  readonly needsVerify: boolean;
  /** When a resync of the resize's targets last ended after that verify. */
  readonly resyncedAt?: string;
  /** The resyncs the wizard started for the listed vbuckets that have not ended yet. */
  readonly runningJobIds: readonly string[];
}

export interface WizardRepairRequest {
  readonly clusterId: string;
  /** `resync`: the listed vbuckets on the resize's targets that will hold them; `verify`: step 4's verify, without writing. */
  readonly action: 'resync' | 'verify';
}

/** What a completed resize did, for the operator to save. */
export interface ResizeReport {
  readonly clusterName: string;
  readonly oldServers: readonly string[];
  readonly newServers: readonly string[];
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly steps: readonly WizardStep[];
  readonly resyncs: readonly ResyncSummaryJson[];
  readonly verify?: VerifyReport;
  readonly override?: { readonly reason: string; readonly at: string };
}

export interface WizardStepRequest {
  readonly clusterId: string;
  readonly step: WizardStepNumber;
  /** Steps 1, 2, 4, 5: the operator did this step by hand and confirms it. */
  readonly byHand?: boolean | undefined;
  /** Step 3: full resyncs (every vbucket the targets will hold), and the rate limit. */
  readonly full?: boolean | undefined;
  readonly rateLimit?: number | undefined;
}

/** What step 1 or 4 would write into each node's cluster_settings. */
export interface SettingsPreview {
  readonly step: 1 | 4;
  readonly servers: readonly string[];
  readonly newServers: readonly string[];
  /** The lines cluster_settings must hold after the step (for a write by hand). */
  readonly text: string;
  /** Over SSH: each node's diff, or why its file could not be read. */
  readonly nodes: readonly {
    readonly node: string;
    readonly diff?: string;
    readonly error?: ErrorPayload;
  }[];
}

/** One line of the activity log: every action with its time, node and outcome. */
export interface ActivityEntry {
  readonly id: number;
  readonly at: string;
  readonly clusterId?: string;
  readonly node?: string;
  /** What was done, in a few words: "resync started", "cluster_settings written". */
  readonly action: string;
  readonly outcome: 'started' | 'succeeded' | 'failed' | 'cancelled' | 'refused' | 'info';
  readonly detail?: string;
}

/** The most entries one `activity:list` page holds (and its default). */
export const ACTIVITY_PAGE_LIMIT = 500;

/**
 * A page of the activity log: the newest `limit` entries (default and most ACTIVITY_PAGE_LIMIT)
 * whose id is below `before`, or the newest of all without it. Answered oldest first; a page
 * shorter than asked is the oldest the console holds.
 */
export interface ActivityListRequest {
  readonly limit?: number | undefined;
  readonly before?: number | undefined;
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
  'cluster:status': {
    request: {
      readonly clusterId: string;
      /**
       * The operator asked for it (the overview's "Test connections"): only then is it logged.
       * The console's own reads, on selecting a cluster or opening a tab, are not actions.
       */
      readonly isOperatorTest?: boolean | undefined;
    };
    response: ClusterStatusReport;
  };
  'clusters:import-settings': {
    request: { readonly text: string; readonly fileName: string };
    response: ImportedSettings;
  };
  'ssh:hosts': { request: null; response: readonly SshHostEntry[] };
  'plan:preview': { request: { readonly clusterId: string }; response: PlanPreview };
  'plan:estimate': {
    request: { readonly clusterId: string; readonly full: boolean };
    response: PlanEstimate;
  };
  'jobs:start': { request: JobRequest; response: JobSummary };
  'jobs:list': { request: null; response: readonly JobSummary[] };
  'jobs:replay': { request: null; response: JobsReplay };
  'jobs:cancel': { request: { readonly jobId: string }; response: null };
  'jobs:set-rate': {
    request: { readonly jobId: string; readonly bytesPerSecond: number };
    response: null;
  };
  'jobs:pause': { request: { readonly jobId: string }; response: null };
  'jobs:resume': { request: { readonly jobId: string }; response: null };
  'wizard:get': { request: { readonly clusterId: string }; response: ResizeWizard | null };
  'wizard:begin': {
    request: { readonly clusterId: string; readonly newServers: readonly string[] };
    response: ResizeWizard;
  };
  'wizard:preview-settings': {
    request: { readonly clusterId: string; readonly step: 1 | 4 };
    response: SettingsPreview;
  };
  'wizard:run-step': { request: WizardStepRequest; response: ResizeWizard };
  'wizard:override': {
    request: { readonly clusterId: string; readonly reason: string };
    response: ResizeWizard;
  };
  'wizard:repair': { request: WizardRepairRequest; response: ResizeWizard };
  'wizard:abandon': { request: { readonly clusterId: string }; response: null };
  'activity:list': { request: ActivityListRequest | null; response: readonly ActivityEntry[] };
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
  'clusters:import-settings': 'importSettings',
  'ssh:hosts': 'listSshHosts',
  'plan:preview': 'previewPlan',
  'plan:estimate': 'estimatePlan',
  'jobs:start': 'startJob',
  'jobs:list': 'listJobs',
  'jobs:replay': 'replayJobs',
  'jobs:cancel': 'cancelJob',
  'jobs:set-rate': 'setJobRate',
  'jobs:pause': 'pauseJob',
  'jobs:resume': 'resumeJob',
  'wizard:get': 'getWizard',
  'wizard:begin': 'beginWizard',
  'wizard:preview-settings': 'previewWizardSettings',
  'wizard:run-step': 'runWizardStep',
  'wizard:override': 'overrideWizard',
  'wizard:repair': 'repairWizard',
  'wizard:abandon': 'abandonWizard',
  'activity:list': 'listActivity',
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
  | { readonly type: 'job-updated'; readonly job: JobSummary }
  | { readonly type: 'wizard-changed'; readonly wizard: ResizeWizard }
  | { readonly type: 'wizard-removed'; readonly clusterId: string }
  | { readonly type: 'activity'; readonly entry: ActivityEntry }
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
