import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VbucketState } from '../../../../../core/console/contract.js';
import { createNodeIndex } from '../../../../../renderer/components/live/cluster-nodes.js';
import {
  cellFor,
  createCellBuilder,
  gridSizeFor,
} from '../../../../../renderer/components/live/live-cells.js';

const NODES = createNodeIndex(['a:1', 'b:1', 'c:1']);

describe('live cells', () => {
  it('gives every state its own class and glyph, and streaming the source’s number and colour', () => {
    assert.deepEqual(
      [
        cellFor(0, undefined, NODES, 't'),
        cellFor(0, { state: 'pending' }, NODES, 't'),
        cellFor(0, { state: 'streaming', source: 'c:1' }, NODES, 't'),
        cellFor(0, { state: 'done', source: 'a:1' }, NODES, 't'),
        cellFor(0, { state: 'failed', reason: 'x' }, NODES, 't'),
      ].map((cell) => [cell.className, cell.label]),
      [
        ['vb-idle', ''],
        ['vb-pending', '·'],
        ['vb-streaming', '3'],
        ['vb-done', '✓'],
        ['vb-failed', '✕'],
      ],
    );
    const streaming = cellFor(5, { state: 'streaming', source: 'c:1' }, NODES, 't');
    assert.equal(streaming.description, 'vbucket 5: streaming from node 3 (c:1)');
    assert.deepEqual(streaming.style, { '--node-colour': '#009E73', '--node-text': '#111111' });
    assert.equal(cellFor(0, { state: 'streaming', source: 'z:1' }, NODES, 't').label, '?');
  });

  it('sizes the grid to a power of two covering the highest vbucket, at least 128', () => {
    assert.equal(gridSizeFor(undefined), 128);
    assert.equal(gridSizeFor({ 127: 1 }), 128);
    assert.equal(gridSizeFor({ 128: 1 }), 256);
    assert.equal(gridSizeFor({ 3: 1, 1023: 1 }), 1024);
  });

  it('reuses the cell of every vbucket whose state object did not change', () => {
    const build = createCellBuilder(NODES, 't');
    const pending: VbucketState = { state: 'pending' };
    const first = build(128, { 1: pending, 2: pending });
    const second = build(128, { 1: pending, 2: { state: 'streaming', source: 'a:1' } });
    assert.notEqual(second, first, 'a new array for the grid');
    assert.equal(second[1], first[1]);
    assert.equal(second[0], first[0], 'idle cells too');
    assert.notEqual(second[2], first[2]);
    assert.equal(second[2]?.className, 'vb-streaming');
    const changed = second.filter((cell, vbucket) => cell !== first[vbucket]);
    assert.equal(changed.length, 1);
  });
});
