import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeColour } from '../../../../../renderer/components/node-colours.js';
import { nodeIndexes } from '../../../../../renderer/components/node-order.js';
import { ownerCells } from '../../../../../renderer/components/overview/owner-cells.js';
import { VbucketMap } from '../../../../../renderer/components/overview/vbucket-map.js';
import { createConsoleStore } from '../../../../../renderer/store/console-store.js';
import { NEW_SERVERS, plan, renderStatic, SERVERS } from '../render-static.js';

const NONE = new Set<string>();

describe('vbucket map', () => {
  it('labels each of the 128 cells with its primary owner, coloured by it', () => {
    const markup = renderStatic(
      createConsoleStore(),
      <VbucketMap plan={plan()} downNodes={NONE} />,
    );
    const cells = [...markup.matchAll(/<div role="gridcell"[^>]*>([^<]*)<\/div>/g)];
    assert.equal(cells.length, 128);
    // vbucket i's primary is server i mod 3, numbered from 1.
    cells.forEach((cell, id) => assert.equal(cell[1], String((id % 3) + 1), `vbucket ${id}`));
    assert.match(
      markup,
      /aria-label="vbucket 0: primary node 1 \(10\.0\.0\.1:11211\), backup node 2 \(10\.0\.0\.2:11211\), moves in the resize"/,
    );
    assert.match(markup, new RegExp(`background-color:${nodeColour(0)}`, 'i'));
  });

  it('shows the selected vbucket: replicas now and after, read set and write set', () => {
    const markup = renderStatic(
      createConsoleStore(),
      <VbucketMap plan={plan()} downNodes={NONE} initialSelected={4} />,
    );
    const panel = /<aside class="vbucket-detail"[^>]*>([\s\S]*?)<\/aside>/.exec(markup)?.[1] ?? '';
    assert.match(panel, /vbucket 4/);
    assert.match(panel, /\(selected\)/);
    assert.match(panel, /Moves in the resize/);
    const section = (title: string) =>
      new RegExp(`<dt>${title}</dt><dd>([\\s\\S]*?)</dd>`).exec(panel)?.[1] ?? '';
    const nodesIn = (html: string) => [...html.matchAll(/node (\d), /g)].map((m) => m[1]);
    assert.deepEqual(nodesIn(section('Replicas now')), ['2', '3']);
    assert.deepEqual(nodesIn(section('After the resize')), ['2', '4']);
    assert.deepEqual(nodesIn(section('Reads try')), ['2', '4', '3']);
    assert.deepEqual(nodesIn(section('Writes go to')), ['2', '4', '3']);
    assert.match(markup, /data-vbucket="4"[^>]*aria-selected="true"/);
  });

  it('lists every node in the legend with its number, role and share', () => {
    const markup = renderStatic(
      createConsoleStore(),
      <VbucketMap plan={plan()} downNodes={NONE} />,
    );
    const legend = /<ul class="legend-nodes"[^>]*>([\s\S]*?)<\/ul>/.exec(markup)?.[1] ?? '';
    assert.equal([...legend.matchAll(/<li>/g)].length, 4);
    assert.match(
      legend,
      /10\.0\.0\.4:11211<\/span><\/span><span class="muted">joining, primary for 0, backup for 0/,
    );
    assert.match(legend, /staying, primary for 43, backup for 43/);
  });

  it('says so when no resize is planned', () => {
    const stable = { ...plan(), newServers: [] };
    const markup = renderStatic(
      createConsoleStore(),
      <VbucketMap plan={stable} downNodes={NONE} />,
    );
    assert.match(markup, /128 vbuckets, no resize planned/);
  });
});

describe('owner cells', () => {
  const indexes = nodeIndexes(SERVERS, NEW_SERVERS);

  it('colours by the backup when asked, with the primary as the stripe', () => {
    const [cell] = ownerCells(plan().vbuckets, indexes, 'backup', NONE);
    assert.equal(cell?.label, '2');
    assert.deepEqual(cell?.style, {
      backgroundColor: nodeColour(1),
      color: '#111111',
      '--stripe': nodeColour(0),
      '--stripe-label': '"1"',
      '--stripe-text': '#111111',
    });
  });

  it('marks moving vbuckets and those with a replica down', () => {
    const cells = ownerCells(plan().vbuckets, indexes, 'primary', new Set([SERVERS[2]]));
    assert.equal(cells[0]?.className, 'owner-cell is-moving');
    assert.equal(cells[1]?.className, 'owner-cell replica-down');
    assert.match(cells[1]?.description ?? '', /DOWN: node 3 \(10\.0\.0\.3:11211\)/);
  });
});
