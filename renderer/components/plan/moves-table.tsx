/** Every vbucket's replicas now and after the resize, moving ones only unless asked otherwise. */
import { useId, useState } from 'react';
import type { PlanJson } from '../../../core/console/contract.js';
import { NodeTags } from '../node-tag.js';
import { vbucketChange } from './plan-summary.js';

export function MovesTable(props: {
  readonly plan: PlanJson;
  readonly indexes: ReadonlyMap<string, number>;
}) {
  const { plan, indexes } = props;
  const [isMovingOnly, setMovingOnly] = useState(true);
  const id = useId();
  const rows = isMovingOnly ? plan.vbuckets.filter((v) => v.moving) : plan.vbuckets;
  return (
    <section className="panel moves" aria-labelledby={`${id}-heading`}>
      <div className="section-head">
        <h2 id={`${id}-heading`}>vbucket moves</h2>
        <label className="check">
          <input
            type="checkbox"
            checked={isMovingOnly}
            onChange={(event) => setMovingOnly(event.target.checked)}
          />
          Moving only
        </label>
      </div>
      <p className="muted" aria-live="polite">
        Showing {rows.length} of {plan.vbuckets.length} vbuckets. Replicas are listed primary first.
      </p>
      <div className="table-scroll moves-scroll">
        <table className="data-table moves-table">
          <caption className="visually-hidden">Replicas of each vbucket, now and after</caption>
          <thead>
            <tr>
              <th scope="col" className="number">
                vbucket
              </th>
              <th scope="col">Now</th>
              <th scope="col">After</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((vbucket) => {
              const change = vbucketChange(vbucket);
              return (
                <tr key={vbucket.id} className={vbucket.moving ? 'is-moving' : undefined}>
                  <th scope="row" className="number">
                    {vbucket.id}
                  </th>
                  <td>
                    <NodeTags nodes={vbucket.current} indexes={indexes} />
                  </td>
                  <td>
                    <NodeTags nodes={vbucket.new} indexes={indexes} />
                  </td>
                  <td>
                    {change.kind === 'moves' ? (
                      <span className="change">
                        <NodeTags nodes={change.leaving} indexes={indexes} />
                        <span aria-hidden="true"> → </span>
                        <span className="visually-hidden"> replaced by </span>
                        <NodeTags nodes={change.joining} indexes={indexes} />
                      </span>
                    ) : change.kind === 'swap' ? (
                      'primary and backup swap'
                    ) : (
                      <span className="muted">unchanged</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
