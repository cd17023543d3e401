/**
 * The vbucket allocation map: every vbucket by its current owners, with a legend and a side panel
 * that shows the hovered (or selected) vbucket's replicas now and after the resize, and where
 * reads and writes go meanwhile.
 */
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { PlanJson } from '../../../core/console/contract.js';
import { nodeIndexes, nodeOrder, resizeRole, roleLabel } from '../node-order.js';
import { NodeTag } from '../node-tag.js';
import { gridColumnsFor, VbucketGrid } from '../vbucket-grid.js';
import { ownerCells, type ColourBy } from './owner-cells.js';

export function VbucketMap(props: {
  readonly plan: PlanJson;
  readonly downNodes: ReadonlySet<string>;
  /** The vbucket shown in the side panel at first (tests; the page starts with none). */
  readonly initialSelected?: number | null;
}) {
  const { plan, downNodes, initialSelected = null } = props;
  const indexes = useMemo(() => nodeIndexes(plan.servers, plan.newServers), [plan]);
  const [colourBy, setColourBy] = useState<ColourBy>('primary');
  const [selected, setSelected] = useState<number | null>(initialSelected);
  const [hovered, setHovered] = useState<number | null>(null);
  const gridBox = useRef<HTMLDivElement>(null);
  const cells = useMemo(
    () => ownerCells(plan.vbuckets, indexes, colourBy, downNodes),
    [plan, indexes, colourBy, downNodes],
  );
  const shown = hovered ?? selected;
  const vbucket = shown === null ? undefined : plan.vbuckets[shown];
  const movingCount = plan.vbuckets.filter((v) => v.moving).length;
  const isResizing = plan.newServers.length > 0;

  // The grid handles Enter and Space; arrow keys move the selection, and focus with it.
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = arrowStep(event.key, gridColumnsFor(plan.vbuckets.length));
    if (step === undefined) return;
    event.preventDefault();
    const from = selected ?? 0;
    const next = Math.min(plan.vbuckets.length - 1, Math.max(0, from + step));
    setSelected(next);
    requestAnimationFrame(() =>
      gridBox.current?.querySelector<HTMLElement>(`[data-vbucket="${next}"]`)?.focus(),
    );
  };

  return (
    <section className="panel vbucket-map" aria-labelledby="vbucket-map-heading">
      <div className="section-head">
        <h2 id="vbucket-map-heading">vbucket allocation</h2>
        <p className="muted">
          {plan.vbuckets.length} vbuckets
          {isResizing ? `, ${movingCount} move in the resize` : ', no resize planned'}
        </p>
        <fieldset className="segmented">
          <legend>Colour by</legend>
          {(['primary', 'backup'] as const).map((choice) => (
            <label key={choice}>
              <input
                type="radio"
                name="colour-by"
                value={choice}
                checked={colourBy === choice}
                onChange={() => setColourBy(choice)}
              />
              {choice === 'primary' ? 'Primary' : 'Backup'}
            </label>
          ))}
        </fieldset>
      </div>
      <div className="map-body">
        <div className="map-grid" ref={gridBox} onKeyDown={onKeyDown}>
          <VbucketGrid
            cells={cells}
            label={`vbuckets coloured and numbered by their ${colourBy} owner`}
            selected={selected}
            onSelect={(id) => setSelected((current) => (current === id ? null : id))}
            onHover={setHovered}
          />
          <MapLegend plan={plan} indexes={indexes} colourBy={colourBy} downNodes={downNodes} />
        </div>
        <aside className="vbucket-detail" aria-label="vbucket details" aria-live="polite">
          {vbucket === undefined ? (
            <p className="muted">
              Point at a vbucket, or select one (click, or Enter on the map), to see its replicas
              now and after the resize, and where reads and writes go.
            </p>
          ) : (
            <VbucketDetail
              vbucket={vbucket}
              plan={plan}
              indexes={indexes}
              downNodes={downNodes}
              how={hovered === null ? 'selected' : 'pointed at'}
            />
          )}
        </aside>
      </div>
    </section>
  );
}

/** Arrow keys move by one cell or one row of the grid. */
function arrowStep(key: string, columns: number): number | undefined {
  const steps: Readonly<Record<string, number>> = {
    ArrowLeft: -1,
    ArrowRight: 1,
    ArrowUp: -columns,
    ArrowDown: columns,
  };
  return steps[key];
}

function MapLegend(props: {
  readonly plan: PlanJson;
  readonly indexes: ReadonlyMap<string, number>;
  readonly colourBy: ColourBy;
  readonly downNodes: ReadonlySet<string>;
}) {
  const { plan, indexes, colourBy, downNodes } = props;
  const counts = useMemo(() => {
    const primary = new Map<string, number>();
    const backup = new Map<string, number>();
    for (const vbucket of plan.vbuckets) {
      const [first, second] = vbucket.current;
      if (first !== undefined) primary.set(first, (primary.get(first) ?? 0) + 1);
      if (second !== undefined) backup.set(second, (backup.get(second) ?? 0) + 1);
    }
    return { primary, backup };
  }, [plan]);
  const other = colourBy === 'primary' ? 'backup' : 'primary';
  return (
    <div className="map-legend">
      <ul className="legend-nodes" aria-label="Nodes">
        {nodeOrder(plan.servers, plan.newServers).map((node) => (
          <li key={node}>
            <NodeTag node={node} index={indexes.get(node)} showAddress />
            <span className="muted">
              {roleLabel(resizeRole(plan.servers, plan.newServers, node))}
              {', '}
              primary for {counts.primary.get(node) ?? 0}, backup for {counts.backup.get(node) ?? 0}
            </span>
            {downNodes.has(node) && (
              <span className="flag flag-bad">
                <span aria-hidden="true">✕ </span>DOWN
              </span>
            )}
          </li>
        ))}
      </ul>
      <ul className="legend-keys" aria-label="Marks">
        <li>
          <span className="key-swatch key-stripe" aria-hidden="true" />
          foot stripe: the {other}, by colour and number
        </li>
        <li>
          <span className="key-swatch key-moving" aria-hidden="true" />
          corner notch: moves in the resize
        </li>
        <li>
          <span className="key-swatch key-down" aria-hidden="true" />
          hatched: a current replica is down
        </li>
      </ul>
    </div>
  );
}

function VbucketDetail(props: {
  readonly vbucket: PlanJson['vbuckets'][number];
  readonly plan: PlanJson;
  readonly indexes: ReadonlyMap<string, number>;
  readonly downNodes: ReadonlySet<string>;
  readonly how: 'selected' | 'pointed at';
}) {
  const { vbucket, plan, indexes, downNodes, how } = props;
  const replicaNames = ['primary', 'backup'];
  const replicaList = (nodes: readonly string[]) => (
    <ol className="replica-list">
      {nodes.map((node, position) => (
        <li key={`${position} ${node}`}>
          <NodeTag node={node} index={indexes.get(node)} showAddress />
          <span className="muted"> {replicaNames[position] ?? `replica ${position + 1}`}</span>
          {downNodes.has(node) && (
            <span className="flag flag-bad">
              {' '}
              <span aria-hidden="true">✕ </span>DOWN
            </span>
          )}
        </li>
      ))}
    </ol>
  );
  const nodeList = (nodes: readonly string[]) => (
    <ul className="replica-list">
      {nodes.map((node) => (
        <li key={node}>
          <NodeTag node={node} index={indexes.get(node)} showAddress />
        </li>
      ))}
    </ul>
  );
  return (
    <>
      <h3>
        vbucket {vbucket.id} <span className="muted detail-how">({how})</span>
      </h3>
      <p className={vbucket.moving ? 'flag flag-warn' : 'muted'}>
        {plan.newServers.length === 0
          ? 'No resize planned.'
          : vbucket.moving
            ? 'Moves in the resize: its replicas change.'
            : 'Stays on the same nodes in the resize.'}
      </p>
      <dl className="vbucket-facts">
        <dt>Replicas now</dt>
        <dd>{replicaList(vbucket.current)}</dd>
        <dt>After the resize</dt>
        <dd>
          {vbucket.new === null ? (
            <span className="muted">no resize planned</span>
          ) : (
            replicaList(vbucket.new)
          )}
        </dd>
        <dt>Reads try</dt>
        <dd>{nodeList(vbucket.read)}</dd>
        <dt>Writes go to</dt>
        <dd>{nodeList(vbucket.write)}</dd>
      </dl>
    </>
  );
}
