/**
 * The activity log: every action the console took or refused, newest first, filtered to the
 * selected cluster or failures, and exported as JSON Lines or CSV.
 */
import { useEffect, useId, useMemo, useState } from 'react';
import type { ActivityEntry } from '../../../core/console/contract.js';
import { selectActivity } from '../../store/activity-slice.js';
import { selectClusters, selectSelectedCluster } from '../../store/clusters-slice.js';
import { useConsole, useConsoleClient } from '../console-context.js';
import { formatTime } from '../format-time.js';
import { fileDate, saveTextFile } from '../save-file.js';
import { toCsv, toJsonLines, type ClusterNameOf } from './activity-export.js';

/** Rows drawn at first: the log holds up to 5,000, and a table that long is slow to draw. */
const PAGE = 500;

// [glyph, word]: colour is never the only sign of an outcome.
const OUTCOMES: Readonly<Record<ActivityEntry['outcome'], readonly [string, string]>> = {
  started: ['▶', 'started'],
  succeeded: ['✓', 'succeeded'],
  failed: ['✕', 'failed'],
  cancelled: ['⊘', 'cancelled'],
  refused: ['⊗', 'refused'],
  info: ['i', 'info'],
};

export interface ActivityFilter {
  /** A cluster's id, or null for every cluster. */
  readonly clusterId: string | null;
  /** Only what failed or was refused. */
  readonly isFailuresOnly: boolean;
}

/** The entries `filter` lets through, newest first. */
export function filterActivity(
  entries: readonly ActivityEntry[],
  filter: ActivityFilter,
): ActivityEntry[] {
  const shown: ActivityEntry[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (entry === undefined) continue;
    if (filter.clusterId !== null && entry.clusterId !== filter.clusterId) continue;
    if (filter.isFailuresOnly && entry.outcome !== 'failed' && entry.outcome !== 'refused') {
      continue;
    }
    shown.push(entry);
  }
  return shown;
}

export function ActivityScreen() {
  const client = useConsoleClient();
  const entries = useConsole(selectActivity);
  const clusters = useConsole(selectClusters);
  const isLoadingClusters = useConsole((state) => state.isLoadingClusters);
  const selected = useConsole(selectSelectedCluster);
  const isRequested = useConsole((state) => state.isActivityRequested);
  const isLoading = useConsole((state) => state.isLoadingActivity);
  const error = useConsole((state) => state.activityError);
  const loadActivity = useConsole((state) => state.loadActivity);
  const [isAllClusters, setAllClusters] = useState(false);
  const [isFailuresOnly, setFailuresOnly] = useState(false);
  const [limit, setLimit] = useState(PAGE);
  const id = useId();

  useEffect(() => {
    if (!isRequested) void loadActivity(client);
  }, [isRequested, client, loadActivity]);

  const clusterId = isAllClusters || selected === undefined ? null : selected.id;
  const shown = useMemo(
    () => filterActivity(entries, { clusterId, isFailuresOnly }),
    [entries, clusterId, isFailuresOnly],
  );
  const clusterNameOf: ClusterNameOf = (wanted) =>
    clusters.find((cluster) => cluster.id === wanted)?.name;
  // Until the clusters are listed, an unknown id is not yet a removed cluster.
  const isRemoved = (wanted: string) => !isLoadingClusters && clusterNameOf(wanted) === undefined;
  // A log file reads oldest first, as it was written; the table shows the newest on top.
  const save = (kind: 'jsonl' | 'csv') => {
    const name = `astaire-activity-${fileDate()}.${kind}`;
    const inOrder = [...shown].reverse();
    if (kind === 'csv') saveTextFile(name, toCsv(inOrder, clusterNameOf), 'text/csv');
    else saveTextFile(name, toJsonLines(inOrder, clusterNameOf), 'application/x-ndjson');
  };

  return (
    <section className="panel activity" aria-labelledby={`${id}-heading`} aria-busy={isLoading}>
      <div className="section-head">
        <h2 id={`${id}-heading`}>Activity</h2>
        <p className="muted" aria-live="polite">
          {isLoading
            ? 'Loading…'
            : `${shown.length} of ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}`}
        </p>
      </div>
      <div className="activity-tools">
        <fieldset className="activity-filter">
          <legend>Show</legend>
          <label>
            <input
              type="radio"
              name={`${id}-cluster`}
              checked={clusterId !== null}
              disabled={selected === undefined}
              onChange={() => setAllClusters(false)}
            />{' '}
            {selected === undefined ? 'The selected cluster' : selected.name}
          </label>
          <label>
            <input
              type="radio"
              name={`${id}-cluster`}
              checked={clusterId === null}
              onChange={() => setAllClusters(true)}
            />{' '}
            All clusters
          </label>
          <label>
            <input
              type="checkbox"
              checked={isFailuresOnly}
              onChange={(event) => setFailuresOnly(event.target.checked)}
            />{' '}
            Failures and refusals only
          </label>
        </fieldset>
        <div className="activity-export">
          <button type="button" onClick={() => save('jsonl')} disabled={shown.length === 0}>
            Export JSON Lines
          </button>
          <button type="button" onClick={() => save('csv')} disabled={shown.length === 0}>
            Export CSV
          </button>
          <p className="hint">Exports the entries shown, oldest first.</p>
        </div>
      </div>
      {error !== null && (
        <div className="error" role="alert">
          Could not read the activity log: {error.message}{' '}
          <button type="button" onClick={() => void loadActivity(client)} disabled={isLoading}>
            Try again
          </button>
        </div>
      )}
      {shown.length === 0 ? (
        !isLoading && (
          <p className="muted activity-empty">
            {entries.length === 0 ? 'Nothing has happened yet.' : 'No entry matches the filter.'}
          </p>
        )
      ) : (
        <table className="node-table activity-table">
          <caption>Newest first</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Cluster</th>
              <th scope="col">Node</th>
              <th scope="col">Action</th>
              <th scope="col">Outcome</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {shown.slice(0, limit).map((entry) => (
              <ActivityRow
                key={entry.id}
                entry={entry}
                clusterName={
                  entry.clusterId === undefined ? undefined : clusterNameOf(entry.clusterId)
                }
                isRemoved={entry.clusterId !== undefined && isRemoved(entry.clusterId)}
              />
            ))}
          </tbody>
        </table>
      )}
      {shown.length > limit && (
        <button type="button" className="activity-more" onClick={() => setLimit(limit + PAGE)}>
          Show {Math.min(PAGE, shown.length - limit)} older entries ({shown.length - limit} not
          shown)
        </button>
      )}
    </section>
  );
}

function ActivityRow(props: {
  readonly entry: ActivityEntry;
  readonly clusterName: string | undefined;
  readonly isRemoved: boolean;
}) {
  const { entry, clusterName, isRemoved } = props;
  const [glyph, word] = OUTCOMES[entry.outcome];
  return (
    <tr className={`activity-row outcome-row-${entry.outcome}`}>
      <td className="activity-time">
        <time dateTime={entry.at}>{formatTime(entry.at)}</time>
      </td>
      <td>
        {entry.clusterId === undefined ? (
          <span className="muted">—</span>
        ) : clusterName === undefined ? (
          <span className="muted mono">
            {entry.clusterId}
            {isRemoved && ' (removed)'}
          </span>
        ) : (
          clusterName
        )}
      </td>
      <td className="mono">{entry.node ?? <span className="muted">—</span>}</td>
      <td>{entry.action}</td>
      <td>
        <span className={`outcome outcome-${entry.outcome}`}>
          <span aria-hidden="true">{glyph} </span>
          {word}
        </span>
      </td>
      <td className="activity-detail">{entry.detail ?? ''}</td>
    </tr>
  );
}
