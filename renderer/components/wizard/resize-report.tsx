/** The end of a resize: what it did, in one summary, and the full report to save as JSON. */
import type { ResizeReport, WizardStep } from '../../../core/console/contract.js';
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatKeysIntoNodes,
} from '../../../core/util/format-units.js';
import { formatTime } from '../format-time.js';
import { fileDate, fileNamePart, saveTextFile } from '../save-file.js';
import { STEP_TITLES } from './step-parts.js';

/** The file name a report is saved under: astaire-resize-<cluster>-<date>.json. */
export function reportFileName(report: ResizeReport): string {
  return `astaire-resize-${fileNamePart(report.clusterName)}-${fileDate(report.finishedAt)}.json`;
}

/** Keys and bytes every resync of the resize moved, and what became of the keys. */
export function totalCounts(report: ResizeReport) {
  const total = {
    keys: 0,
    bytes: 0,
    added: 0,
    replaced: 0,
    skippedNewer: 0,
    alreadyThere: 0,
    raced: 0,
  };
  for (const resync of report.resyncs) {
    total.keys += resync.counts.keys;
    total.bytes += resync.counts.bytes;
    total.added += resync.counts.added;
    total.replaced += resync.counts.replaced;
    total.skippedNewer += resync.counts.skippedNewer;
    // A report saved before identical copies were counted apart has no such count.
    total.alreadyThere += resync.counts.alreadyThere ?? 0;
    total.raced += resync.counts.raced;
  }
  return total;
}

/** The "Keys moved" line: the total, then how many went into each node (not "into 4 nodes"). */
export function keysMovedText(report: ResizeReport): string {
  const total = totalCounts(report);
  // In the new servers list's order: the resyncs come in the order they finished.
  const position = (node: string) => {
    const index = report.newServers.indexOf(node);
    return index < 0 ? report.newServers.length : index;
  };
  // A node resynced more than once (step 3 again, the blockers' repair) is one node that took
  // the sum of its runs.
  const byNode = new Map<string, { node: string; keys: number; bytes: number }>();
  for (const { target, counts } of report.resyncs) {
    const intake = byNode.get(target) ?? { node: target, keys: 0, bytes: 0 };
    intake.keys += counts.keys;
    intake.bytes += counts.bytes;
    byNode.set(target, intake);
  }
  const intakes = [...byNode.values()].sort((a, b) => position(a.node) - position(b.node));
  return (
    `${formatCount(total.keys)} ${total.keys === 1 ? 'key' : 'keys'}, ${formatBytes(total.bytes)}: ` +
    formatKeysIntoNodes(intakes)
  );
}

function took(from: string | undefined, to: string | undefined): string {
  if (from === undefined || to === undefined) return '—';
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? formatDuration(ms) : '—';
}

export function ResizeReportView({ report }: { readonly report: ResizeReport }) {
  const total = totalCounts(report);
  const incomplete = report.resyncs.filter((resync) => !resync.isComplete);
  const verify = report.verify;
  return (
    <section className="wizard-report" aria-labelledby="wizard-report-heading">
      <div className="section-head">
        <h3 id="wizard-report-heading">
          <span aria-hidden="true">✓ </span>Resize of {report.clusterName} complete
        </h3>
        <button
          type="button"
          className="primary"
          onClick={() =>
            saveTextFile(
              reportFileName(report),
              `${JSON.stringify(report, null, 2)}\n`,
              'application/json',
            )
          }
        >
          Save report
        </button>
      </div>
      <dl className="report-summary">
        <dt>Servers</dt>
        <dd>
          <span className="mono">{report.oldServers.join(', ')}</span> →{' '}
          <span className="mono">{report.newServers.join(', ')}</span>
        </dd>
        <dt>Time</dt>
        <dd>
          {formatTime(report.startedAt)} to {formatTime(report.finishedAt)} (took{' '}
          {took(report.startedAt, report.finishedAt)})
        </dd>
        <dt>Keys moved</dt>
        <dd>{keysMovedText(report)}</dd>
        <dt>What became of them</dt>
        <dd>
          {formatCount(total.added)} added, {formatCount(total.replaced)} replaced (older copy),{' '}
          {formatCount(total.skippedNewer)} skipped (target newer),{' '}
          {formatCount(total.alreadyThere)} already there, {formatCount(total.raced)} raced
        </dd>
        <dt>Resyncs</dt>
        <dd className={incomplete.length > 0 ? 'report-bad' : 'report-good'}>
          {incomplete.length === 0 ? (
            <>
              <span aria-hidden="true">✓ </span>every target complete
            </>
          ) : (
            <>
              <span aria-hidden="true">✕ </span>
              incomplete on {incomplete.map((resync) => resync.target).join(', ')}
            </>
          )}
        </dd>
        <dt>Verify</dt>
        <dd
          className={
            verify === undefined ? undefined : verify.isClean ? 'report-good' : 'report-bad'
          }
        >
          {verify === undefined ? (
            'not recorded'
          ) : verify.isClean ? (
            <>
              <span aria-hidden="true">✓ </span>clean: {formatCount(verify.checked)} keys checked,
              none missing or stale
            </>
          ) : (
            <>
              <span aria-hidden="true">✕ </span>not clean: {formatCount(verify.checked)} keys
              checked, {formatCount(verify.missing)} missing, {formatCount(verify.stale)} stale,{' '}
              {formatCount(verify.repaired)} repaired
              {verify.failures.length > 0 &&
                `; not checked: ${verify.failures.map((failure) => failure.node).join(', ')}`}
            </>
          )}
        </dd>
        {report.override !== undefined && (
          <>
            <dt>Override</dt>
            <dd className="report-bad">
              <span aria-hidden="true">⚠ </span>
              blockers overridden {formatTime(report.override.at)}: “{report.override.reason}”
            </dd>
          </>
        )}
      </dl>
      <table className="node-table report-steps">
        <caption>Steps</caption>
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">How</th>
            <th scope="col">Took</th>
          </tr>
        </thead>
        <tbody>
          {report.steps.map((step) => (
            <tr key={step.step}>
              <th scope="row">
                {step.step}. {STEP_TITLES[step.step]}
              </th>
              <td>{howDone(step)}</td>
              <td>{took(step.startedAt, step.finishedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function howDone(step: WizardStep): string {
  if (step.byHand === true) return 'by hand';
  if (step.jobIds !== undefined && step.jobIds.length > 0) {
    return `job ${step.jobIds.join(', ')}`;
  }
  return 'by the console';
}
