/**
 * The resize wizard's rules, as pure functions of its state: which step may run now, what the
 * resync (step 3) and the verify (step 4) left behind, why writing the final servers list is
 * blocked, and the report of a finished resize. resize-wizard.ts does the work and keeps the state;
 * everything it decides is decided here, so the rules can be tested without a cluster.
 */
import { UsageError, type ErrorPayload } from '../errors.js';
import type {
  JobSummary,
  ResizeReport,
  ResizeWizard,
  ResyncSummaryJson,
  VerifyReport,
  WizardStep,
  WizardStepNumber,
} from './contract.js';
import { failedVerify, repairOffer, resyncedSince } from './wizard-repair.js';
import { ownEntry } from '../shared/own-entry.js';

/** Each step in a few words, for messages and the activity log. */
export const STEP_NAMES: Readonly<Record<WizardStepNumber, string>> = {
  1: 'write servers and new_servers',
  2: 'reload cluster_settings',
  3: 'resync the new replicas',
  4: 'verify, then write the new servers',
  5: 'reload cluster_settings again',
};

export const STEP_NUMBERS: readonly WizardStepNumber[] = [1, 2, 3, 4, 5];

/** What step 3's resyncs left behind, kept until step 3 runs again. */
export interface ResyncOutcome {
  /** When the last resync counted here ended (the resize, or a later retry). */
  readonly finishedAt: string;
  /** Per target: the vbuckets that failed or had no source, and no retry has streamed since. */
  readonly unresolved: Readonly<Record<string, readonly number[]>>;
  /**
   * Why the resize failed other than by its vbuckets (cancelled, a target that failed, the job's
   * own error): only running step 3 again clears these; an override does not.
   */
  readonly problems: readonly string[];
  /** Each target's summary from the resize, then each counted retry's, for the report. */
  readonly summaries: readonly ResyncSummaryJson[];
  /** The resize job (absent in wizards saved before it was kept). */
  readonly jobId?: string;
}

/** The last verify step 4 ran (one that ended with a report: not cancelled). */
export interface VerifyOutcome {
  readonly jobId: string;
  readonly finishedAt: string;
  readonly report: VerifyReport;
}

/** A wizard with what the rules need beyond what the operator sees. */
export interface WizardRecord {
  readonly wizard: ResizeWizard;
  readonly resync?: ResyncOutcome;
  readonly verify?: VerifyOutcome;
  /** The resyncs the wizard started for the blockers' vbuckets that have not ended yet. */
  readonly repairJobIds?: readonly string[];
}

export interface NewWizard {
  readonly clusterId: string;
  readonly clusterName: string;
  readonly oldServers: readonly string[];
  readonly newServers: readonly string[];
  readonly remote: 'ssh' | 'by-hand';
  readonly canReload: boolean;
  readonly now: string;
}

export function createWizard(fields: NewWizard): WizardRecord {
  const { now, ...rest } = fields;
  return settle({
    wizard: {
      ...rest,
      oldServers: [...fields.oldServers],
      newServers: [...fields.newServers],
      startedAt: now,
      updatedAt: now,
      current: 1,
      steps: STEP_NUMBERS.map((step) => ({ step, state: 'pending', nodes: [] })),
      blockers: [],
    },
  });
}

export function stepOf(record: WizardRecord, step: WizardStepNumber): WizardStep {
  const found = record.wizard.steps.find((s) => s.step === step);
  if (found === undefined) throw new Error(`wizard has no step ${step}`);
  return found;
}

/** `record` with step `step` replaced by `next`, and what follows from it worked out again. */
export function withStep(
  record: WizardRecord,
  next: WizardStep,
  now: string,
  extra: Partial<Omit<WizardRecord, 'wizard'>> = {},
): WizardRecord {
  const steps = record.wizard.steps.map((s) => (s.step === next.step ? next : s));
  return settle({ ...record, ...extra, wizard: { ...record.wizard, steps, updatedAt: now } });
}

/** Recomputes `current`, `blockers` and `repair` from the rest. */
export function settle(record: WizardRecord): WizardRecord {
  const wizard = withoutRepair(record.wizard);
  const current = STEP_NUMBERS.find((step) => !isPassed(record, step)) ?? 'complete';
  const blockers = wizard.override === undefined ? blockerFacts(record) : [];
  const repair = current === 'complete' ? undefined : repairOffer(record);
  return {
    ...record,
    wizard: { ...wizard, current, blockers, ...(repair === undefined ? {} : { repair }) },
  };
}

function withoutRepair({ repair: _repair, ...wizard }: ResizeWizard): ResizeWizard {
  return wizard;
}

/**
 * A step is behind the operator when it succeeded, or a later one did (step 3 stays failed when an
 * override let step 4 go ahead, but the resize has moved past it).
 */
function isPassed(record: WizardRecord, step: WizardStepNumber): boolean {
  return record.wizard.steps.some((s) => s.step >= step && s.state === 'succeeded');
}

/**
 * What stands in the way of writing the final servers list, in the operator's words: vbuckets step
 * 3 could not fill, and keys a verify since the last resync found missing or stale.
 */
export function blockerFacts(record: WizardRecord): string[] {
  return [...resyncFacts(record), ...verifyFacts(record)];
}

function resyncFacts(record: WizardRecord): string[] {
  const facts: string[] = [];
  for (const [target, vbuckets] of Object.entries(record.resync?.unresolved ?? {})) {
    if (vbuckets.length === 0) continue;
    facts.push(
      `${target}: ${plural(vbuckets.length, 'vbucket')} failed or had no source in the resync ` +
        `(${listVbuckets(vbuckets)}); resync the listed vbuckets, or run step 3 again`,
    );
  }
  return facts;
}

// A verify's finding stands until a clean verify: a resync since may have mended it, but only a
// check can say so.
function verifyFacts(record: WizardRecord): string[] {
  const verify = failedVerify(record);
  if (verify === undefined) return [];
  const { report } = verify;
  const resyncedAt = resyncedSince(record, verify);
  const next =
    resyncedAt === undefined
      ? 'resync the listed vbuckets, then verify again'
      : 'they were resynced since: verify again';
  const where = (kind: 'missing' | 'stale') =>
    listVbuckets(report.problems.filter((p) => p[kind] > 0).map((p) => p.vbucket));
  const facts: string[] = [];
  if (report.missing > 0) {
    facts.push(
      `verify found ${plural(report.missing, 'key')} missing from their new replicas ` +
        `(vbuckets ${where('missing')}); ${next}`,
    );
  }
  if (report.stale > 0) {
    facts.push(
      `verify found ${plural(report.stale, 'key')} older on their new replicas than on the old ` +
        `(vbuckets ${where('stale')}); ${next}`,
    );
  }
  return facts;
}

/** The last verify, if it ran after the last resync (an older one says nothing about now). */
export function verifyAfterResync(record: WizardRecord): VerifyOutcome | undefined {
  const { verify, resync } = record;
  if (verify === undefined || resync === undefined) return undefined;
  return verify.finishedAt >= resync.finishedAt ? verify : undefined;
}

/**
 * Whether step 4 may write without verifying again: a clean verify since the last resync, or any
 * verify since then when the operator has overridden what it found.
 */
export function hasSufficientVerify(record: WizardRecord): boolean {
  const verify = verifyAfterResync(record);
  if (verify === undefined) return false;
  return verify.report.isClean || record.wizard.override !== undefined;
}

/**
 * Refuses running `step` now: out of order, while another step runs, once the resize is complete,
 * or (step 4) while blockers stand without an override.
 * @throws UsageError naming what to do first.
 */
export function checkCanRun(
  record: WizardRecord,
  step: WizardStepNumber,
  options: { readonly isVerifyAgain?: boolean } = {},
): void {
  const { wizard } = record;
  if (wizard.current === 'complete') {
    throw new UsageError(
      'WIZARD_COMPLETE',
      'this resize is complete: there is no step left to run',
    );
  }
  const running = wizard.steps.find((s) => s.state === 'running');
  if (running !== undefined) {
    throw new UsageError(
      'WIZARD_BUSY',
      `step ${running.step} (${STEP_NAMES[running.step]}) is running: wait for it to end`,
    );
  }
  if ((record.repairJobIds ?? []).length > 0) {
    throw new UsageError(
      'WIZARD_BUSY',
      'the resyncs of the listed vbuckets are running: wait for them to end (or cancel them)',
    );
  }
  const later = wizard.steps.find((s) => s.step > step && s.state === 'succeeded');
  if (later !== undefined) {
    throw new UsageError(
      'WIZARD_OUT_OF_ORDER',
      `step ${step} cannot run again: step ${later.step} (${STEP_NAMES[later.step]}) has already ` +
        'succeeded',
    );
  }
  for (const earlier of STEP_NUMBERS.filter((s) => s < step)) {
    if (isPassed(record, earlier)) continue;
    if (step === 4 && earlier === 3 && isResyncOverridable(record)) continue;
    throw new UsageError(
      'WIZARD_OUT_OF_ORDER',
      `run step ${earlier} (${STEP_NAMES[earlier]}) first: ${whyNotPassed(record, earlier)}`,
    );
  }
  if (step === 4) {
    // Verifying again is how a verify's findings are cleared, so they cannot stand in its way.
    const facts = options.isVerifyAgain === true ? resyncFacts(record) : blockerFacts(record);
    if (facts.length > 0 && wizard.override === undefined) {
      throw new UsageError(
        'WIZARD_BLOCKED',
        `step 4 would write the final servers list, but: ${facts.join('; ')}. Resolve these, or ` +
          'record an override with its reason',
      );
    }
  }
}

/**
 * Refuses working on the blockers now: `verify` needs a verify's findings to clear, `resync`
 * vbuckets to resync; both need step 4 to be where the resize stands, with nothing running.
 * @throws UsageError naming what to do first.
 */
export function checkCanRepair(record: WizardRecord, action: 'resync' | 'verify'): void {
  const offer = record.wizard.repair;
  if (action === 'verify' && offer?.needsVerify !== true) {
    throw new UsageError(
      'NOTHING_TO_VERIFY',
      'no verify found keys missing or stale since the resync: run step 4 as it stands',
    );
  }
  if (action === 'resync' && (offer === undefined || offer.vbuckets.length === 0)) {
    throw new UsageError(
      'NOTHING_TO_RESYNC',
      'the blockers list no vbucket: there is nothing to resync',
    );
  }
  checkCanRun(record, 4, { isVerifyAgain: true });
}

/** Step 3 failed only by vbuckets that failed or had no source: an override may go past it. */
function isResyncOverridable(record: WizardRecord): boolean {
  const { resync } = record;
  return (
    stepOf(record, 3).state === 'failed' &&
    resync !== undefined &&
    resync.problems.length === 0 &&
    Object.values(resync.unresolved).some((vbuckets) => vbuckets.length > 0)
  );
}

function whyNotPassed(record: WizardRecord, step: WizardStepNumber): string {
  const state = stepOf(record, step);
  if (state.state === 'failed') return `it failed (${state.error?.message ?? 'no reason given'})`;
  if (state.state === 'running') return 'it is still running';
  return 'it has not run yet';
}

/** What a resize job's end means for step 3: its outcome, and the step's state. */
export function resizeEnded(record: WizardRecord, job: JobSummary, now: string): WizardRecord {
  const unresolved: Record<string, number[]> = {};
  const problems: string[] = [];
  for (const target of job.targets) {
    const summary = job.resyncs.find((r) => r.target === target);
    if (summary === undefined) {
      problems.push(`${target}: its resync did not end`);
      continue;
    }
    const failed = summary.failed.map((f) => f.vbucket).sort((a, b) => a - b);
    if (failed.length > 0) unresolved[target] = failed;
    if (summary.cancelled) problems.push(`${target}: its resync was cancelled`);
    else if (summary.error !== undefined) problems.push(`${target}: ${summary.error.message}`);
    else if (summary.targetEvictions > 0) {
      problems.push(
        `${target} evicted ${plural(summary.targetEvictions, 'item')} while it was filled: raise ` +
          'its memory limit (-m), then run step 3 again',
      );
    } else if (!summary.isComplete && failed.length === 0) {
      problems.push(`${target}: its resync did not complete`);
    }
  }
  if (job.error !== undefined) problems.push(job.error.message);
  if (job.state === 'cancelled' && problems.length === 0) problems.push('the job was cancelled');
  const resync: ResyncOutcome = {
    finishedAt: job.finishedAt ?? now,
    unresolved,
    problems,
    summaries: job.resyncs,
    jobId: job.id,
  };
  const step = stepOf(record, 3);
  const isSucceeded = job.state === 'succeeded';
  const next: WizardStep = {
    ...withoutError(step),
    state: isSucceeded ? 'succeeded' : 'failed',
    finishedAt: now,
    ...(isSucceeded ? {} : { error: resyncFailure(job.id, resync) }),
  };
  return withStep(record, next, now, { resync });
}

/**
 * A resync of one of the resize's targets that ended: the wizard's own (a retry of step 3's
 * vbuckets, or of the blockers' listed vbuckets) or one started on its own (the Resync screen,
 * `jobs:start`). One that succeeded is counted toward step 3: it clears the vbuckets it streamed
 * (all of its target's, when it was not limited to some), and step 3 succeeds once nothing is left.
 * Any other job leaves the record as it is, but for the wizard's list of its running resyncs.
 */
export function retryEnded(record: WizardRecord, job: JobSummary, now: string): WizardRecord {
  const running = record.repairJobIds ?? [];
  const base: WizardRecord = running.includes(job.id)
    ? settle({ ...record, repairJobIds: running.filter((id) => id !== job.id) })
    : record;
  const step = stepOf(base, 3);
  const { resync, wizard } = base;
  const target = job.targets[0];
  if (
    job.kind !== 'resync' ||
    job.state !== 'succeeded' ||
    resync === undefined ||
    target === undefined ||
    !wizard.newServers.includes(target) ||
    isPassed(base, 4)
  ) {
    return base;
  }
  const streamed = job.vbuckets === undefined ? undefined : new Set(job.vbuckets);
  const before = ownEntry(resync.unresolved, target) ?? [];
  const left = streamed === undefined ? [] : before.filter((v) => !streamed.has(v));
  const unresolved = { ...resync.unresolved, [target]: left };
  if (left.length === 0) delete unresolved[target];
  const outcome: ResyncOutcome = {
    ...resync,
    finishedAt: job.finishedAt ?? now,
    unresolved,
    summaries: [...resync.summaries, ...job.resyncs],
  };
  const isCleared = outcome.problems.length === 0 && Object.keys(unresolved).length === 0;
  const next: WizardStep = {
    ...(isCleared ? withoutError(step) : step),
    jobIds: [...(step.jobIds ?? []), job.id],
    ...(isCleared && step.state !== 'succeeded' ? { state: 'succeeded', finishedAt: now } : {}),
  };
  return withStep(base, next, now, { resync: outcome });
}

/** Keeps a verify job's report (a cancelled verify says nothing and is dropped). */
export function verifyEnded(record: WizardRecord, job: JobSummary, now: string): WizardRecord {
  if (job.verify === undefined || job.state === 'cancelled') return record;
  return settle({
    ...record,
    verify: { jobId: job.id, finishedAt: job.finishedAt ?? now, report: job.verify },
  });
}

/** Why step 4's verify stops it (without an override), for the step's error. */
export function verifyFailure(job: JobSummary): ErrorPayload {
  const report = job.verify;
  const parts: string[] = [];
  if (job.state === 'cancelled') parts.push('the verify was cancelled');
  if (job.error !== undefined) parts.push(job.error.message);
  if (report !== undefined) {
    if (report.missing > 0) parts.push(`${plural(report.missing, 'key')} missing`);
    if (report.stale > 0) parts.push(`${plural(report.stale, 'key')} stale`);
    for (const failure of report.failures) {
      parts.push(`${failure.node} could not be checked: ${failure.error.message}`);
    }
  }
  return payload(
    'VERIFY_NOT_CLEAN',
    `verify job ${job.id} did not find the new replicas complete: ` +
      `${parts.join('; ') || 'no reason given'}; nothing was written`,
  );
}

/** A record whose steps that were running when the console stopped are failed, to be run again. */
export function markInterrupted(record: WizardRecord, now: string): WizardRecord {
  // The jobs of a console that stopped are gone with it.
  let next =
    (record.repairJobIds ?? []).length === 0 ? record : settle({ ...record, repairJobIds: [] });
  for (const step of record.wizard.steps) {
    if (step.state !== 'running') continue;
    next = withStep(
      next,
      {
        ...step,
        state: 'failed',
        finishedAt: now,
        nodes: step.nodes.map((n) =>
          n.state === 'running' ? { ...n, state: 'failed', message: 'interrupted' } : n,
        ),
        error: payload(
          'STEP_INTERRUPTED',
          'interrupted: the console stopped while this step ran; run it again',
        ),
      },
      now,
    );
  }
  return next;
}

export function buildReport(record: WizardRecord, finishedAt: string): ResizeReport {
  const { wizard } = record;
  return {
    clusterName: wizard.clusterName,
    oldServers: wizard.oldServers,
    newServers: wizard.newServers,
    startedAt: wizard.startedAt,
    finishedAt,
    steps: wizard.steps,
    resyncs: record.resync?.summaries ?? [],
    ...(record.verify === undefined ? {} : { verify: record.verify.report }),
    ...(wizard.override === undefined ? {} : { override: wizard.override }),
  };
}

export function withoutError({ error: _error, ...step }: WizardStep): WizardStep {
  return step;
}

function resyncFailure(jobId: string, resync: ResyncOutcome): ErrorPayload {
  const parts = [...resync.problems];
  for (const [target, vbuckets] of Object.entries(resync.unresolved)) {
    parts.push(
      `${target}: ${plural(vbuckets.length, 'vbucket')} failed or had no source ` +
        `(${listVbuckets(vbuckets)})`,
    );
  }
  return payload(
    'RESYNC_INCOMPLETE',
    `resize job ${jobId} did not fill every new replica: ${parts.join('; ') || 'no reason given'}`,
  );
}

function payload(code: string, message: string): ErrorPayload {
  return new UsageError(code, message).toPayload();
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

// A long list is cut: the operator needs to see which, and the count says how many.
function listVbuckets(vbuckets: readonly number[]): string {
  const shown = vbuckets.slice(0, 12).join(', ');
  return vbuckets.length > 12 ? `${shown}, ... (${vbuckets.length} in all)` : shown;
}
