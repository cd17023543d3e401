/**
 * What a node failing during the resize would cost in redundancy, beyond what the same failure
 * costs without a resize (core/cluster/failure-risk.ts has the rule): only vbuckets left with fewer
 * full copies than in both steady states are listed, so a two-replica cluster's ordinary "one copy
 * left" is not shown on every node.
 */
import type { FailureRisk } from '../../../core/console/contract.js';
import { NodeTag } from '../node-tag.js';

export function RiskPanel(props: {
  readonly risk: FailureRisk;
  readonly indexes: ReadonlyMap<string, number>;
}) {
  const { risk, indexes } = props;
  const atRisk = risk.ifNodeFails.filter(
    (entry) => entry.singleCopy.length > 0 || entry.noCopy.length > 0,
  );
  const hasNoCopy = atRisk.some((entry) => entry.noCopy.length > 0);
  return (
    <section className="panel risk" aria-labelledby="risk-heading">
      <h2 id="risk-heading">If a node fails during the resize</h2>
      <p className="hint">
        Until the resize ends only the current replicas hold every key (new replicas hold what has
        been streamed so far). Listed: vbuckets a failure would leave with fewer copies than the
        same failure leaves without a resize, before it or after it.
      </p>
      {atRisk.length === 0 ? (
        <p className="muted risk-none">
          <span aria-hidden="true">✓ </span>No node failing during this resize leaves a vbucket with
          fewer copies than it would without the resize: the clients keep writing every current
          replica until it ends.
        </p>
      ) : (
        <>
          {hasNoCopy && (
            <p className="flag flag-bad">
              <span aria-hidden="true">✕ </span>Some vbuckets would be left with no full copy:
              losing that node loses their data.
            </p>
          )}
          <div className="table-scroll">
            <table className="data-table risk-table">
              <caption className="visually-hidden">vbuckets left short if each node failed</caption>
              <thead>
                <tr>
                  <th scope="col">If this node fails</th>
                  <th scope="col">Left with one copy</th>
                  <th scope="col">Left with no copy</th>
                </tr>
              </thead>
              <tbody>
                {atRisk.map((entry) => (
                  <tr key={entry.node}>
                    <th scope="row">
                      <NodeTag node={entry.node} index={indexes.get(entry.node)} showAddress />
                    </th>
                    <td>
                      <VbucketList vbuckets={entry.singleCopy} severity="warn" />
                    </td>
                    <td>
                      <VbucketList vbuckets={entry.noCopy} severity="bad" />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <h3>Moving to new nodes only</h3>
      {risk.fullyRehomed.length === 0 ? (
        <p className="muted">
          Every moving vbucket keeps at least one of its current replicas: none depends on the
          stream alone.
        </p>
      ) : (
        <>
          <p>
            <strong>{risk.fullyRehomed.length}</strong>{' '}
            {risk.fullyRehomed.length === 1 ? 'vbucket moves' : 'vbuckets move'} to nodes none of
            which holds {risk.fullyRehomed.length === 1 ? 'it' : 'them'} now: until streamed, only
            the old replicas have the data, so do not stop them early.
          </p>
          <VbucketList vbuckets={risk.fullyRehomed} severity="warn" />
        </>
      )}
    </section>
  );
}

/** A count that opens into the list of vbuckets. */
function VbucketList(props: {
  readonly vbuckets: readonly number[];
  readonly severity: 'warn' | 'bad';
}) {
  const { vbuckets, severity } = props;
  if (vbuckets.length === 0) return <span className="muted">none</span>;
  return (
    <details className="vbucket-list">
      <summary>
        <span className={`flag flag-${severity}`}>
          <span aria-hidden="true">{severity === 'bad' ? '✕ ' : '⚠ '}</span>
          {vbuckets.length} {vbuckets.length === 1 ? 'vbucket' : 'vbuckets'}
        </span>
      </summary>
      <p className="mono vbucket-numbers">{vbuckets.join(', ')}</p>
    </details>
  );
}
