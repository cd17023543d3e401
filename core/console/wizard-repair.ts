/**
 * The way out of step 4's blockers short of an override: the vbuckets the blockers list (step 3
 * left them unfilled, or a verify found keys missing or stale there) are resynced on the resize's
 * targets that will hold them, and a verify run again. Pure rules of the wizard's state; the
 * jobs themselves are started by resize-wizard.ts.
 */
import type { ClusterSettings } from '../cluster/cluster-settings.js';
import { computeStoreView, type StoreViewOptions } from '../cluster/store-view.js';
import { computeWorklists } from '../cluster/worklist.js';
import { UsageError } from '../errors.js';
import type { JobRequest, WizardRepair } from './contract.js';
import type { VerifyOutcome, WizardRecord } from './wizard-state.js';
import { ownEntry } from '../shared/own-entry.js';

/** What the blockers box offers for `record`; undefined when the blockers list no vbucket. */
export function repairOffer(record: WizardRecord): WizardRepair | undefined {
  const verify = failedVerify(record);
  const vbuckets = new Set<number>(verify === undefined ? [] : verifyVbuckets(verify));
  for (const listed of Object.values(record.resync?.unresolved ?? {})) {
    for (const vbucket of listed) vbuckets.add(vbucket);
  }
  const runningJobIds = record.repairJobIds ?? [];
  if (vbuckets.size === 0 && runningJobIds.length === 0) return undefined;
  const resyncedAt = verify === undefined ? undefined : resyncedSince(record, verify);
  return {
    vbuckets: [...vbuckets].sort((a, b) => a - b),
    needsVerify: verify !== undefined,
    ...(resyncedAt === undefined ? {} : { resyncedAt }),
    runningJobIds,
  };
}

/**
 * The last verify when it found keys missing or stale: that stands until a clean verify replaces
 * it (or step 3 runs again, which drops it), whatever was resynced since; a resync does not check.
 */
export function failedVerify(record: WizardRecord): VerifyOutcome | undefined {
  const { verify } = record;
  if (verify === undefined || record.resync === undefined) return undefined;
  return verify.report.missing > 0 || verify.report.stale > 0 ? verify : undefined;
}

/** When a counted resync ended after `verify`, if one did. */
export function resyncedSince(record: WizardRecord, verify: VerifyOutcome): string | undefined {
  const at = record.resync?.finishedAt;
  return at !== undefined && at > verify.finishedAt ? at : undefined;
}

function verifyVbuckets(verify: VerifyOutcome): number[] {
  return verify.report.problems.filter((p) => p.missing > 0 || p.stale > 0).map((p) => p.vbucket);
}

/**
 * The resyncs that stream the listed vbuckets again: one per target of the resize that will hold
 * any of them. A verify does not say which new replica lacked a key, so each new replica of the
 * vbucket that is a target gets it; they are full resyncs of those vbuckets, since a node that
 * already held one before the resize (and lost keys since) is not in its minimal worklist. Inject
 * never replaces newer data, so streaming to a replica that lacked nothing costs time only.
 */
export function repairRequests(
  record: WizardRecord,
  settings: ClusterSettings,
  model: StoreViewOptions,
): Extract<JobRequest, { kind: 'resync' }>[] {
  const { wizard, resync } = record;
  if (resync === undefined) return [];
  const failed = failedVerify(record);
  const fromVerify = failed === undefined ? [] : verifyVbuckets(failed);
  const targets = [...new Set(wizard.newServers)];
  const worklists = computeWorklists(computeStoreView(settings, model), targets, { full: true });
  const requests: Extract<JobRequest, { kind: 'resync' }>[] = [];
  for (const target of targets) {
    const worklist = worklists.get(target);
    const wanted = new Set([...fromVerify, ...(ownEntry(resync.unresolved, target) ?? [])]);
    const vbuckets = [...wanted].filter((v) => worklist?.has(v) === true).sort((a, b) => a - b);
    if (vbuckets.length === 0) continue;
    requests.push({
      kind: 'resync',
      clusterId: wizard.clusterId,
      target,
      full: true,
      vbuckets,
      ...(resync.jobId === undefined ? {} : { retryOf: resync.jobId }),
    });
  }
  if (requests.length === 0) {
    throw new UsageError(
      'NOTHING_TO_RESYNC',
      'no target of the resize will hold the listed vbuckets: there is nothing to resync',
    );
  }
  return requests;
}
