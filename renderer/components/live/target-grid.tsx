import { memo, useMemo, useRef, useState } from 'react';
import { selectTargetVbuckets } from '../../store/jobs-slice.js';
import { useConsole } from '../console-context.js';
import { VbucketGrid } from '../vbucket-grid.js';
import type { NodeIndex } from './cluster-nodes.js';
import { createCellBuilder, gridSizeFor } from './live-cells.js';
import { useIsOnScreen } from './use-on-screen.js';

/**
 * One target's vbuckets. It reads only that target's record, so a batch about other targets does
 * not touch it, and rebuilds only the cells whose state changed. Scrolled out of sight it keeps
 * the cells it last drew, and catches up when it comes back.
 */
export const TargetGrid = memo(function TargetGrid(props: {
  readonly jobId: string;
  readonly target: string;
  readonly nodes: NodeIndex;
}) {
  const { jobId, target, nodes } = props;
  const box = useRef<HTMLDivElement>(null);
  const isOnScreen = useIsOnScreen(box);
  const select = useMemo(() => selectTargetVbuckets(jobId, target), [jobId, target]);
  const live = useConsole(isOnScreen ? select : selectNothing);
  const shown = useRef(live);
  if (isOnScreen) shown.current = live;
  const vbuckets = shown.current;
  const build = useMemo(() => createCellBuilder(nodes, target), [nodes, target]);
  const size = useMemo(() => gridSizeFor(vbuckets), [vbuckets]);
  const cells = useMemo(() => build(size, vbuckets), [build, size, vbuckets]);
  const [selected, setSelected] = useState<number | null>(null);
  const detail = selected === null ? undefined : cells[selected];
  return (
    <div className="target-grid" ref={box}>
      <VbucketGrid
        cells={cells}
        label={`vbuckets moving to ${target}`}
        selected={selected}
        onSelect={(vbucket) => setSelected((current) => (current === vbucket ? null : vbucket))}
      />
      <p className="vbucket-detail" aria-live="polite">
        {detail === undefined ? (
          <span className="muted">Select a vbucket to read its state.</span>
        ) : (
          detail.description
        )}
      </p>
    </div>
  );
});

const selectNothing = () => undefined;

/** What the grid's glyphs mean, once per job. */
export function GridKey() {
  return (
    <ul className="grid-key" aria-label="Grid key">
      <li>
        <span className="vbucket-cell vb-pending" aria-hidden="true">
          ·
        </span>
        pending
      </li>
      <li>
        <span className="vbucket-cell vb-streaming vb-key-source" aria-hidden="true">
          2
        </span>
        streaming from node 2
      </li>
      <li>
        <span className="vbucket-cell vb-done" aria-hidden="true">
          ✓
        </span>
        done
      </li>
      <li>
        <span className="vbucket-cell vb-failed" aria-hidden="true">
          ✕
        </span>
        failed
      </li>
      <li>
        <span className="vbucket-cell vb-idle" aria-hidden="true" />
        not moving to this target
      </li>
    </ul>
  );
}
