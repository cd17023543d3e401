/**
 * A job's failures, each with its reason and a Retry: one vbucket, every vbucket a failed source
 * let down (streamed again from that source, once the operator has fixed it), or all of a target's
 * failed vbuckets. A retry starts a new resync job of the same kind (full or minimal) that names
 * this one, and the live view follows it.
 */
import { useMemo, useState } from 'react';
import type { ErrorPayload, JobRequest, JobSummary } from '../../../core/console/contract.js';
import { formatCount } from '../../../core/util/format-units.js';
import { toErrorPayload } from '../../api/console-client.js';
import { useConsole, useConsoleClient, useConsoleStore } from '../console-context.js';
import type { NodeIndex } from './cluster-nodes.js';
import {
  retryRequest,
  targetFailures,
  type FailedVbucket,
  type TargetFailures,
} from './live-failures.js';
import { NodeChip } from './node-chip.js';
import { nodeLabel } from './cluster-nodes.js';
import { ownEntry } from '../../../core/shared/own-entry.js';

/** Failed vbuckets listed one by one per target; the rest are counted (and retried together). */
export const LISTED_FAILURES = 50;

export function FailuresPanel(props: { readonly job: JobSummary; readonly nodes: NodeIndex }) {
  const { job, nodes } = props;
  const store = useConsoleStore();
  // A cheap signature of what can change the list: how many vbuckets failed per target. The list
  // itself is derived only when it moves, not on every batch of progress.
  const signature = useConsole((state) =>
    job.targets
      .map((target) => ownEntry(state.jobProgress[job.id]?.targets, target)?.tally.failed ?? 0)
      .join(','),
  );
  const failures = useMemo(
    () =>
      job.targets
        .map((target) =>
          targetFailures(
            job,
            target,
            ownEntry(store.getState().jobProgress[job.id]?.targets, target),
          ),
        )
        .filter((target) => target.vbuckets.length > 0 || target.sources.length > 0),
    [job, store, signature],
  );
  if (failures.length === 0 && job.error === undefined) return null;
  return (
    <section className="panel failures" aria-labelledby={`failures-${job.id}`}>
      <h2 id={`failures-${job.id}`}>Failures</h2>
      {job.error !== undefined && (
        <p className="error">
          The job failed: {job.error.message}{' '}
          <span className="error-code mono">({job.error.code})</span>
        </p>
      )}
      {failures.map((target) => (
        <TargetFailuresView
          key={target.target}
          job={job}
          failures={target}
          nodes={nodes}
          full={job.full}
        />
      ))}
    </section>
  );
}

function TargetFailuresView(props: {
  readonly job: JobSummary;
  readonly failures: TargetFailures;
  readonly nodes: NodeIndex;
  readonly full: boolean | undefined;
}) {
  const { job, failures, nodes, full } = props;
  const client = useConsoleClient();
  const startJob = useConsole((state) => state.startJob);
  const watchJob = useConsole((state) => state.watchJob);
  const [isStarting, setIsStarting] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const { target } = failures;
  // A retry while the target is still being filled would be refused (JOB_CONFLICT), and one
  // whose kind is not known could stream less than the job did: neither is offered.
  const whyNoRetry = !failures.isEnded
    ? 'Retry is offered once this target’s resync has ended.'
    : full === undefined
      ? 'This job’s kind (full or minimal) is not known here: start the retry from “Resync a node”.'
      : undefined;
  const retry = (request: JobRequest) => {
    setIsStarting(true);
    setError(null);
    startJob(client, request)
      .then((started) => watchJob(started.id))
      .catch((failure: unknown) => setError(toErrorPayload(failure)))
      .finally(() => setIsStarting(false));
  };
  const canRetry = whyNoRetry === undefined && full !== undefined && !isStarting;
  const retryButton = (
    text: string,
    vbuckets: readonly number[],
    source?: string,
    names?: { readonly label: string; readonly title: string },
  ) => (
    <button
      type="button"
      disabled={!canRetry || vbuckets.length === 0}
      {...(names === undefined ? {} : { 'aria-label': names.label, title: names.title })}
      onClick={() => {
        if (full !== undefined) retry(retryRequest(job, target, full, vbuckets, source));
      }}
    >
      {text}
    </button>
  );
  const listed = failures.vbuckets.slice(0, LISTED_FAILURES);
  return (
    <div className="target-failures">
      <div className="section-head">
        <h3>
          Into <NodeChip nodes={nodes} node={target} />
        </h3>
        {failures.vbuckets.length > 1 &&
          retryButton(
            `Retry all ${formatCount(failures.vbuckets.length)} failed vbuckets`,
            failures.vbuckets.map((failure) => failure.vbucket),
          )}
      </div>
      {whyNoRetry !== undefined && <p className="hint">{whyNoRetry}</p>}
      {error !== null && (
        <p className="error" role="alert">
          Could not start the retry: {error.message}{' '}
          <span className="error-code mono">({error.code})</span>
        </p>
      )}
      {failures.sources.length > 0 && (
        <table className="failure-table">
          <caption>Failed sources</caption>
          <thead>
            <tr>
              <th scope="col">Source</th>
              <th scope="col">Reason</th>
              <th scope="col">vbuckets</th>
              <th scope="col">
                <span className="visually-hidden">Retry</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {failures.sources.map((source) => (
              <tr key={source.source}>
                <th scope="row">
                  <NodeChip nodes={nodes} node={source.source} />
                </th>
                <td className="failure-reason">{source.reason}</td>
                <td className="number">{formatCount(source.vbuckets.length)}</td>
                <td>
                  {source.vbuckets.length === 0 ? (
                    <span className="hint">its vbuckets came from another replica</span>
                  ) : (
                    retryButton(
                      `Retry ${source.vbuckets.length} from this source`,
                      source.vbuckets,
                      source.source,
                    )
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {listed.length > 0 && (
        <table className="failure-table">
          <caption>Failed vbuckets, by reason</caption>
          <thead>
            <tr>
              <th scope="col">Reason</th>
              <th scope="col">vbuckets (retry one)</th>
              <th scope="col">
                <span className="visually-hidden">Retry them all</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {groupByReason(listed).map((group) => (
              <tr key={group.reason}>
                <td className="failure-reason">{group.reason}</td>
                <td>
                  <ul className="vbucket-retries">
                    {group.failures.map((failure) => (
                      <li key={failure.vbucket}>
                        {retryButton(String(failure.vbucket), [failure.vbucket], undefined, {
                          label: `Retry vbucket ${failure.vbucket}`,
                          title:
                            failure.source === undefined
                              ? `Retry vbucket ${failure.vbucket}`
                              : `Retry vbucket ${failure.vbucket} (last streamed from node ${nodeLabel(nodes, failure.source)}, ${failure.source})`,
                        })}
                      </li>
                    ))}
                  </ul>
                </td>
                <td>
                  {group.failures.length > 1 &&
                    retryButton(
                      `Retry these ${group.failures.length}`,
                      group.failures.map((failure) => failure.vbucket),
                    )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {failures.vbuckets.length > listed.length && (
        <p className="hint">
          And {formatCount(failures.vbuckets.length - listed.length)} more failed vbuckets, retried
          with the others by “Retry all”.
        </p>
      )}
    </div>
  );
}

// Failures usually share a few reasons (a source that went down): one row per reason, with its
// vbuckets, reads better than the same long sentence on every row.
function groupByReason(
  failures: readonly FailedVbucket[],
): { reason: string; failures: FailedVbucket[] }[] {
  const groups = new Map<string, FailedVbucket[]>();
  for (const failure of failures) {
    const group = groups.get(failure.reason);
    if (group === undefined) groups.set(failure.reason, [failure]);
    else group.push(failure);
  }
  return [...groups].map(([reason, list]) => ({ reason, failures: list }));
}
