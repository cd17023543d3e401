/** One line of the activity log's table. */
import type { ActivityEntry } from '../../../core/console/contract.js';
import { formatTime } from '../format-time.js';

// [glyph, word]: colour is never the only sign of an outcome.
const OUTCOMES: Readonly<Record<ActivityEntry['outcome'], readonly [string, string]>> = {
  started: ['▶', 'started'],
  succeeded: ['✓', 'succeeded'],
  failed: ['✕', 'failed'],
  cancelled: ['⊘', 'cancelled'],
  refused: ['⊗', 'refused'],
  info: ['i', 'info'],
};

export function ActivityRow(props: {
  readonly entry: ActivityEntry;
  readonly clusterName: string | undefined;
  readonly isRemoved: boolean;
}) {
  const { entry, clusterName, isRemoved } = props;
  const [glyph, word] = OUTCOMES[entry.outcome];
  // The cluster stays on one line (cut short with its whole name on hover) so that a long name
  // does not stand every row four lines tall.
  const clusterText =
    entry.clusterId === undefined
      ? undefined
      : (clusterName ?? `${entry.clusterId}${isRemoved ? ' (removed)' : ''}`);
  return (
    <tr className={`activity-row outcome-row-${entry.outcome}`}>
      <td className="activity-time">
        <time dateTime={entry.at}>{formatTime(entry.at)}</time>
      </td>
      <td>
        {clusterText === undefined ? (
          <span className="muted">—</span>
        ) : (
          <span
            className={
              clusterName === undefined ? 'activity-cluster muted mono' : 'activity-cluster'
            }
            title={clusterText}
          >
            {clusterText}
          </span>
        )}
      </td>
      <td className="mono activity-node">{entry.node ?? <span className="muted">—</span>}</td>
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
