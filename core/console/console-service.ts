/**
 * The console's service: everything the renderer can ask for, the same in Electron and in web mode.
 * It owns the clusters, opens node access per piece of work (direct or over SSH, with SSH's
 * questions put to the operator), runs jobs, and numbers every event it emits so that whoever
 * relays them (the IPC bridge, the web server) keeps their order.
 */
import { resizeFailureRisk } from '../cluster/failure-risk.js';
import { buildPlan, planToJson } from '../cluster/plan.js';
import { UsageError } from '../errors.js';
import { SURVEY_DEADLINES, surveyCluster } from '../resize/cluster-survey.js';
import { estimateResize } from '../resize/plan-estimate.js';
import { openClusterAccess, withClusterAccess } from '../transport/cluster-access.js';
import type { DirectConnectorOptions } from '../transport/node-connector.js';
import { packageVersion } from '../util/package-version.js';
import type { ConsoleBackend } from './console-backend.js';
import { JobRunner } from './console-jobs.js';
import type { ClusterStore, KnownCluster } from './cluster-store.js';
import type { Channel, ConsoleEvent, ConsoleEventBody, RequestOf, ResponseOf } from './contract.js';
import { OperatorPrompts } from './operator-prompts.js';

export interface ConsoleServiceOptions {
  readonly mode: 'electron' | 'web';
  readonly store: ClusterStore;
  /** Deadlines for jobs' connections (the defaults of the data plane otherwise). */
  readonly connection?: DirectConnectorOptions;
}

type Handlers = { readonly [C in Channel]: (request: RequestOf<C>) => Promise<ResponseOf<C>> };

export class ConsoleService implements ConsoleBackend {
  private readonly listeners = new Set<(event: ConsoleEvent) => void>();
  private lastSeq = 0;
  private readonly prompts = new OperatorPrompts((event) => this.emit(event));
  private readonly jobs: JobRunner;

  constructor(private readonly options: ConsoleServiceOptions) {
    this.jobs = new JobRunner({
      emit: (event) => this.emit(event),
      openAccess: (cluster) => this.openAccess(cluster, options.connection ?? {}),
    });
  }

  handle<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    const handler = this.handlers[channel] as (request: RequestOf<C>) => Promise<ResponseOf<C>>;
    return handler(request);
  }

  subscribe(listener: (event: ConsoleEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Cancels running jobs (waiting for them to wind down) and refuses waiting questions. */
  async close(): Promise<void> {
    this.prompts.close();
    await this.jobs.close();
  }

  private readonly handlers: Handlers = {
    'app:info': async () => ({ version: packageVersion(), mode: this.options.mode }),
    'clusters:list': async () => this.options.store.list(),
    'clusters:save': async ({ id, definition }) => {
      const saved = await this.options.store.save(id, definition);
      this.emit({ type: 'clusters-changed' });
      return saved;
    },
    'clusters:remove': async ({ id }) => {
      await this.options.store.remove(id);
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
    'clusters:import-settings': async () => notYet('clusters:import-settings'),
    'ssh:hosts': async () => notYet('ssh:hosts'),
    'plan:preview': async ({ clusterId }) => {
      const plan = buildPlan(this.options.store.get(clusterId).checked.settings);
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
            rate: this.jobs.measuredRate(),
          }),
      );
      return { clusterId, ...estimate };
    },
    'jobs:start': async (request) =>
      this.jobs.start(request, this.options.store.get(request.clusterId)),
    'jobs:list': async () => this.jobs.list(),
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
    'wizard:get': async () => notYet('wizard:get'),
    'wizard:begin': async () => notYet('wizard:begin'),
    'wizard:preview-settings': async () => notYet('wizard:preview-settings'),
    'wizard:run-step': async () => notYet('wizard:run-step'),
    'wizard:override': async () => notYet('wizard:override'),
    'wizard:abandon': async () => notYet('wizard:abandon'),
    'activity:list': async () => notYet('activity:list'),
    'prompts:list': async () => this.prompts.waiting(),
    'prompts:answer': async ({ promptId, answer }) => {
      this.prompts.answer(promptId, answer);
      return null;
    },
  };

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
  }
}

// Scaffolding while the screens' channels are built; each is replaced by its implementation.
function notYet(channel: string): never {
  throw new UsageError('NOT_YET', `${channel} is not built yet`);
}
