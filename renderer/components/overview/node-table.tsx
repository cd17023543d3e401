/**
 * Every node of a cluster as the last connection test found it: reachable or why not, what
 * memcached says about itself, whether it can be a resync source, whether it lost its data since
 * its last resync, and (with a profile) whether its cluster_settings agrees with the others'.
 */
import { DIALECT_LABELS } from '../../../core/memcached/dialect.js';
import type { ClusterStatusReport, SurveyedNode } from '../../../core/console/contract.js';
import { formatBytes, formatCount } from '../../../core/util/format-units.js';
import { formatTime } from '../format-time.js';
import { roleLabel } from '../node-order.js';
import { NodeTag } from '../node-tag.js';

const NO_TAG_RECORD_SHORT = 'no tag record';
const NO_TAG_RECORD_REASON = 'restarted or never resynced; needs a full resync';
/** What a node without the tag record of its last resync is flagged with. */
export const NO_TAG_RECORD = `${NO_TAG_RECORD_SHORT}: ${NO_TAG_RECORD_REASON}`;
export const NEVER_RESYNCED = 'never resynced by Astaire';

/**
 * Whether a node's missing tag record means it lost data: only once Astaire has resynced this
 * cluster (some node holds a tag record), and not for a node joining it (it never held data; its
 * resync fills it). A cluster never resynced has no tag records anywhere, and that is no alarm.
 */
function hasLostItsTag(node: SurveyedNode, wasResynced: boolean): boolean {
  return node.isReachable && node.tag === null && wasResynced && node.role !== 'joining';
}

function wasResyncedBefore(report: ClusterStatusReport): boolean {
  return report.nodes.some((node) => node.tag !== null && node.tag !== undefined);
}

/** Memory use from which a node is flagged: a resync into it may start evicting. */
const HIGH_MEMORY = 0.9;

export function NodeTable(props: {
  readonly clusterName: string;
  readonly report: ClusterStatusReport;
  readonly indexes: ReadonlyMap<string, number>;
}) {
  const { clusterName, report, indexes } = props;
  const hasSettingsCheck = isSettingsChecked(report);
  const wasResynced = wasResyncedBefore(report);
  return (
    <>
      <NodeSummary report={report} hasSettingsCheck={hasSettingsCheck} />
      <div className="table-scroll">
        <table className="node-table">
          <caption>Nodes of {clusterName}</caption>
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">Role</th>
              <th scope="col">Connection</th>
              <th scope="col" className="number">
                Items
              </th>
              <th scope="col">Memory</th>
              <th scope="col">Last resync</th>
              {hasSettingsCheck && <th scope="col">cluster_settings</th>}
            </tr>
          </thead>
          <tbody>
            {report.nodes.map((node) => (
              <NodeRow
                key={node.node}
                node={node}
                index={indexes.get(node.node)}
                hasSettingsCheck={hasSettingsCheck}
                hasLostItsTag={hasLostItsTag(node, wasResynced)}
              />
            ))}
          </tbody>
        </table>
      </div>
      {!hasSettingsCheck && (
        <p className="hint">
          The nodes' own cluster_settings files are not compared: this cluster has no profile to
          read them over SSH. Edit the cluster to add one.
        </p>
      )}
    </>
  );
}

/** Whether the service read the nodes' cluster_settings (only a profile lets it). */
function isSettingsChecked(report: ClusterStatusReport): boolean {
  return (
    report.settingsAgree !== undefined ||
    report.nodes.some(
      (node) => node.settingsAgree !== undefined || node.clusterSettings !== undefined,
    )
  );
}

/** The few facts an operator needs first, each with a glyph as well as a colour. */
function NodeSummary(props: {
  readonly report: ClusterStatusReport;
  readonly hasSettingsCheck: boolean;
}) {
  const { report, hasSettingsCheck } = props;
  const total = report.nodes.length;
  const down = report.nodes.filter((node) => !node.isReachable).length;
  const wasResynced = wasResyncedBefore(report);
  const untagged = report.nodes.filter((node) => hasLostItsTag(node, wasResynced)).length;
  const noDumps = report.nodes.filter((node) => node.allowsDumps === false).length;
  const nodes = (n: number) => `${n} ${n === 1 ? 'node' : 'nodes'}`;
  return (
    <ul className="node-summary" aria-label="Summary">
      {down === 0 ? (
        <li className="fact fact-good">
          <span aria-hidden="true">✓</span> {total === 1 ? 'The node is' : `All ${total} nodes`}{' '}
          reachable
        </li>
      ) : (
        <li className="fact fact-bad">
          <span aria-hidden="true">✕</span> {nodes(down)} of {total} down
        </li>
      )}
      {untagged > 0 && (
        <li className="fact fact-warn">
          <span aria-hidden="true">⚠</span> {nodes(untagged)} without a tag record: needs a full
          resync
        </li>
      )}
      {noDumps > 0 && (
        <li className="fact fact-warn">
          <span aria-hidden="true">⚠</span> {nodes(noDumps)} cannot be a resync source (dumps off)
        </li>
      )}
      {hasSettingsCheck &&
        (report.settingsAgree === true ? (
          <li className="fact fact-good">
            <span aria-hidden="true">✓</span> cluster_settings agree on every node
          </li>
        ) : (
          <li className="fact fact-bad">
            <span aria-hidden="true">✕</span> cluster_settings do not agree (or could not be read)
          </li>
        ))}
    </ul>
  );
}

function NodeRow(props: {
  readonly hasLostItsTag: boolean;
  readonly node: SurveyedNode;
  readonly index: number | undefined;
  readonly hasSettingsCheck: boolean;
}) {
  const { node, index, hasSettingsCheck } = props;
  const unknown = <span className="muted">—</span>;
  return (
    <tr className={node.isReachable ? undefined : 'node-down'}>
      <th scope="row">
        <NodeTag node={node.node} index={index} showAddress />
      </th>
      <td>{roleLabel(node.role)}</td>
      <td>
        {node.isReachable ? (
          <>
            <span className="state state-up">
              <span aria-hidden="true">✓ </span>reachable
            </span>
            <span className="reason">
              {node.dialect === undefined ? 'memcached' : DIALECT_LABELS[node.dialect]}
              {node.version === undefined ? ', version unknown' : ` ${node.version}`}
              {node.allowsDumps === true &&
                (node.dialect === 'clearwater' ? ', TAP dumps' : ', dumps allowed')}
            </span>
            {node.allowsDumps === false && (
              <span className="flag flag-bad">
                <span aria-hidden="true">✕ </span>dumps refused:
                <span className="reason">
                  memcached runs with -X or without its LRU crawler, so it cannot be a resync source
                </span>
              </span>
            )}
          </>
        ) : (
          <>
            <span className="state state-down">
              <span aria-hidden="true">✕ </span>DOWN
            </span>
            <span className="reason">
              {node.error?.message ?? 'no answer, and no reason was given'}
            </span>
          </>
        )}
      </td>
      <td className="number">{node.items === undefined ? unknown : formatCount(node.items)}</td>
      <td>
        <Memory node={node} />
      </td>
      <td>
        {node.tag === undefined ? (
          unknown
        ) : node.tag === null && props.hasLostItsTag ? (
          <span className="flag flag-warn">
            <span aria-hidden="true">⚠ </span>
            {NO_TAG_RECORD_SHORT}:<span className="reason">{NO_TAG_RECORD_REASON}</span>
          </span>
        ) : node.tag === null ? (
          <span className="muted">{NEVER_RESYNCED}</span>
        ) : (
          <>
            {node.tag.full ? 'full' : 'minimal'} resync
            <span className="reason">{formatTime(node.tag.resyncedAt)}</span>
          </>
        )}
      </td>
      {hasSettingsCheck && (
        <td>
          <NodeSettings node={node} />
        </td>
      )}
    </tr>
  );
}

/** Memory in use against memcached's limit, and its evictions (a sign it is short of memory). */
function Memory({ node }: { readonly node: SurveyedNode }) {
  if (node.bytes === undefined) return <span className="muted">—</span>;
  const hasLimit = node.maxBytes !== undefined && node.maxBytes > 0;
  const share = hasLimit ? Math.min(1, node.bytes / (node.maxBytes ?? 1)) : 0;
  const isHigh = share >= HIGH_MEMORY;
  return (
    <span className={`memory${isHigh ? ' memory-high' : ''}`}>
      <span className="memory-text">
        {isHigh && <span aria-hidden="true">⚠ </span>}
        {formatBytes(node.bytes)}
        {hasLimit && ` of ${formatBytes(node.maxBytes ?? 0)}`}
      </span>
      {hasLimit && (
        <span className="memory-bar" aria-hidden="true">
          <span style={{ width: `${(share * 100).toFixed(1)}%` }} />
        </span>
      )}
      {node.evictions !== undefined &&
        (node.evictions > 0 ? (
          <span
            className="flag flag-warn evictions"
            title="memcached has evicted items since it started: it is short of memory"
          >
            <span aria-hidden="true">⚠ </span>
            {formatCount(node.evictions)} {node.evictions === 1 ? 'eviction' : 'evictions'}
          </span>
        ) : (
          <span className="reason">no evictions</span>
        ))}
    </span>
  );
}

function NodeSettings({ node }: { readonly node: SurveyedNode }) {
  if (node.clusterSettings === undefined && node.settingsError === undefined) {
    return <span className="muted">—</span>;
  }
  if (node.clusterSettings === null || node.clusterSettings === undefined) {
    return (
      <span className="flag flag-bad">
        <span aria-hidden="true">✕ </span>could not be read
        {node.settingsError !== undefined && (
          <span className="reason">{node.settingsError.message}</span>
        )}
      </span>
    );
  }
  const { servers, newServers } = node.clusterSettings;
  return (
    <details className="node-settings">
      <summary>
        {node.settingsAgree === true ? (
          <span className="flag flag-good">
            <span aria-hidden="true">✓ </span>agrees
          </span>
        ) : (
          <span className="flag flag-bad">
            <span aria-hidden="true">✕ </span>differs
          </span>
        )}
      </summary>
      {node.settingsAgree !== true && <p>Not what the other nodes hold. This node holds:</p>}
      <p className="mono">servers={servers.join(',')}</p>
      <p className="mono">
        {newServers.length === 0 ? 'no new_servers' : `new_servers=${newServers.join(',')}`}
      </p>
    </details>
  );
}
