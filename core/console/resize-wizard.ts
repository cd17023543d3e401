/**
 * The resize wizard: a cluster's resize driven through its five steps, one wizard per cluster.
 *
 *   1. write servers + new_servers into cluster_settings on every node (old and new)
 *   2. make every node reload it
 *   3. resync: a resize job fills every node of the new servers
 *   4. verify the new replicas, then write the new servers alone
 *   5. make every node reload it again; the resize's report is made
 *
 * Steps 1, 2, 4 and 5 run over SSH when the cluster's profile reaches every node that way, else
 * the operator does them by hand and confirms. Steps run in order; a failed step can run again.
 * Every change is announced (`wizard-changed`) and saved in the data directory before the next,
 * so a console that stops mid-resize resumes where it was (a step that was running then is failed,
 * to be run again). The rules themselves are in wizard-state.ts.
 */
import { accessFor } from '../cluster/cluster-profile.js';
import { formatClusterSettings, type ClusterSettings } from '../cluster/cluster-settings.js';
import type { StoreViewOptions } from '../cluster/store-view.js';
import { clusterNodes } from '../cluster/worklist.js';
import { ConfigError, RemoteCommandError, toErrorPayload, UsageError } from '../errors.js';
import {
  applySettingsWrite,
  changesFile,
  planSettingsWrites,
  reloadNode,
} from '../resize/node-settings.js';
import { withClusterAccess, type ClusterAccess } from '../transport/cluster-access.js';
import { sameList } from '../util/same-list.js';
import type { ActivityRecord } from './activity-log.js';
import { checkClusterDefinition } from './cluster-definition.js';
import type { ClusterStore, KnownCluster } from './cluster-store.js';
import type {
  ConsoleEventBody,
  JobRequest,
  JobSummary,
  ResizeWizard,
  SettingsPreview,
  WizardNodeStatus,
  WizardRepairRequest,
  WizardStep,
  WizardStepNumber,
  WizardStepRequest,
} from './contract.js';
import {
  blockerFacts,
  buildReport,
  checkCanRepair,
  checkCanRun,
  createWizard,
  hasSufficientVerify,
  markInterrupted,
  resizeEnded,
  retryEnded,
  settle,
  stepOf,
  verifyEnded,
  verifyFailure,
  withoutError,
  withStep,
  type WizardRecord,
} from './wizard-state.js';
import { repairRequests } from './wizard-repair.js';
import type { WizardStore } from './wizard-store.js';

export interface ResizeWizardsOptions {
  readonly clusters: ClusterStore;
  readonly store: WizardStore;
  readonly emit: (event: ConsoleEventBody) => void;
  /** Records what was done on each node (written, reloaded) in the activity log. */
  readonly record: (record: ActivityRecord) => void;
  /** Starts a job as `jobs:start` does; its end arrives through `observe`. */
  readonly startJob: (request: JobRequest) => JobSummary;
  readonly openAccess: (cluster: KnownCluster) => Promise<ClusterAccess>;
  /** The clients' vbucket and replica counts, when not Clearwater's (see ConsoleServiceOptions). */
  readonly model?: StoreViewOptions;
}

/**
 * A job a step waits for; after a clean verify step 4 writes over SSH, or waits for the operator
 * (to write by hand and confirm, or, after verifying again, to start the write).
 */
interface AwaitedJob {
  readonly clusterId: string;
  readonly step: 3 | 4;
  readonly writeBy?: 'ssh' | 'by-hand' | 'operator';
}

type RemoteStep = 1 | 2 | 4 | 5;

export class ResizeWizards {
  private readonly records = new Map<string, WizardRecord>();
  private readonly awaited = new Map<string, AwaitedJob>();
  private loadError: unknown;
  private isClosing = false;

  constructor(private readonly options: ResizeWizardsOptions) {}

  /**
   * Loads the saved wizards; steps that were running when the console stopped become failed.
   * Returns notices for the activity log (what was interrupted, what could not be read).
   */
  async load(): Promise<string[]> {
    const notices: string[] = [];
    try {
      const loaded = await this.options.store.loadAll();
      notices.push(...loaded.notices);
      const known = new Set(this.options.clusters.list().map((c) => c.id));
      const now = new Date().toISOString();
      for (const record of loaded.records) {
        const { clusterId, clusterName } = record.wizard;
        if (!known.has(clusterId)) {
          notices.push(
            `the resize wizard of "${clusterName}" was not loaded: its cluster (${clusterId}) is no ` +
              'longer defined',
          );
          continue;
        }
        const next = markInterrupted(record, now);
        this.records.set(clusterId, next);
        if (next !== record) {
          await this.options.store.save(next);
          notices.push(
            `the resize of "${clusterName}" was interrupted while a step ran: run that step ` +
              'again (a resync carries on from what it had finished)',
          );
        }
      }
    } catch (error) {
      // Kept to refuse every wizard call with it: starting afresh would hide a resize under way.
      this.loadError = error;
      notices.push(`resize wizards could not be loaded: ${toErrorPayload(error).message}`);
    }
    return notices;
  }

  list(): ResizeWizard[] {
    return [...this.records.values()].map((record) => record.wizard);
  }

  /** @throws ConfigError for an unknown cluster. */
  get(clusterId: string): ResizeWizard | null {
    this.checkLoaded();
    this.options.clusters.get(clusterId);
    return this.records.get(clusterId)?.wizard ?? null;
  }

  /** True while a resize wizard that is not complete exists for the cluster. */
  isUnderWay(clusterId: string): boolean {
    const current = this.records.get(clusterId)?.wizard.current;
    return current !== undefined && current !== 'complete';
  }

  async begin(clusterId: string, newServers: readonly string[]): Promise<ResizeWizard> {
    this.checkLoaded();
    const cluster = this.options.clusters.get(clusterId);
    const { name, servers, newServers: pending } = cluster.summary;
    if (this.isUnderWay(clusterId)) {
      throw new UsageError(
        'WIZARD_EXISTS',
        `a resize of "${name}" is already under way: carry it on, or abandon it first`,
      );
    }
    if (pending.length > 0 && !sameList(pending, newServers)) {
      throw new UsageError(
        'WIZARD_LISTS_DIFFER',
        `"${name}" already lists new servers (${pending.join(', ')}), which differ from the ones ` +
          'given: finish or undo that resize first, or give the same list',
      );
    }
    if (sameSet(servers, newServers)) {
      throw new UsageError(
        'NO_RESIZE',
        'the new servers are the servers the cluster already has: there is nothing to resize',
      );
    }
    checkClusterDefinition({ name, servers, newServers }, `cluster "${name}"`);
    const record = createWizard({
      clusterId,
      clusterName: name,
      oldServers: servers,
      newServers,
      ...accessMode(cluster, clusterNodes({ servers, newServers })),
      now: new Date().toISOString(),
    });
    // Saved before it is known: a wizard the disk does not hold would not survive a restart.
    if (!this.isEphemeral(clusterId)) await this.options.store.save(record);
    this.records.set(clusterId, record);
    this.options.emit({ type: 'wizard-changed', wizard: record.wizard });
    return record.wizard;
  }

  /** What step 1 or 4 would write: over SSH each node's diff, by hand the text to write. */
  async preview(clusterId: string, step: 1 | 4): Promise<SettingsPreview> {
    const record = this.require(clusterId);
    const settings = settingsFor(record.wizard, step);
    const base = {
      step,
      servers: settings.servers,
      newServers: settings.newServers,
      text: formatClusterSettings(settings),
    };
    const cluster = this.options.clusters.get(clusterId);
    const nodes = nodesOf(record.wizard);
    if (accessMode(cluster, nodes).remote === 'by-hand') {
      return { ...base, nodes: [] };
    }
    const previews = await withClusterAccess(
      () => this.options.openAccess(cluster),
      async (access) => {
        const { profile, connector } = requireProfile(access);
        const readout = await planSettingsWrites(connector, profile, nodes, settings);
        return nodes.map((node) => {
          const planned = readout.planned.find((plan) => plan.node === node);
          if (planned !== undefined) return { node, diff: planned.diff };
          const unread = readout.unreadable.find((entry) => entry.node === node);
          return { node, ...(unread === undefined ? {} : { error: unread.error }) };
        });
      },
    );
    return { ...base, nodes: previews };
  }

  /**
   * Starts a step (or, by hand, records the operator's confirmation). Returns once it has started:
   * its progress and end follow as `wizard-changed` events.
   * @throws UsageError when the step may not run now, saying what to do first.
   */
  async runStep(request: WizardStepRequest): Promise<ResizeWizard> {
    const { clusterId, step } = request;
    let record = this.require(clusterId);
    const cluster = this.options.clusters.get(clusterId);
    const mode = accessMode(cluster, nodesOf(record.wizard));
    if (mode.remote !== record.wizard.remote || mode.canReload !== record.wizard.canReload) {
      // The profile changed since the wizard began: the steps go as it says now.
      record = settle({ ...record, wizard: { ...record.wizard, ...mode } });
    }
    checkCanRun(record, step);
    const isByHand = request.byHand === true;
    if (step === 3) {
      if (isByHand) {
        throw new UsageError(
          'NOT_BY_HAND',
          'step 3 is the resync, which the console runs: it cannot be done by hand',
        );
      }
      return await this.startResync(record, request);
    }
    if (!isByHand) checkReachable(record.wizard, step);
    if (step === 4 && !hasSufficientVerify(record)) {
      return await this.startVerify(record, isByHand ? 'by-hand' : 'ssh');
    }
    if (isByHand) return this.confirmByHand(record, step);
    const started = this.startStep(record, step);
    await this.commit(started);
    this.inBackground(clusterId, step, () =>
      step === 1 || step === 4 ? this.writeSettings(clusterId, step) : this.reload(clusterId, step),
    );
    return started.wizard;
  }

  /** Records the operator's override of the blockers, with the reason; it stays in the report. */
  async override(clusterId: string, reason: string): Promise<ResizeWizard> {
    const record = this.require(clusterId);
    if (stepOf(record, 4).state === 'succeeded') {
      throw new UsageError(
        'WIZARD_TOO_LATE',
        'the final servers list is already written (step 4): there is nothing left to override',
      );
    }
    const at = new Date().toISOString();
    const facts = blockerFacts(record);
    const next = settle({
      ...record,
      wizard: { ...record.wizard, override: { reason: reason.trim(), at }, updatedAt: at },
    });
    await this.commit(next);
    this.options.record({
      clusterId,
      action: 'blockers overridden',
      outcome: 'info',
      detail: `reason: ${reason.trim()}; overridden: ${facts.join('; ') || 'nothing blocked step 4 yet'}`,
    });
    return next.wizard;
  }

  /**
   * Works on step 4's blockers without an override: resyncs the vbuckets they list on the resize's
   * targets (counted toward step 3 as they end), or verifies again, writing nothing: a clean
   * verify clears the blockers, and step 4 then goes ahead as usual.
   * @throws UsageError when it may not run now, saying why.
   */
  async repair(request: WizardRepairRequest): Promise<ResizeWizard> {
    const record = this.require(request.clusterId);
    checkCanRepair(record, request.action);
    if (request.action === 'verify') return await this.startVerify(record, 'operator');
    const { settings } = this.options.clusters.get(request.clusterId).checked;
    const requests = repairRequests(record, settings, this.options.model ?? {});
    const started: string[] = [];
    try {
      for (const job of requests) started.push(this.options.startJob(job).id);
    } finally {
      // Those started are followed even when a later one was refused (its error goes back).
      if (started.length > 0) {
        await this.commit(settle({ ...record, repairJobIds: started }));
      }
    }
    return this.require(request.clusterId).wizard;
  }

  /** Removes the wizard (the cluster's lists stay as they are). Refused while a step runs. */
  async abandon(clusterId: string): Promise<void> {
    const record = this.require(clusterId);
    const running = record.wizard.steps.find((s) => s.state === 'running');
    if (running !== undefined) {
      throw new UsageError(
        'WIZARD_BUSY',
        `step ${running.step} is running: wait for it to end (or cancel its job) before abandoning`,
      );
    }
    if (!this.isEphemeral(clusterId)) await this.options.store.remove(clusterId);
    this.records.delete(clusterId);
    this.options.emit({ type: 'wizard-removed', clusterId });
  }

  /** Drops the wizard of a cluster that has just been removed (its file too), if it had one. */
  async forget(clusterId: string): Promise<void> {
    if (!this.records.delete(clusterId)) return;
    await this.options.store.remove(clusterId);
    this.options.emit({ type: 'wizard-removed', clusterId });
  }

  /** Follows the jobs steps 3 and 4 wait for, and retries of step 3's vbuckets. */
  observe(event: ConsoleEventBody): void {
    if (event.type !== 'job-finished' || this.isClosing) return;
    const job = event.job;
    const awaited = this.awaited.get(job.id);
    if (awaited !== undefined) {
      this.awaited.delete(job.id);
      this.inBackground(awaited.clusterId, awaited.step, () => this.jobEnded(awaited, job));
      return;
    }
    const record = this.records.get(job.clusterId);
    if (record === undefined) return;
    const next = retryEnded(record, job, new Date().toISOString());
    if (next !== record) this.inBackground(job.clusterId, undefined, () => this.commit(next));
  }

  /**
   * Stops following jobs and saving: the jobs the console cancels as it stops are not the steps'
   * outcome, so a step still running is found interrupted by the next console. What was already
   * being saved is waited for.
   */
  async close(): Promise<void> {
    this.isClosing = true;
    await this.options.store.flush();
  }

  private async startResync(
    record: WizardRecord,
    request: WizardStepRequest,
  ): Promise<ResizeWizard> {
    const { clusterId } = record.wizard;
    // A resync the console's stop cut short carries on from its checkpoints; any other run of
    // step 3 (after a failure, or a verify that found keys missing) streams everything again.
    const resume = stepOf(record, 3).error?.code === 'STEP_INTERRUPTED';
    const job = this.options.startJob({
      kind: 'resize',
      clusterId,
      full: request.full ?? false,
      rateLimit: request.rateLimit,
      resume,
    });
    this.awaited.set(job.id, { clusterId, step: 3 });
    const started = this.startStep(record, 3, job.id);
    // A new resync makes the last one's outcome, any verify of it and any override of what they
    // found, history: the override was given for those facts, not for the ones to come.
    const next = settle({ wizard: withoutOverride(started.wizard) });
    await this.commit(next);
    return next.wizard;
  }

  private async startVerify(
    record: WizardRecord,
    writeBy: NonNullable<AwaitedJob['writeBy']>,
  ): Promise<ResizeWizard> {
    const { clusterId } = record.wizard;
    const job = this.options.startJob({ kind: 'verify', clusterId, repair: false });
    this.awaited.set(job.id, { clusterId, step: 4, writeBy });
    const next = this.startStep(record, 4, job.id);
    await this.commit(next);
    return next.wizard;
  }

  private async jobEnded(awaited: AwaitedJob, job: JobSummary): Promise<void> {
    const record = this.records.get(awaited.clusterId);
    if (record === undefined) return;
    const now = new Date().toISOString();
    if (awaited.step === 3) {
      await this.commit(resizeEnded(record, job, now));
      return;
    }
    const verified = verifyEnded(record, job, now);
    const step = stepOf(verified, 4);
    // Clean is not enough while step 3 left vbuckets unfilled: a verify started to clear its own
    // findings may run with those still standing.
    const mayWrite =
      job.verify !== undefined &&
      job.state !== 'cancelled' &&
      ((job.verify.isClean && verified.wizard.blockers.length === 0) ||
        verified.wizard.override !== undefined);
    if (!mayWrite) {
      await this.commit(
        withStep(
          verified,
          { ...step, state: 'failed', finishedAt: now, error: verifyFailure(job) },
          now,
        ),
      );
      return;
    }
    if (awaited.writeBy === 'ssh') {
      await this.commit(verified);
      await this.writeSettings(awaited.clusterId, 4);
      return;
    }
    await this.commit(withStep(verified, verifiedStep(verified.wizard, step, now), now));
  }

  private async confirmByHand(record: WizardRecord, step: RemoteStep): Promise<ResizeWizard> {
    const now = new Date().toISOString();
    const confirmed = withStep(
      record,
      {
        ...withoutError(stepOf(record, step)),
        state: 'running',
        startedAt: now,
        byHand: true,
        nodes: nodesOf(record.wizard).map((node) => ({
          node,
          state: 'by-hand',
          message: 'done by hand, confirmed by the operator',
        })),
      },
      now,
    );
    // Known as running before anything else happens: a second confirmation meanwhile is refused.
    await this.commit(confirmed);
    try {
      await this.finishStep(confirmed, step);
    } catch (error) {
      await this.failStep(record.wizard.clusterId, step, error);
      throw error;
    }
    return this.require(record.wizard.clusterId).wizard;
  }

  private startStep(record: WizardRecord, step: WizardStepNumber, jobId?: string): WizardRecord {
    const now = new Date().toISOString();
    const current = stepOf(record, step);
    const next: WizardStep = {
      ...restarted(current),
      state: 'running',
      startedAt: now,
      nodes:
        step === 3 || jobId !== undefined
          ? []
          : nodesOf(record.wizard).map((node) => ({ node, state: 'pending' })),
      ...(jobId === undefined ? {} : { jobIds: [...(current.jobIds ?? []), jobId] }),
    };
    return withStep(record, next, now);
  }

  // Written only when every node could be read (see planSettingsWrites).
  private async writeSettings(clusterId: string, step: 1 | 4): Promise<void> {
    const cluster = this.options.clusters.get(clusterId);
    const wizard = this.require(clusterId).wizard;
    const settings = settingsFor(wizard, step);
    const nodes = nodesOf(wizard);
    await withClusterAccess(
      () => this.options.openAccess(cluster),
      async (access) => {
        const { profile, connector } = requireProfile(access);
        const { planned, unreadable } = await planSettingsWrites(
          connector,
          profile,
          nodes,
          settings,
          {
            onReading: (node) =>
              this.setNode(clusterId, step, { node, state: 'running', message: 'reading' }),
            onRead: (plan) =>
              this.setNode(clusterId, step, { node: plan.node, state: 'pending', message: 'read' }),
            onUnreadable: (node, error) =>
              this.setNode(clusterId, step, { node, state: 'failed', message: error.message }),
          },
        );
        if (unreadable.length > 0) {
          for (const plan of planned) {
            await this.setNode(clusterId, step, {
              node: plan.node,
              state: 'pending',
              message: 'not written: another node could not be read',
            });
          }
          throw new ConfigError(
            'SETTINGS_NOT_READ',
            `nothing was written: cluster_settings could not be read on ${unreadable.map((u) => u.node).join(', ')}; ` +
              'fix that (see each node), then run the step again',
          );
        }
        let failures = 0;
        for (const plan of planned) {
          if (!changesFile(plan)) {
            await this.setNode(clusterId, step, {
              node: plan.node,
              state: 'done',
              message: 'already held these lists',
            });
            continue;
          }
          await this.setNode(clusterId, step, {
            node: plan.node,
            state: 'running',
            message: 'writing',
          });
          try {
            const { backupPath } = await applySettingsWrite(connector, profile, plan);
            const message = `written; the previous file is kept as ${backupPath}`;
            await this.setNode(clusterId, step, { node: plan.node, state: 'done', message });
            this.options.record({
              clusterId,
              node: plan.node,
              action: `cluster_settings written (step ${step})`,
              outcome: 'succeeded',
              detail: `${plan.file.path}: ${message}`,
            });
          } catch (error) {
            failures++;
            const message = toErrorPayload(error).message;
            await this.setNode(clusterId, step, { node: plan.node, state: 'failed', message });
            this.options.record({
              clusterId,
              node: plan.node,
              action: `cluster_settings not written (step ${step})`,
              outcome: 'failed',
              detail: message,
            });
          }
        }
        if (failures > 0) {
          throw new RemoteCommandError(
            'SETTINGS_NOT_WRITTEN',
            `cluster_settings was not written on ${failures} of ${nodes.length} nodes (see each ` +
              'node); run the step again: nodes already written are left as they are',
          );
        }
      },
    );
    await this.finishStep(this.require(clusterId), step);
  }

  private async reload(clusterId: string, step: 2 | 5): Promise<void> {
    const cluster = this.options.clusters.get(clusterId);
    const nodes = nodesOf(this.require(clusterId).wizard);
    await withClusterAccess(
      () => this.options.openAccess(cluster),
      async (access) => {
        const { profile, connector } = requireProfile(access);
        let failures = 0;
        for (const node of nodes) {
          await this.setNode(clusterId, step, { node, state: 'running', message: 'reloading' });
          try {
            await reloadNode(connector, profile, node);
            await this.setNode(clusterId, step, { node, state: 'done', message: 'reloaded' });
            this.options.record({
              clusterId,
              node,
              action: `reloaded (step ${step})`,
              outcome: 'succeeded',
              detail: profile.reloadCommand ?? '',
            });
          } catch (error) {
            failures++;
            const message = toErrorPayload(error).message;
            await this.setNode(clusterId, step, { node, state: 'failed', message });
            this.options.record({
              clusterId,
              node,
              action: `reload failed (step ${step})`,
              outcome: 'failed',
              detail: message,
            });
          }
        }
        if (failures > 0) {
          throw new RemoteCommandError(
            'RELOAD_FAILED',
            `the reload command failed on ${failures} of ${nodes.length} nodes (see each node); ` +
              'fix that, then run the step again',
          );
        }
      },
    );
    await this.finishStep(this.require(clusterId), step);
  }

  /** Marks a step succeeded, with what follows: the cluster's lists (1, 4), the report (5). */
  private async finishStep(record: WizardRecord, step: RemoteStep): Promise<void> {
    const { wizard } = record;
    if (step === 1 || step === 4) {
      await this.options.clusters.updateLists(wizard.clusterId, settingsFor(wizard, step));
      this.options.emit({ type: 'clusters-changed' });
    }
    const now = new Date().toISOString();
    let next = withStep(
      record,
      { ...stepOf(record, step), state: 'succeeded', finishedAt: now },
      now,
    );
    if (step === 5)
      next = settle({ ...next, wizard: { ...next.wizard, report: buildReport(next, now) } });
    await this.commit(next);
  }

  private async failStep(clusterId: string, step: WizardStepNumber, error: unknown): Promise<void> {
    const record = this.records.get(clusterId);
    if (record === undefined) return;
    const current = stepOf(record, step);
    const now = new Date().toISOString();
    await this.commit(
      withStep(
        record,
        {
          ...current,
          state: 'failed',
          finishedAt: now,
          error: toErrorPayload(error),
          nodes: current.nodes.map((n) =>
            n.state === 'running' ? { ...n, state: 'failed', message: 'stopped' } : n,
          ),
        },
        now,
      ),
    );
  }

  private async setNode(
    clusterId: string,
    step: WizardStepNumber,
    status: WizardNodeStatus,
  ): Promise<void> {
    const record = this.require(clusterId);
    const current = stepOf(record, step);
    const nodes = current.nodes.some((n) => n.node === status.node)
      ? current.nodes.map((n) => (n.node === status.node ? status : n))
      : [...current.nodes, status];
    await this.commit(withStep(record, { ...current, nodes }, new Date().toISOString()));
  }

  /** Makes `record` the wizard's state: announced, then saved (unless the console is stopping). */
  private async commit(record: WizardRecord): Promise<void> {
    const { clusterId } = record.wizard;
    this.records.set(clusterId, record);
    this.options.emit({ type: 'wizard-changed', wizard: record.wizard });
    if (this.isClosing || this.isEphemeral(clusterId)) return;
    await this.options.store.save(record);
  }

  // Work that outlives the call that started it: a failure fails the step (if it is a step's
  // work); one that cannot even be recorded (the disk refused) goes to the activity log.
  private inBackground(
    clusterId: string,
    step: WizardStepNumber | undefined,
    work: () => Promise<void>,
  ): void {
    void work()
      .catch((error: unknown) =>
        step === undefined ? Promise.reject(error) : this.failStep(clusterId, step, error),
      )
      .catch((error: unknown) =>
        this.options.record({
          clusterId,
          action: 'resize wizard not saved',
          outcome: 'failed',
          detail: toErrorPayload(error).message,
        }),
      );
  }

  // The demo cluster lives for one run of the console, and so does its wizard.
  private isEphemeral(clusterId: string): boolean {
    return this.options.clusters.get(clusterId).summary.origin === 'demo';
  }

  private checkLoaded(): void {
    if (this.loadError !== undefined) throw this.loadError;
  }

  private require(clusterId: string): WizardRecord {
    this.checkLoaded();
    const record = this.records.get(clusterId);
    if (record === undefined) {
      const name = this.options.clusters.get(clusterId).summary.name;
      throw new UsageError('NO_WIZARD', `no resize of "${name}" is under way: begin one first`);
    }
    return record;
  }
}

/** Step 4 once a clean verify let it go ahead, waiting for the operator to write (or confirm). */
function verifiedStep(wizard: ResizeWizard, step: WizardStep, now: string): WizardStep {
  const text = formatClusterSettings(settingsFor(wizard, 4)).trim();
  return {
    ...withoutError(step),
    state: 'pending',
    finishedAt: now,
    nodes: nodesOf(wizard).map((node) =>
      wizard.remote === 'by-hand'
        ? {
            node,
            state: 'by-hand',
            message: `verified: write "${text}" (and no new_servers line) here, then confirm step 4`,
          }
        : { node, state: 'pending', message: 'verified: to be written when step 4 runs' },
    ),
  };
}

/** Whether steps 1, 2, 4 and 5 can run over SSH: the profile must reach every node that way. */
function accessMode(
  cluster: KnownCluster,
  nodes: readonly string[],
): Pick<ResizeWizard, 'remote' | 'canReload'> {
  const profile = cluster.checked.profile;
  const isSsh =
    profile !== undefined && nodes.every((node) => accessFor(profile, node).via === 'ssh');
  return {
    remote: isSsh ? 'ssh' : 'by-hand',
    canReload: isSsh && profile.reloadCommand !== undefined,
  };
}

function checkReachable(wizard: ResizeWizard, step: RemoteStep): void {
  if (wizard.remote === 'by-hand') {
    throw new UsageError(
      'NEEDS_BY_HAND',
      `the cluster's profile does not reach every node over SSH, so step ${step} is done by hand: ` +
        'do it on every node, then confirm it (byHand)',
    );
  }
  if ((step === 2 || step === 5) && !wizard.canReload) {
    throw new UsageError(
      'NEEDS_BY_HAND',
      "the cluster's profile has no reloadCommand: make every node reload cluster_settings by " +
        'hand, then confirm it (byHand)',
    );
  }
}

/** The nodes whose cluster_settings the remote steps touch: old and new, each once. */
function nodesOf(wizard: ResizeWizard): string[] {
  return clusterNodes({ servers: wizard.oldServers, newServers: wizard.newServers });
}

/** What cluster_settings holds after step 1 (both lists) and step 4 (the new servers alone). */
function settingsFor(wizard: ResizeWizard, step: 1 | 4): ClusterSettings {
  return step === 1
    ? { servers: wizard.oldServers, newServers: wizard.newServers }
    : { servers: wizard.newServers, newServers: [] };
}

function requireProfile(access: ClusterAccess): NonNullable<ClusterAccess['profile']> {
  if (access.profile === undefined) {
    throw new ConfigError(
      'NO_PROFILE',
      "the cluster has no profile, so its nodes' files are out of reach: do this step by hand",
    );
  }
  return access.profile;
}

function withoutOverride({ override: _override, ...wizard }: ResizeWizard): ResizeWizard {
  return wizard;
}

/** A step about to run again: what its last run said (error, end, by hand) is gone. */
function restarted({
  error: _error,
  byHand: _byHand,
  finishedAt: _finishedAt,
  ...step
}: WizardStep): WizardStep {
  return step;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return new Set(b).size === set.size && b.every((v) => set.has(v));
}
