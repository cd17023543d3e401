/**
 * The allocation map's cells: each vbucket coloured and numbered by one of its current replicas
 * (the primary, or the backup), the other as a numbered stripe along the cell's foot, a corner notch
 * on vbuckets that move in the resize, and hatching where a current replica is down.
 */
import type { CSSProperties } from 'react';
import type { PlanJson } from '../../../core/console/contract.js';
import { nodeColour, nodeNumber, nodeTextColour } from '../node-colours.js';
import type { GridCell } from '../vbucket-grid.js';

export type ColourBy = 'primary' | 'backup';

type StripeProperty = '--stripe' | '--stripe-label' | '--stripe-text';

/** A node in no list of the cluster (cannot happen with a fresh plan): grey, numbered "?". */
const UNKNOWN_COLOUR = '#999999';

export function ownerCells(
  vbuckets: PlanJson['vbuckets'],
  indexes: ReadonlyMap<string, number>,
  colourBy: ColourBy,
  downNodes: ReadonlySet<string>,
): GridCell[] {
  return vbuckets.map((vbucket) => {
    const primary = vbucket.current[0];
    const backup = vbucket.current[1];
    const [shown, other] =
      colourBy === 'primary' ? [primary, backup] : [backup ?? primary, primary];
    const shownIndex = shown === undefined ? undefined : indexes.get(shown);
    const otherIndex = other === undefined ? undefined : indexes.get(other);
    const down = vbucket.current.filter((node) => downNodes.has(node));
    const classes = ['owner-cell'];
    if (vbucket.moving) classes.push('is-moving');
    if (down.length > 0) classes.push('replica-down');
    const style: CSSProperties & Record<StripeProperty, string> = {
      // The colour alone, not the background shorthand: the hatching of a down replica is an image.
      backgroundColor: shownIndex === undefined ? UNKNOWN_COLOUR : nodeColour(shownIndex),
      color: shownIndex === undefined ? '#111111' : nodeTextColour(shownIndex),
      '--stripe': otherIndex === undefined ? 'transparent' : nodeColour(otherIndex),
      // The stripe carries the other replica's number too, so it is not told by colour alone.
      '--stripe-label': otherIndex === undefined ? '""' : JSON.stringify(nodeNumber(otherIndex)),
      '--stripe-text': otherIndex === undefined ? 'transparent' : nodeTextColour(otherIndex),
    };
    return {
      className: classes.join(' '),
      label: shownIndex === undefined ? '?' : nodeNumber(shownIndex),
      description: describeVbucket(vbucket, indexes, down),
      style,
    };
  });
}

/** One vbucket in words: what the tooltip and a screen reader say. */
export function describeVbucket(
  vbucket: PlanJson['vbuckets'][number],
  indexes: ReadonlyMap<string, number>,
  down: readonly string[] = [],
): string {
  const name = (node: string | undefined) => {
    if (node === undefined) return 'none';
    const index = indexes.get(node);
    return `node ${index === undefined ? '?' : nodeNumber(index)} (${node})`;
  };
  const parts = [`vbucket ${vbucket.id}: primary ${name(vbucket.current[0])}`];
  if (vbucket.current.length > 1) parts.push(`backup ${name(vbucket.current[1])}`);
  if (vbucket.moving) parts.push('moves in the resize');
  if (down.length > 0) parts.push(`DOWN: ${down.map(name).join(', ')}`);
  return parts.join(', ');
}
