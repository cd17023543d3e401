/**
 * The resize wizard's rules on their own: step order, what step 3's resyncs and step 4's verify
 * leave behind as blockers, retries that clear vbuckets, overrides, and steps interrupted by a
 * console that stopped.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  JobSummary,
  ResyncSummaryJson,
  VerifyReport,
  WizardStepNumber,
} from '../../../core/console/contract.js';
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
  withStep,
  type WizardRecord,
} from '../../../core/console/wizard-state.js';
import { computeStoreView } from '../../../core/cluster/store-view.js';
import { repairRequests } from '../../../core/console/wizard-repair.js';
import { AstaireError } from '../../../core/errors.js';

const OLD = ['10.0.0.1:11211', '10.0.0.2:11211', '10.0.0.3:11211'];
const NEW = [...OLD, '10.0.0.4:11211'];
const T0 = '2030-01-01T00:00:00.000Z';

function fresh(): WizardRecord {
  return createWizard({
    clusterId: 'c1',
    clusterName: 'prod',
    oldServers: OLD,
    newServers: NEW,
    remote: 'by-hand',
    canReload: false,
    now: T0,
  });
}

function at(minute: number): string {
  return new Date(Date.parse(T0) + minute * 60_000).toISOString();
}

function succeed(record: WizardRecord, ...steps: WizardStepNumber[]): WizardRecord {
  let next = record;
  for (const step of steps) {
    next = withStep(next, { ...stepOf(next, step), state: 'succeeded', finishedAt: at(1) }, at(1));
  }
  return next;
}

function refusalOf(work: () => void): AstaireError {
  try {
    work();
  } catch (error) {
    assert.ok(error instanceof AstaireError, String(error));
    return error;
  }
  assert.fail('expected a refusal');
}

function resync(target: string, failed: number[] = [], extra: Partial<ResyncSummaryJson> = {}) {
  const counts = {
    added: 0,
    replaced: 0,
    skippedNewer: 0,
    alreadyThere: 0,
    raced: 0,
    vanished: 0,
    keys: 0,
    bytes: 0,
  };
  return {
    target,
    full: false,
    startedAt: at(2),
    durationMs: 1000,
    vbuckets: 40,
    done: 40 - failed.length,
    failed: failed.map((vbucket) => ({ vbucket, reason: 'no replica could be read' })),
    cancelled: false,
    counts,
    perVbucket: {},
    sources: [],
    passes: [],
    unconfirmedKeys: 0,
    tagWritten: failed.length === 0,
    targetEvictions: 0,
    isComplete: failed.length === 0,
    error: undefined,
    ...extra,
  } satisfies ResyncSummaryJson;
}

function job(fields: Partial<JobSummary> & Pick<JobSummary, 'id' | 'kind'>): JobSummary {
  return {
    clusterId: 'c1',
    targets: [],
    state: 'succeeded',
    startedAt: at(2),
    finishedAt: at(3),
    rateLimit: 0,
    isPaused: false,
    resyncs: [],
    ...fields,
  };
}

function resizeJob(id: string, failedOn: Record<string, number[]>, finishedAt = at(3)): JobSummary {
  const resyncs = NEW.map((target) => resync(target, failedOn[target] ?? []));
  return job({
    id,
    kind: 'resize',
    targets: NEW,
    state: resyncs.every((r) => r.isComplete) ? 'succeeded' : 'failed',
    resyncs,
    finishedAt,
  });
}

function verifyReport(missing: number, vbuckets: number[] = []): VerifyReport {
  return {
    checked: 1000,
    missing,
    stale: 0,
    repaired: 0,
    problems: vbuckets.map((vbucket) => ({
      vbucket,
      checked: 10,
      missing: 1,
      stale: 0,
      repaired: 0,
    })),
    failures: [],
    isClean: missing === 0,
  };
}

/** Steps 1 and 2 done, step 3 started with job `r1`. */
function atStep3(): WizardRecord {
  const record = succeed(fresh(), 1, 2);
  return withStep(
    record,
    { ...stepOf(record, 3), state: 'running', startedAt: at(2), jobIds: ['r1'] },
    at(2),
  );
}

describe('the resize wizard rules', () => {
  it('starts at step 1 with five pending steps and nothing blocking', () => {
    const { wizard } = fresh();
    assert.equal(wizard.current, 1);
    assert.deepEqual(
      wizard.steps.map((s) => [s.step, s.state]),
      [
        [1, 'pending'],
        [2, 'pending'],
        [3, 'pending'],
        [4, 'pending'],
        [5, 'pending'],
      ],
    );
    assert.deepEqual(wizard.blockers, []);
  });

  it('runs steps in order only, naming the step to do first', () => {
    const record = fresh();
    assert.doesNotThrow(() => checkCanRun(record, 1));
    const early = refusalOf(() => checkCanRun(record, 3));
    assert.equal(early.code, 'WIZARD_OUT_OF_ORDER');
    assert.match(early.message, /run step 1 \(write servers and new_servers\) first/);
    const afterOne = succeed(record, 1);
    assert.equal(afterOne.wizard.current, 2);
    assert.match(refusalOf(() => checkCanRun(afterOne, 4)).message, /run step 2 .* first/);
    assert.doesNotThrow(() => checkCanRun(afterOne, 2));
    // A succeeded step may run again until a later one has succeeded.
    assert.doesNotThrow(() => checkCanRun(afterOne, 1));
    const afterTwo = succeed(afterOne, 2);
    const again = refusalOf(() => checkCanRun(afterTwo, 1));
    assert.match(again.message, /step 1 cannot run again: step 2 .* has already succeeded/);
  });

  it('refuses any step while one runs, and every step once complete', () => {
    const running = atStep3();
    const busy = refusalOf(() => checkCanRun(running, 4));
    assert.equal(busy.code, 'WIZARD_BUSY');
    assert.match(busy.message, /step 3 \(resync the new replicas\) is running/);
    const done = succeed(fresh(), 1, 2, 3, 4, 5);
    assert.equal(done.wizard.current, 'complete');
    assert.equal(refusalOf(() => checkCanRun(done, 5)).code, 'WIZARD_COMPLETE');
  });

  it('a failed step can run again and names why it failed when a later step is asked for', () => {
    const record = succeed(fresh(), 1);
    const failed = withStep(
      record,
      {
        ...stepOf(record, 2),
        state: 'failed',
        error: { code: 'RELOAD_FAILED', message: 'exit status 3', detail: { stage: 'command' } },
      },
      at(1),
    );
    assert.doesNotThrow(() => checkCanRun(failed, 2));
    assert.match(refusalOf(() => checkCanRun(failed, 3)).message, /it failed \(exit status 3\)/);
  });

  it('a resize that succeeded passes step 3 with nothing blocking step 4', () => {
    const record = resizeEnded(atStep3(), resizeJob('r1', {}), at(3));
    assert.equal(stepOf(record, 3).state, 'succeeded');
    assert.equal(record.wizard.current, 4);
    assert.deepEqual(record.wizard.blockers, []);
    assert.doesNotThrow(() => checkCanRun(record, 4));
    assert.equal(hasSufficientVerify(record), false, 'step 4 must verify first');
  });

  it('blocks step 4 on vbuckets that failed or had no source, until an override', () => {
    const record = resizeEnded(atStep3(), resizeJob('r1', { [NEW[3]!]: [7, 3, 90] }), at(3));
    const step3 = stepOf(record, 3);
    assert.equal(step3.state, 'failed');
    assert.equal(step3.error?.code, 'RESYNC_INCOMPLETE');
    assert.match(
      step3.error?.message ?? '',
      /10\.0\.0\.4:11211: 3 vbuckets failed or had no source \(3, 7, 90\)/,
    );
    assert.deepEqual(record.resync?.unresolved, { [NEW[3]!]: [3, 7, 90] });
    assert.equal(record.wizard.blockers.length, 1);
    assert.match(
      record.wizard.blockers[0] ?? '',
      /10\.0\.0\.4:11211: 3 vbuckets failed or had no source/,
    );

    const blocked = refusalOf(() => checkCanRun(record, 4));
    assert.equal(blocked.code, 'WIZARD_BLOCKED');
    assert.match(blocked.message, /vbuckets failed or had no source .*override/);

    const overridden = settle({
      ...record,
      wizard: { ...record.wizard, override: { reason: 'those keys are expendable', at: at(4) } },
    });
    assert.deepEqual(overridden.wizard.blockers, []);
    assert.deepEqual(blockerFacts(overridden).length, 1, 'the facts stay known');
    assert.doesNotThrow(() => checkCanRun(overridden, 4));
  });

  it('a resize that failed other than by vbuckets must run again: no override goes past it', () => {
    const base = resizeJob('r1', {});
    const cancelled = job({
      ...base,
      state: 'cancelled',
      resyncs: [resync(NEW[0]!, [], { cancelled: true, isComplete: false })],
    });
    const record = resizeEnded(atStep3(), cancelled, at(3));
    assert.equal(stepOf(record, 3).state, 'failed');
    assert.ok((record.resync?.problems.length ?? 0) > 0);
    const overridden = settle({
      ...record,
      wizard: { ...record.wizard, override: { reason: 'try anyway please', at: at(4) } },
    });
    const refusal = refusalOf(() => checkCanRun(overridden, 4));
    assert.equal(refusal.code, 'WIZARD_OUT_OF_ORDER');
    assert.match(refusal.message, /run step 3 .* first: it failed \(.*cancelled/);
  });

  it('counts a later successful retry of the step-3 job as clearing its vbuckets', () => {
    const failedOn = { [NEW[1]!]: [5, 6], [NEW[3]!]: [9] };
    const record = resizeEnded(atStep3(), resizeJob('r1', failedOn), at(3));
    // Not a resync of one of the resize's targets: nothing changes.
    const unrelated = job({ id: 'x', kind: 'verify', verify: verifyReport(0) });
    assert.equal(retryEnded(record, unrelated, at(4)), record);
    // A failed retry clears nothing.
    const failedRetry = job({
      id: 'y',
      kind: 'resync',
      targets: [NEW[3]!],
      retryOf: 'r1',
      vbuckets: [9],
      state: 'failed',
    });
    assert.equal(retryEnded(record, failedRetry, at(4)), record);

    const partly = retryEnded(
      record,
      job({
        id: 'r2',
        kind: 'resync',
        targets: [NEW[1]!],
        retryOf: 'r1',
        vbuckets: [5],
        finishedAt: at(5),
      }),
      at(5),
    );
    assert.deepEqual(partly.resync?.unresolved, { [NEW[1]!]: [6], [NEW[3]!]: [9] });
    assert.equal(stepOf(partly, 3).state, 'failed');
    assert.deepEqual(stepOf(partly, 3).jobIds, ['r1', 'r2']);

    // A retry of a retry counts too; without `vbuckets` it covered the target's whole worklist.
    const second = retryEnded(
      partly,
      job({ id: 'r3', kind: 'resync', targets: [NEW[1]!], retryOf: 'r2', finishedAt: at(6) }),
      at(6),
    );
    const cleared = retryEnded(
      second,
      job({
        id: 'r4',
        kind: 'resync',
        targets: [NEW[3]!],
        retryOf: 'r1',
        vbuckets: [9],
        finishedAt: at(7),
      }),
      at(7),
    );
    assert.deepEqual(cleared.resync?.unresolved, {});
    assert.equal(stepOf(cleared, 3).state, 'succeeded');
    assert.equal(stepOf(cleared, 3).error, undefined);
    assert.deepEqual(cleared.wizard.blockers, []);
    assert.equal(cleared.resync?.finishedAt, at(7));
    assert.equal(cleared.resync?.summaries.length, NEW.length, 'retries add their own summaries');
  });

  it('blocks step 4 on missing keys found by a verify since the last resync, not before it', () => {
    const resynced = resizeEnded(atStep3(), resizeJob('r1', {}), at(3));
    const verified = verifyEnded(
      resynced,
      job({
        id: 'v1',
        kind: 'verify',
        state: 'failed',
        verify: verifyReport(12, [4, 8]),
        finishedAt: at(4),
      }),
      at(4),
    );
    assert.equal(verified.verify?.jobId, 'v1');
    assert.equal(verified.wizard.blockers.length, 1);
    assert.match(verified.wizard.blockers[0] ?? '', /verify found 12 keys missing .*vbuckets 4, 8/);
    assert.equal(refusalOf(() => checkCanRun(verified, 4)).code, 'WIZARD_BLOCKED');
    assert.equal(hasSufficientVerify(verified), false);

    // A clean verify is enough; an unclean one is enough once overridden.
    const overridden = settle({
      ...verified,
      wizard: { ...verified.wizard, override: { reason: 'sessions expire anyway', at: at(5) } },
    });
    assert.equal(hasSufficientVerify(overridden), true);

    // A newer resync (a retry) may have mended what the verify found, but only a verify can
    // tell: the finding stands, saying to verify again, and that verify is not enough either.
    const failedResize = resizeEnded(atStep3(), resizeJob('r1', { [NEW[3]!]: [4] }), at(3));
    const verifiedThenRetried = retryEnded(
      verifyEnded(
        failedResize,
        job({
          id: 'v1',
          kind: 'verify',
          state: 'failed',
          verify: verifyReport(3, [4]),
          finishedAt: at(4),
        }),
        at(4),
      ),
      job({
        id: 'r2',
        kind: 'resync',
        targets: [NEW[3]!],
        retryOf: 'r1',
        vbuckets: [4],
        finishedAt: at(6),
      }),
      at(6),
    );
    assert.equal(verifiedThenRetried.wizard.blockers.length, 1);
    assert.match(
      verifiedThenRetried.wizard.blockers[0] ?? '',
      /3 keys missing .*\(vbuckets 4\); they were resynced since: verify again$/,
    );
    assert.equal(verifiedThenRetried.wizard.repair?.resyncedAt, at(6));
    assert.equal(hasSufficientVerify(verifiedThenRetried), false);
    assert.equal(refusalOf(() => checkCanRun(verifiedThenRetried, 4)).code, 'WIZARD_BLOCKED');
    // Verifying again is allowed; a clean verify clears the blocker with no override.
    checkCanRepair(verifiedThenRetried, 'verify');
    const clean = verifyEnded(
      verifiedThenRetried,
      job({ id: 'v2', kind: 'verify', verify: verifyReport(0), finishedAt: at(7) }),
      at(7),
    );
    assert.deepEqual(clean.wizard.blockers, []);
    assert.equal(clean.wizard.repair, undefined);
    assert.equal(hasSufficientVerify(clean), true);
    checkCanRun(clean, 4);
  });

  it('counts a one-node resync of a resize target that nobody called a retry', () => {
    const record = resizeEnded(atStep3(), resizeJob('r1', { [NEW[3]!]: [9, 10] }), at(3));
    const fromResyncScreen = retryEnded(
      record,
      job({ id: 's1', kind: 'resync', targets: [NEW[3]!], full: true, finishedAt: at(5) }),
      at(5),
    );
    assert.deepEqual(fromResyncScreen.resync?.unresolved, {});
    assert.equal(stepOf(fromResyncScreen, 3).state, 'succeeded');
    assert.deepEqual(stepOf(fromResyncScreen, 3).jobIds, ['r1', 's1']);
  });

  it('offers the listed vbuckets for a resync until a clean verify, and follows its jobs', () => {
    const failedResize = resizeEnded(atStep3(), resizeJob('r1', { [NEW[3]!]: [2] }), at(3));
    assert.deepEqual(failedResize.wizard.repair, {
      vbuckets: [2],
      needsVerify: false,
      runningJobIds: [],
    });
    assert.equal(refusalOf(() => checkCanRepair(failedResize, 'verify')).code, 'NOTHING_TO_VERIFY');
    const resynced = resizeEnded(atStep3(), resizeJob('r1', {}), at(3));
    assert.equal(resynced.wizard.repair, undefined);
    assert.equal(refusalOf(() => checkCanRepair(resynced, 'resync')).code, 'NOTHING_TO_RESYNC');

    const verified = verifyEnded(
      resynced,
      job({ id: 'v1', kind: 'verify', state: 'failed', verify: verifyReport(2, [7, 90]) }),
      at(4),
    );
    assert.deepEqual(verified.wizard.repair?.vbuckets, [7, 90]);
    assert.equal(verified.wizard.repair?.needsVerify, true);
    checkCanRepair(verified, 'resync');

    // Each target of the resize that will hold a listed vbucket gets it, in full (a node that
    // held it before the resize is in no minimal worklist), as a retry of the resize job.
    const settings = { servers: OLD, newServers: NEW };
    const requests = repairRequests(verified, settings, {});
    const view = computeStoreView(settings);
    for (const vbucket of [7, 90]) {
      const holders = requests.filter((r) => r.vbuckets?.includes(vbucket)).map((r) => r.target);
      assert.deepEqual(holders.sort(), [...new Set(view.vbuckets[vbucket]?.newReplicas)].sort());
    }
    assert.ok(requests.every((r) => r.full && r.retryOf === 'r1' && r.clusterId === 'c1'));

    // While the wizard's resyncs run, no step and no second repair may start.
    const running = settle({ ...verified, repairJobIds: ['s1', 's2'] });
    assert.deepEqual(running.wizard.repair?.runningJobIds, ['s1', 's2']);
    assert.equal(refusalOf(() => checkCanRepair(running, 'verify')).code, 'WIZARD_BUSY');
    const oneLeft = retryEnded(
      running,
      job({ id: 's1', kind: 'resync', targets: [NEW[3]!], vbuckets: [7], finishedAt: at(6) }),
      at(6),
    );
    assert.deepEqual(oneLeft.wizard.repair?.runningJobIds, ['s2']);
    assert.equal(oneLeft.wizard.repair?.resyncedAt, at(6));
    // A failed one is no longer followed, and counts for nothing.
    const bothEnded = retryEnded(
      oneLeft,
      job({ id: 's2', kind: 'resync', targets: [NEW[0]!], state: 'failed', finishedAt: at(7) }),
      at(7),
    );
    assert.deepEqual(bothEnded.wizard.repair?.runningJobIds, []);
    assert.equal(bothEnded.resync?.finishedAt, at(6));
    checkCanRepair(bothEnded, 'verify');
    // A console that stopped lost its jobs: nothing is left running.
    assert.deepEqual(markInterrupted(running, at(8)).wizard.repair?.runningJobIds, []);
  });

  it('drops a cancelled verify: it says nothing about the data', () => {
    const resynced = resizeEnded(atStep3(), resizeJob('r1', {}), at(3));
    const cancelled = verifyEnded(
      resynced,
      job({ id: 'v1', kind: 'verify', state: 'cancelled', verify: verifyReport(0) }),
      at(4),
    );
    assert.equal(cancelled, resynced);
  });

  it('fails a step that was running when the console stopped, to be run again', () => {
    const record = atStep3();
    const interrupted = markInterrupted(record, at(9));
    const step3 = stepOf(interrupted, 3);
    assert.equal(step3.state, 'failed');
    assert.equal(step3.error?.code, 'STEP_INTERRUPTED');
    assert.equal(
      step3.error?.message,
      'interrupted: the console stopped while this step ran; run it again',
    );
    assert.equal(interrupted.wizard.current, 3);
    assert.doesNotThrow(() => checkCanRun(interrupted, 3));
    assert.equal(markInterrupted(fresh(), at(9)).wizard.steps[0]?.state, 'pending');
  });

  it('reports the whole resize: steps, resyncs, the verify and any override', () => {
    const resynced = resizeEnded(atStep3(), resizeJob('r1', {}), at(3));
    const verified = verifyEnded(
      resynced,
      job({ id: 'v1', kind: 'verify', verify: verifyReport(0), finishedAt: at(4) }),
      at(4),
    );
    const done = succeed(verified, 4, 5);
    const report = buildReport(done, at(10));
    assert.equal(report.clusterName, 'prod');
    assert.deepEqual(report.oldServers, OLD);
    assert.deepEqual(report.newServers, NEW);
    assert.equal(report.finishedAt, at(10));
    assert.equal(report.steps.length, 5);
    assert.equal(report.resyncs.length, NEW.length);
    assert.equal(report.verify?.isClean, true);
    assert.equal(report.override, undefined);
  });
});
