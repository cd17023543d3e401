/**
 * Every vbucket as a cell of one grid: the overview colours cells by owner, the live view by
 * resync state. Cells are plain elements with one listener on the grid (1,024 cells must not mean
 * 1,024 handlers), and the grid re-renders only when its cells array or selection changes, so
 * callers memoise `cells`; each cell re-renders only when its own cell object changes, so callers
 * that update a few vbuckets reuse the other cell objects.
 */
import { memo, type CSSProperties, type KeyboardEvent, type MouseEvent } from 'react';

/**
 * The grid's columns for a count of vbuckets: every grid of the console has the same shape, so that
 * a vbucket sits in the same place on the overview, the resync preview and the live view (128 are
 * 8 rows of 16). Past 256 the rows would run off the screen, so they widen.
 */
export function gridColumnsFor(count: number): number {
  if (count <= 256) return 16;
  if (count <= 1024) return 32;
  return 64;
}

export interface GridCell {
  /** A class for the cell (its state or owner): styles live in the screens' stylesheets. */
  readonly className: string;
  /** Text inside the cell, a glyph or a node number: colour is never the only sign. */
  readonly label: string;
  /** What a screen reader and the tooltip say. */
  readonly description: string;
  /** Colours set from data (a node's colour); the CSP allows these, they are set through the DOM. */
  readonly style?: CSSProperties;
}

export interface VbucketGridProps {
  readonly cells: readonly GridCell[];
  readonly label: string;
  readonly selected?: number | null;
  onSelect?(vbucket: number): void;
  onHover?(vbucket: number | null): void;
}

export const VbucketGrid = memo(function VbucketGrid(props: VbucketGridProps) {
  const { cells, label, selected = null, onSelect, onHover } = props;
  const vbucketAt = (event: MouseEvent | KeyboardEvent): number | null => {
    const cell = (event.target as HTMLElement).closest<HTMLElement>('[data-vbucket]');
    return cell === null ? null : Number(cell.dataset['vbucket']);
  };
  return (
    <div
      className="vbucket-grid"
      role="grid"
      aria-label={label}
      data-count={cells.length}
      // Read by 20-vbucket-grid.css; set through the DOM, which the CSP allows.
      style={{ '--grid-columns': gridColumnsFor(cells.length) } as CSSProperties}
      onClick={(event) => {
        const vbucket = vbucketAt(event);
        if (vbucket !== null) onSelect?.(vbucket);
      }}
      onKeyDown={(event) => {
        if (event.key !== 'Enter' && event.key !== ' ') return;
        const vbucket = vbucketAt(event);
        if (vbucket === null) return;
        event.preventDefault();
        onSelect?.(vbucket);
      }}
      onMouseOver={onHover === undefined ? undefined : (event) => onHover(vbucketAt(event))}
      onMouseLeave={onHover === undefined ? undefined : () => onHover(null)}
    >
      {cells.map((cell, vbucket) => (
        <Cell
          key={vbucket}
          cell={cell}
          vbucket={vbucket}
          tabIndex={onSelect === undefined ? undefined : vbucket === (selected ?? 0) ? 0 : -1}
          isSelected={selected === vbucket}
        />
      ))}
    </div>
  );
});

// Memoised, so a new cells array that reuses most cell objects re-renders only the cells that
// changed: a live grid of 1,024 vbuckets gets a few new states per batch, not 1,024.
const Cell = memo(function Cell(props: {
  readonly cell: GridCell;
  readonly vbucket: number;
  readonly tabIndex: number | undefined;
  readonly isSelected: boolean;
}) {
  const { cell, vbucket, tabIndex, isSelected } = props;
  return (
    <div
      role="gridcell"
      tabIndex={tabIndex}
      data-vbucket={vbucket}
      className={`vbucket-cell ${cell.className}`}
      style={cell.style}
      title={cell.description}
      aria-label={cell.description}
      aria-selected={isSelected}
    >
      {cell.label}
    </div>
  );
});
