import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderToStaticMarkup } from 'react-dom/server';
import {
  gridColumnsFor,
  VbucketGrid,
  type GridCell,
} from '../../../../renderer/components/vbucket-grid.js';

describe('vbucket grid shape (issue 15)', () => {
  it('has one shape for a vbucket count on every screen: 128 are 8 rows of 16', () => {
    assert.equal(gridColumnsFor(128), 16);
    assert.equal(gridColumnsFor(256), 16);
    assert.equal(gridColumnsFor(512), 32);
    assert.equal(gridColumnsFor(1024), 32);
    assert.equal(gridColumnsFor(2048), 64);
  });

  it('sets its columns from its cell count, not from the width it is given', () => {
    const cells: GridCell[] = Array.from({ length: 128 }, () => ({
      className: 'vb-idle',
      label: '',
      description: 'x',
    }));
    const markup = renderToStaticMarkup(<VbucketGrid cells={cells} label="grid" />);
    assert.match(
      markup,
      /<div class="vbucket-grid" role="grid" aria-label="grid" data-count="128" style="--grid-columns:16">/,
    );
  });
});
