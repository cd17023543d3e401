/**
 * The activity log: every action the console took or refused, newest first, filtered to the
 * selected cluster or failures, searched by words, and exported as JSON Lines or CSV.
 */
import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import { selectActivity } from '../../store/activity-slice.js';
import { selectClusters, selectSelectedCluster } from '../../store/clusters-slice.js';
import { useConsole, useConsoleClient } from '../console-context.js';
import { fileDate, saveTextFile } from '../save-file.js';
import { toCsv, toJsonLines, type ClusterNameOf } from './activity-export.js';
import { filterActivity } from './activity-filter.js';
import { ActivityFilterFields } from './activity-filter-fields.js';
import { ActivityMore } from './activity-more.js';
import { ActivityRow } from './activity-row.js';

/** Rows drawn at first: the page holds up to 5,000, and a table that long is slow to draw. */
const PAGE = 500;

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
  const hasOlder = useConsole((state) => state.hasOlderActivity);
  const isLoadingOlder = useConsole((state) => state.isLoadingOlderActivity);
  const loadOlderActivity = useConsole((state) => state.loadOlderActivity);
  const [isAllClusters, setAllClusters] = useState(false);
  const [isFailuresOnly, setFailuresOnly] = useState(false);
  const [text, setText] = useState('');
  const [limit, setLimit] = useState(PAGE);
  const id = useId();

  useEffect(() => {
    if (!isRequested) void loadActivity(client);
  }, [isRequested, client, loadActivity]);

  const clusterId = isAllClusters || selected === undefined ? null : selected.id;
  const clusterNameOf: ClusterNameOf = useCallback(
    (wanted) => clusters.find((cluster) => cluster.id === wanted)?.name,
    [clusters],
  );
  const shown = useMemo(
    () => filterActivity(entries, { clusterId, isFailuresOnly, text }, clusterNameOf),
    [entries, clusterId, isFailuresOnly, text, clusterNameOf],
  );
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
        <ActivityFilterFields
          selectedName={selected?.name}
          isAllClusters={clusterId === null}
          onAllClusters={setAllClusters}
          isFailuresOnly={isFailuresOnly}
          onFailuresOnly={setFailuresOnly}
          text={text}
          onText={setText}
        />
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
        <div className="table-scroll">
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
        </div>
      )}
      <ActivityMore
        matching={shown.length}
        drawn={limit}
        pageRows={PAGE}
        onDrawMore={() => setLimit(limit + PAGE)}
        hasOlder={hasOlder && !isLoading}
        isLoadingOlder={isLoadingOlder}
        onLoadOlder={() => void loadOlderActivity(client)}
      />
    </section>
  );
}
