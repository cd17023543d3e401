/**
 * How much the resize will send, sampled from the sources' stats (nothing is written): keys and
 * bytes per target and per source, and the time at the rate last measured on this cluster, with
 * where it was measured. Without a measured rate no time is guessed, nor for a target one of
 * whose sources could not be sampled (its figures are then a lower bound, or unknown).
 */
import { Fragment, useEffect, useMemo } from 'react';
import type { PlanEstimate } from '../../../core/console/contract.js';
import { formatBytes, formatCount } from '../../../core/util/format-units.js';
import { selectEstimate } from '../../store/plan-slice.js';
import { useConsole, useConsoleClient } from '../console-context.js';
import { ErrorNotice } from '../error-notice.js';
import { formatTime } from '../format-time.js';
import { NodeTag } from '../node-tag.js';

export const NO_RATE = 'no rate measured yet: times appear after a first resync';

export function EstimatePanel(props: {
  readonly clusterId: string;
  readonly full: boolean;
  readonly indexes: ReadonlyMap<string, number>;
}) {
  const { clusterId, full, indexes } = props;
  const client = useConsoleClient();
  const estimate = useConsole(useMemo(() => selectEstimate(clusterId, full), [clusterId, full]));
  const loadEstimate = useConsole((state) => state.loadEstimate);
  const hasNothing = estimate.value === null && estimate.error === null && !estimate.isLoading;

  // Sampled once per kind when first shown; again only when the operator asks.
  useEffect(() => {
    if (hasNothing) void loadEstimate(client, clusterId, full);
  }, [hasNothing, client, loadEstimate, clusterId, full]);

  return (
    <section
      className="panel estimate"
      aria-labelledby="estimate-heading"
      aria-busy={estimate.isLoading}
    >
      <div className="section-head">
        <h2 id="estimate-heading">Estimate ({full ? 'full' : 'minimal'} resyncs)</h2>
        <button
          type="button"
          onClick={() => void loadEstimate(client, clusterId, full)}
          disabled={estimate.isLoading}
        >
          {estimate.isLoading ? 'Sampling…' : 'Sample again'}
        </button>
      </div>
      {estimate.error !== null && (
        <ErrorNotice error={estimate.error} what="Could not estimate the work" />
      )}
      {estimate.value === null
        ? estimate.isLoading && <p className="muted">Reading the sources' stats…</p>
        : estimate.error === null && (
            <EstimateFigures estimate={estimate.value} indexes={indexes} />
          )}
    </section>
  );
}

export function EstimateFigures(props: {
  readonly estimate: PlanEstimate;
  readonly indexes: ReadonlyMap<string, number>;
}) {
  const { estimate, indexes } = props;
  const isWhole = estimate.unsampled.length === 0;
  return (
    <>
      <dl className="estimate-totals">
        <div>
          <dt>Keys</dt>
          <dd>{partOf(estimate.keys, isWhole, formatCount)}</dd>
        </div>
        <div>
          <dt>Data</dt>
          <dd>{partOf(estimate.bytes, isWhole, formatBytes)}</dd>
        </div>
        <div>
          <dt>Time</dt>
          <dd>{timeOf(estimate.seconds, isWhole, estimate.rate !== null)}</dd>
        </div>
      </dl>
      <p className="hint">
        {estimate.rate === null
          ? NO_RATE
          : `at ${formatBytes(estimate.rate.bytesPerSecond)}/s, ${estimate.rate.basis}`}
        {'. '}Sampled {formatTime(estimate.sampledAt)}.
      </p>
      {estimate.unsampled.length > 0 && (
        <div className="unsampled" role="note">
          <p className="flag flag-warn">
            <span aria-hidden="true">⚠ </span>
            {estimate.unsampled.length === 1
              ? 'One source could not be sampled'
              : `${estimate.unsampled.length} sources could not be sampled`}
            : their share is missing, so the figures it touches are at least what they say, and
            their times are unknown.
          </p>
          <ul>
            {estimate.unsampled.map(({ node, error }) => (
              <li key={node}>
                <NodeTag node={node} index={indexes.get(node)} showAddress />
                <span className="reason">{error.message}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {estimate.targets.length === 0 ? (
        <p className="muted">No node has anything to stream.</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table estimate-table">
            <caption className="visually-hidden">Work per target and source</caption>
            <thead>
              <tr>
                <th scope="col">Target, then its sources</th>
                <th scope="col" className="number">
                  vbuckets
                </th>
                <th scope="col" className="number">
                  Keys
                </th>
                <th scope="col" className="number">
                  Data
                </th>
                <th scope="col" className="number">
                  Time
                </th>
              </tr>
            </thead>
            <tbody>
              {estimate.targets.map((target) => (
                <Fragment key={target.target}>
                  <tr className="target-row">
                    <th scope="row">
                      <NodeTag
                        node={target.target}
                        index={indexes.get(target.target)}
                        showAddress
                      />
                    </th>
                    <td className="number">{target.vbuckets}</td>
                    <td className="number">
                      {partOf(target.keys, target.unsampledSources.length === 0, formatCount)}
                    </td>
                    <td className="number">
                      {partOf(target.bytes, target.unsampledSources.length === 0, formatBytes)}
                    </td>
                    <td className="number">
                      {timeOf(
                        target.seconds,
                        target.unsampledSources.length === 0,
                        estimate.rate !== null,
                      )}
                    </td>
                  </tr>
                  {target.sources.map((source) => (
                    <tr key={source.node} className="source-row">
                      <th scope="row">
                        <span className="muted" aria-hidden="true">
                          ← from{' '}
                        </span>
                        <span className="visually-hidden">from </span>
                        <NodeTag node={source.node} index={indexes.get(source.node)} showAddress />
                      </th>
                      <td className="number">{source.vbuckets}</td>
                      <td className="number">{formatCount(source.keys)}</td>
                      <td className="number">{formatBytes(source.bytes)}</td>
                      <td />
                    </tr>
                  ))}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** A figure that may leave out an unsampled source's share: a lower bound, or unknown. */
function partOf(value: number, isWhole: boolean, format: (value: number) => string): string {
  if (isWhole) return format(value);
  return value > 0 ? `at least ${format(value)}` : 'unknown';
}

/** A time: unknown when a source's share is missing, a dash when no rate is known. */
function timeOf(seconds: number | null, isWhole: boolean, hasRate: boolean): string {
  if (!isWhole) return 'unknown';
  return seconds === null || !hasRate ? '—' : approxDuration(seconds);
}

/** An estimate's time, rounded as an estimate should be. */
export function approxDuration(seconds: number): string {
  if (seconds < 60) return 'under a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `about ${hours} h` : `about ${hours} h ${rest} min`;
}
