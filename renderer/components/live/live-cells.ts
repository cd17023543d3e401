/**
 * A target's vbuckets as grid cells. States differ by glyph as well as colour, so the grid reads
 * without colour: pending '·', streaming the source's node number on stripes in the source's
 * colour, done '✓', failed '✕'; a vbucket not in the target's worklist is 'not moving', blank and
 * muted.
 */
import type { CSSProperties } from 'react';
import type { VbucketState } from '../../../core/console/contract.js';
import type { GridCell } from '../vbucket-grid.js';
import { nodeColours, nodeLabel, type NodeIndex } from './cluster-nodes.js';

/** Clearwater's vbucket count; a grid shows at least this many. */
export const DEFAULT_VBUCKET_COUNT = 128;

/**
 * How many cells a target's grid has. Events name only the worklist's vbuckets, so the count is
 * the smallest power of two (vbucket counts are) that covers the highest one named, and at least
 * the default.
 */
export function gridSizeFor(vbuckets: Readonly<Record<number, unknown>> | undefined): number {
  let highest = -1;
  for (const key in vbuckets) highest = Math.max(highest, Number(key));
  let size = DEFAULT_VBUCKET_COUNT;
  while (size <= highest) size *= 2;
  return size;
}

export function cellFor(
  vbucket: number,
  state: VbucketState | undefined,
  nodes: NodeIndex,
  target: string,
): GridCell {
  if (state === undefined) {
    return {
      className: 'vb-idle',
      label: '',
      description: `vbucket ${vbucket}: not moving to ${target}`,
    };
  }
  switch (state.state) {
    case 'pending':
      return {
        className: 'vb-pending',
        label: '·',
        description: `vbucket ${vbucket}: pending`,
      };
    case 'streaming':
      return {
        className: 'vb-streaming',
        label: nodeLabel(nodes, state.source),
        description: `vbucket ${vbucket}: streaming from node ${nodeLabel(nodes, state.source)} (${state.source})`,
        style: sourceStyle(nodes, state.source),
      };
    case 'done':
      return {
        className: 'vb-done',
        label: '✓',
        description: `vbucket ${vbucket}: done, from node ${nodeLabel(nodes, state.source)} (${state.source})`,
        style: sourceStyle(nodes, state.source),
      };
    case 'failed':
      return {
        className: 'vb-failed',
        label: '✕',
        description: `vbucket ${vbucket}: failed: ${state.reason}`,
      };
  }
}

// Custom properties, read by 60-live.css: the stripes and the done cell's edge take the source's
// colour, while the stylesheet keeps the pattern.
function sourceStyle(nodes: NodeIndex, source: string): CSSProperties {
  const { fill, text } = nodeColours(nodes, source);
  return { '--node-colour': fill, '--node-text': text } as CSSProperties;
}

/**
 * Builds a target's cells again after each change, reusing the cell object of every vbucket whose
 * state object is the one it had last time (the store copies a target's record per batch but keeps
 * the states it did not change): the grid's memoised cells then re-render only where a state moved.
 */
export function createCellBuilder(
  nodes: NodeIndex,
  target: string,
): (size: number, vbuckets: Readonly<Record<number, VbucketState>> | undefined) => GridCell[] {
  let states: (VbucketState | undefined)[] = [];
  let cells: GridCell[] = [];
  return (size, vbuckets) => {
    const nextStates = new Array<VbucketState | undefined>(size);
    const nextCells = new Array<GridCell>(size);
    for (let vbucket = 0; vbucket < size; vbucket++) {
      const state = vbuckets?.[vbucket];
      const previous = cells[vbucket];
      nextStates[vbucket] = state;
      nextCells[vbucket] =
        previous !== undefined && states[vbucket] === state
          ? previous
          : cellFor(vbucket, state, nodes, target);
    }
    states = nextStates;
    cells = nextCells;
    return nextCells;
  };
}
