/**
 * What a node failing during the resize would cost in redundancy. Until a moving vbucket has been
 * streamed its new replicas hold only part of it, so only the current replicas count as copies.
 */
import type { FailureRisk } from '../../../core/console/contract.js';
import { NodeTag } from '../node-tag.js';

export function RiskPanel(props: {
  readonly risk: FailureRisk;
  readonly indexes: ReadonlyMap<string, number>;
}) {
  const { risk, indexes } = props;
  const hasNoCopy = risk.ifNodeFails.some((entry) => entry.noCopy.length > 0);
  return (
    <section className="panel risk" aria-labelledby="risk-heading">
      <h2 id="risk-heading">If a node fails during the resize</h2>
      <p className="hint">
        New replicas hold only what has been streamed so far, so until the resize ends only the
        current replicas count as copies.
      </p>
      {hasNoCopy && (
        <p className="flag flag-bad">
          <span aria-hidden="true">✕ </span>Some vbuckets have one copy only: losing its node loses
          their data.
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
            {risk.ifNodeFails.map((entry) => (
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
