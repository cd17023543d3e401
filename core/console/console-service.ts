/**
 * The console's service: everything the renderer can ask for, the same in Electron and in web mode.
 * It owns the clusters, opens node access per piece of work (direct or over SSH, with SSH's
 * questions put to the operator), runs jobs, and numbers every event it emits so that whoever
 * relays them (the IPC bridge, the web server) keeps their order.
 */
import { whenTapDumpsDrained } from '../memcached/binary-client.js';
import { dirname, join } from 'node:path';
import { resizeFailureRisk } from '../cluster/failure-risk.js';
import { buildPlan, planToJson } from '../cluster/plan.js';
import type { StoreViewOptions } from '../cluster/store-view.js';
import { UsageError } from '../errors.js';
import { SURVEY_DEADLINES, surveyCluster } from '../resize/cluster-survey.js';
import { estimateResize } from '../resize/plan-estimate.js';
import { openClusterAccess, withClusterAccess } from '../transport/cluster-access.js';
import type { DirectConnectorOptions } from '../transport/node-connector.js';
import { DEFAULT_SSH_CONFIG_PATH } from '../transport/ssh-config.js';
import { packageVersion } from '../util/package-version.js';
import { sameList } from '../util/same-list.js';
import { ActivityLog } from './activity-log.js';
import { callActivity, type CallContext, type CallOutcome } from './call-activity.js';
import { importClusterSettings, listSshHosts } from './cluster-import.js';
import type { ConsoleBackend } from './console-backend.js';
import { JobRunner } from './console-jobs.js';
import { JobHistories } from './job-histories.js';
import type { ClusterStore, KnownCluster } from './cluster-store.js';
import type {
  Channel,
  ClusterDefinition,
  ConsoleEvent,
  ConsoleEventBody,
  RequestOf,
  ResponseOf,
} from './contract.js';
import { OperatorPrompts } from './operator-prompts.js';
import { ResizeWizards } from './resize-wizard.js';
import { WizardStore } from './wizard-store.js';

export interface ConsoleServiceOptions {
  readonly mode: 'electron' | 'web';
  readonly store: ClusterStore;
  /** Deadlines for jobs' connections (the defaults of the data plane otherwise). */
  readonly connection?: DirectConnectorOptions;
  /**
   * Where resize wizards (`wizards/`) and the activity log (`activity.jsonl`) are kept; default:
   * the folder of the store's clusters.json, which is the console's data directory.
   */
  readonly dataDir?: string;
  /** The ssh config whose Host aliases `ssh:hosts` offers; default ~/.ssh/config. */
  readonly sshConfigFile?: string;
  /** The clients' vbucket and replica counts, when not Clearwater's 128 and 2 (as the CLI's --vbuckets). */
  readonly model?: StoreViewOptions;
  /** The activity log file's size limit, past which it is rotated; 32 MiB unless a test sets it. */
  readonly activityFileLimit?: number;
}

type Handlers = { readonly [C in Channel]: (request: RequestOf<C>) => Promise<ResponseOf<C>> };

export class ConsoleService implements ConsoleBackend {
  private readonly listeners = new Set<(event: ConsoleEvent) => void>();
  private lastSeq = 0;
  private readonly prompts = new OperatorPrompts((event) => this.emit(event));
  private readonly jobs: JobRunner;
  private readonly histories = new JobHistories();
  private readonly activity: ActivityLog;
  private readonly wizards: ResizeWizards;
  /** Settles once the activity log and the wizards are loaded; every call waits for it. */
  private readonly ready: Promise<void>;

  constructor(private readonly options: ConsoleServiceOptions) {
    const dataDir = options.dataDir ?? dirname(options.store.file);
    this.jobs = new JobRunner({
      emit: (event) => this.emit(event),
      openAccess: (cluster) => this.openAccess(cluster, options.connection ?? {}),
      ...(options.model === undefined ? {} : { model: options.model }),
      checkpointDir: join(dataDir, 'checkpoints'),
    });
    this.activity = new ActivityLog(
      join(dataDir, 'activity.jsonl'),
      (event) => this.emit(event),
      options.activityFileLimit === undefined ? {} : { fileLimit: options.activityFileLimit },
    );
    this.wizards = new ResizeWizards({
      clusters: options.store,
      store: new WizardStore(join(dataDir, 'wizards')),
      emit: (event) => this.emit(event),
      record: (record) => this.activity.record(record),
      startJob: (request) => this.jobs.start(request, options.store.get(request.clusterId)),
      openAccess: (cluster) => this.openAccess(cluster, options.connection ?? {}),
      ...(options.model === undefined ? {} : { model: options.model }),
    });
    this.ready = this.load();
  }

  async handle<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    await this.ready;
    const handler = this.handlers[channel] as (request: RequestOf<C>) => Promise<ResponseOf<C>>;
    const context = this.contextOf(channel, request);
    let outcome: CallOutcome<C>;
    try {
      outcome = { ok: true, value: await handler(request) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    for (const record of callActivity(channel, request, outcome, context)) {
      this.activity.record(record);
    }
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  subscribe(listener: (event: ConsoleEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Cancels running jobs (waiting for them to wind down) and refuses waiting questions. A wizard
   * step that was running stays so on disk: the next console finds it interrupted.
   */
  async close(): Promise<void> {
    await this.ready;
    await this.wizards.close();
    this.prompts.close();
    await this.jobs.close();
    // Cancelled jobs' TAP dumps are read to their end before the console may go: Clearwater's
    // memcached aborts when a dump is left mid-way.
    await whenTapDumpsDrained();
    await this.activity.close();
  }

  private readonly handlers: Handlers = {
    'app:info': async () => ({ version: packageVersion(), mode: this.options.mode }),
    'clusters:list': async () => this.options.store.list(),
    'clusters:save': async ({ id, definition }) => {
      if (id !== undefined) this.refuseListChangeMidResize(id, definition);
      const saved = await this.options.store.save(id, definition);
      this.emit({ type: 'clusters-changed' });
      return saved;
    },
    'clusters:remove': async ({ id }) => {
      if (this.wizards.isUnderWay(id)) {
        throw new UsageError(
          'RESIZE_UNDER_WAY',
          'a resize of this cluster is under way: abandon its wizard before removing the cluster',
        );
      }
      await this.options.store.remove(id);
      // A finished resize's wizard goes with its cluster.
      await this.wizards.forget(id);
      this.emit({ type: 'clusters-changed' });
      return null;
    },
    'cluster:status': async ({ clusterId }) => {
      const cluster = this.options.store.get(clusterId);
      const survey = await withClusterAccess(
        () => this.openAccess(cluster, SURVEY_DEADLINES),
        (access) => surveyCluster(cluster.checked.settings, access),
      );
      return {
        clusterId,
        checkedAt: new Date().toISOString(),
        nodes: survey.nodes,
        ...(survey.agreement === undefined ? {} : { settingsAgree: survey.agreement.isAgreed }),
      };
    },
    'clusters:import-settings': async ({ text, fileName }) => importClusterSettings(text, fileName),
    'ssh:hosts': async () => listSshHosts(this.options.sshConfigFile ?? DEFAULT_SSH_CONFIG_PATH),
    'plan:preview': async ({ clusterId }) => {
      const plan = buildPlan(
        this.options.store.get(clusterId).checked.settings,
        this.options.model,
      );
      return { plan: planToJson(plan), risk: resizeFailureRisk(plan.view) };
    },
    'plan:estimate': async ({ clusterId, full }) => {
      const cluster = this.options.store.get(clusterId);
      const estimate = await withClusterAccess(
        () => this.openAccess(cluster, SURVEY_DEADLINES),
        (access) =>
          estimateResize({
            settings: cluster.checked.settings,
            where: `cluster "${cluster.summary.name}"`,
            full,
            connect: access.connect,
            rate: this.jobs.measuredRate(clusterId),
            ...this.options.model,
          }),
      );
      return { clusterId, ...estimate };
    },
    'jobs:start': async (request) =>
      this.jobs.start(request, this.options.store.get(request.clusterId)),
    'jobs:list': async () => this.jobs.list(),
    'jobs:replay': async () => this.histories.replay(this.lastSeq),
    'jobs:cancel': async ({ jobId }) => {
      this.jobs.cancel(jobId);
      return null;
    },
    'jobs:set-rate': async ({ jobId, bytesPerSecond }) => {
      this.jobs.setRate(jobId, bytesPerSecond);
      return null;
    },
    'jobs:pause': async ({ jobId }) => {
      await this.jobs.pause(jobId);
      return null;
    },
    'jobs:resume': async ({ jobId }) => {
      this.jobs.resume(jobId);
      return null;
    },
    'wizard:get': async ({ clusterId }) => this.wizards.get(clusterId),
    'wizard:begin': ({ clusterId, newServers }) => this.wizards.begin(clusterId, newServers),
    'wizard:preview-settings': ({ clusterId, step }) => this.wizards.preview(clusterId, step),
    'wizard:run-step': (request) => this.wizards.runStep(request),
    'wizard:override': ({ clusterId, reason }) => this.wizards.override(clusterId, reason),
    'wizard:repair': (request) => this.wizards.repair(request),
    'wizard:abandon': async ({ clusterId }) => {
      await this.wizards.abandon(clusterId);
      return null;
    },
    'activity:list': async (page) => this.activity.list(page ?? {}),
    'prompts:list': async () => this.prompts.waiting(),
    'prompts:answer': async ({ promptId, answer }) => {
      this.prompts.answer(promptId, answer);
      return null;
    },
  };

  private async load(): Promise<void> {
    await this.activity.load();
    for (const notice of await this.wizards.load()) {
      this.activity.record({ action: 'resize wizards loaded', outcome: 'info', detail: notice });
    }
    for (const wizard of this.wizards.list()) this.activity.knowWizard(wizard);
  }

  /** What a call's activity entry needs to know from before the call changed it. */
  private contextOf<C extends Channel>(channel: C, request: RequestOf<C>): CallContext {
    const fields = (request ?? {}) as { jobId?: unknown; promptId?: unknown; id?: unknown };
    if (typeof fields.jobId === 'string') {
      const job = this.jobs.list().find((j) => j.id === fields.jobId);
      return job === undefined ? {} : { job };
    }
    if (channel === 'prompts:answer') {
      const prompt = this.prompts.waiting().find((p) => p.id === fields.promptId);
      return prompt === undefined ? {} : { prompt };
    }
    if (channel === 'clusters:remove') {
      const cluster = this.options.store.list().find((c) => c.id === fields.id);
      return cluster === undefined ? {} : { cluster };
    }
    return {};
  }

  // A resize under way writes the lists itself as its steps go; an edit meanwhile would leave the
  // console and the nodes disagreeing about which step the cluster is at.
  private refuseListChangeMidResize(id: string, definition: ClusterDefinition): void {
    if (!this.wizards.isUnderWay(id)) return;
    const known = this.options.store.get(id).summary;
    if (
      !sameList(known.servers, definition.servers) ||
      !sameList(known.newServers, definition.newServers)
    ) {
      throw new UsageError(
        'RESIZE_UNDER_WAY',
        'a resize of this cluster is under way, and its wizard changes the server lists as its ' +
          'steps go: finish or abandon it before editing them',
      );
    }
  }

  private openAccess(cluster: KnownCluster, deadlines: DirectConnectorOptions) {
    return openClusterAccess(cluster.checked.profile, {
      ...deadlines,
      prompts: this.prompts.ssh,
    });
  }

  private emit(body: ConsoleEventBody): void {
    const event = { ...body, seq: ++this.lastSeq } as ConsoleEvent;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // One relay failing (a closed window mid-send) must not stop the others or the job.
      }
    }
    // The service's own followers hear an event after every relay has it: what they emit in
    // turn (an activity entry, a wizard's change) then reaches the relays in `seq` order.
    this.histories.observe(event);
    this.activity.observe(body);
    this.wizards.observe(body);
  }
}
