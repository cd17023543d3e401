import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlanJson, SurveyedNode } from '../../../../../core/console/contract.js';
import { createNodeIndex } from '../../../../../renderer/components/live/cluster-nodes.js';
import {
  adviseMode,
  previewWorklist,
  roleOf,
} from '../../../../../renderer/components/resync/resync-plan.js';
import { ResyncPreview } from '../../../../../renderer/components/resync/resync-preview.js';
import { ResyncScreen } from '../../../../../renderer/components/resync/resync-screen.js';
import { CLUSTER, renderInConsole, storeWithCluster } from '../render-in-console.js';

const [N1, N2, N3, N4] = CLUSTER.newServers as [string, string, string, string];

function plan(): PlanJson {
  return {
    servers: CLUSTER.servers,
    newServers: CLUSTER.newServers,
    vbuckets: Array.from({ length: 128 }, (_, id) => ({
      id,
      current: [],
      new: null,
      read: [],
      write: [],
      moving: false,
    })),
    worklists: {
      [N4]: {
        minimal: { '0': [N1, N2], '5': [N2, N3], '9': [N1] },
        full: { '0': [N1, N2], '1': [N3], '5': [N2, N3], '9': [N1] },
      },
    },
  };
}

function surveyed(node: string, change: Partial<SurveyedNode>): SurveyedNode {
  return { node, role: 'staying', isReachable: true, ...change };
}

describe('resync plan', () => {
  it('counts a worklist’s vbuckets by first source, and the sources standing by', () => {
    const preview = previewWorklist(plan().worklists[N4]?.minimal);
    assert.equal(preview.vbuckets, 3);
    assert.deepEqual(preview.sources, [
      { source: N1, first: 2, fallback: 0 },
      { source: N2, first: 1, fallback: 1 },
      { source: N3, first: 0, fallback: 1 },
    ]);
    assert.equal(preview.firstSource.get(5), N2);
  });

  it('advises full when the node has no tag record, and nothing when none was read', () => {
    assert.equal(adviseMode(surveyed(N4, { tag: null }))?.full, true);
    const tagged = surveyed(N4, {
      tag: { resyncedAt: '2026-01-01T00:00:00.000Z', full: true, tool: 'astaire' },
    });
    assert.equal(adviseMode(tagged)?.full, false);
    assert.equal(adviseMode(surveyed(N4, { isReachable: false })), undefined);
    assert.equal(adviseMode(undefined), undefined);
  });

  it('names each node’s role from the two lists', () => {
    assert.equal(roleOf(CLUSTER, N1), 'staying');
    assert.equal(roleOf(CLUSTER, N4), 'joining');
    assert.equal(roleOf({ servers: [N1, N2], newServers: [N1] }, N2), 'leaving');
    assert.equal(roleOf({ servers: [N1], newServers: [] }, N1), 'stable');
  });
});

describe('ResyncPreview', () => {
  const nodes = createNodeIndex(CLUSTER.newServers);
  const state = {
    value: { plan: plan(), risk: { ifNodeFails: [], fullyRehomed: [] } },
    error: null,
    isLoading: false,
  };

  it('shows how many vbuckets and from which sources, and where they sit', () => {
    const markup = renderInConsole(
      <ResyncPreview
        node={N4}
        full={true}
        plan={state}
        preview={previewWorklist(plan().worklists[N4]?.full)}
        nodes={nodes}
      />,
      storeWithCluster(),
    );
    assert.match(markup, /<strong>4<\/strong> of 128 vbuckets \(\s*full\), from 3 sources:/);
    assert.match(markup, /10\.0\.0\.1:11211<\/span><\/span><span>first choice for 2<\/span>/);
    assert.match(markup, /first choice for 1, stands by for 1/);
    assert.equal(markup.match(/vb-planned/g)?.length, 4);
    assert.match(markup, /data-vbucket="1" class="vbucket-cell vb-planned"[^>]*>3</);
    assert.equal(markup.match(/role="gridcell"/g)?.length, 128);
  });

  it('says when there is nothing to stream, and when the plan could not be read', () => {
    const none = renderInConsole(
      <ResyncPreview
        node={N1}
        full={false}
        plan={state}
        preview={previewWorklist({})}
        nodes={nodes}
      />,
      storeWithCluster(),
    );
    assert.match(none, /Nothing to stream: 10\.0\.0\.1:11211 already holds every vbucket/);
    const failed = renderInConsole(
      <ResyncPreview
        node={N4}
        full={false}
        plan={{
          value: null,
          error: {
            code: 'CLUSTER_UNKNOWN',
            message: 'no such cluster',
            detail: { stage: 'config' },
          },
          isLoading: false,
        }}
        preview={undefined}
        nodes={nodes}
      />,
      storeWithCluster(),
    );
    assert.match(failed, /Could not read the plan: no such cluster/);
  });
});

describe('ResyncScreen', () => {
  it('lists every node with its role and tag record, and waits for a node to be picked', () => {
    const store = storeWithCluster();
    store.setState({
      statusByCluster: {
        [CLUSTER.id]: {
          isLoading: false,
          error: null,
          report: {
            clusterId: CLUSTER.id,
            checkedAt: '2026-01-01T00:00:00.000Z',
            nodes: [
              surveyed(N1, { tag: null }),
              surveyed(N4, { role: 'joining', isReachable: false }),
            ],
          },
        },
      },
    });
    const markup = renderInConsole(<ResyncScreen />, store);
    assert.equal(markup.match(/type="radio" name="[^"]*-node"/g)?.length, 4);
    assert.match(
      markup,
      /10\.0\.0\.1:11211<\/span><\/span><span class="node-role">staying \(in both lists\)<\/span><span class="node-tag muted">no tag record<\/span>/,
    );
    assert.match(
      markup,
      /10\.0\.0\.4:11211<\/span><\/span><span class="node-role">joining \(new server\)<\/span><span class="node-tag muted">DOWN<\/span>/,
    );
    assert.match(
      markup,
      /<button type="submit" class="primary" disabled=""[^>]*>Start the resync<\/button>/,
    );
    assert.match(markup, /Pick the node to resync\./);
  });
});
