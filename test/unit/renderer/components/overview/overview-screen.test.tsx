import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterStatusReport, SurveyedNode } from '../../../../../core/console/contract.js';
import {
  NEVER_RESYNCED,
  NO_TAG_RECORD,
} from '../../../../../renderer/components/overview/node-table.js';
import { OverviewScreen } from '../../../../../renderer/components/overview/overview-screen.js';
import { createConsoleStore } from '../../../../../renderer/store/console-store.js';
import {
  cluster,
  countMatches,
  NEW_SERVERS,
  preview,
  renderStatic,
  SERVERS,
} from '../render-static.js';

const up = (node: string, extra: Partial<SurveyedNode> = {}): SurveyedNode => ({
  node,
  role: 'staying',
  isReachable: true,
  version: '1.6.21',
  items: 12_345,
  bytes: 32 * 1024 * 1024,
  maxBytes: 64 * 1024 * 1024,
  evictions: 0,
  allowsDumps: true,
  tag: { resyncedAt: '2024-05-01T10:00:00.000Z', full: true, tool: 'astaire' },
  ...extra,
});

function storeWith(report: ClusterStatusReport) {
  const store = createConsoleStore();
  store.setState({
    clusters: [cluster()],
    selectedClusterId: 'c1',
    statusByCluster: { c1: { isLoading: false, report, error: null } },
    previewByCluster: { c1: { isLoading: false, value: preview(), error: null } },
  });
  return store;
}

const agreed = { servers: [...SERVERS], newServers: [...NEW_SERVERS] };

describe('cluster overview', () => {
  const report: ClusterStatusReport = {
    clusterId: 'c1',
    checkedAt: '2024-05-02T08:00:00.000Z',
    settingsAgree: false,
    nodes: [
      up(SERVERS[0], { clusterSettings: agreed, settingsAgree: true }),
      {
        node: SERVERS[1],
        role: 'staying',
        isReachable: false,
        error: {
          code: 'CONNECT_REFUSED',
          message: 'node 10.0.0.2:11211 (status): connection refused',
          detail: { stage: 'connect', node: SERVERS[1] },
        },
        clusterSettings: null,
        settingsError: {
          code: 'SSH_FAILED',
          message: 'node 10.0.0.2:11211: ssh: no route to host',
          detail: { stage: 'connect' },
        },
      },
      up(SERVERS[2], {
        tag: null,
        evictions: 42,
        clusterSettings: { servers: [...SERVERS], newServers: [] },
        settingsAgree: false,
      }),
      up(NEW_SERVERS[3], {
        role: 'joining',
        allowsDumps: false,
        clusterSettings: agreed,
        settingsAgree: true,
      }),
    ],
  };
  const markup = renderStatic(storeWith(report), <OverviewScreen />);

  it('shows every node, with the reason a down node is down', () => {
    for (const node of NEW_SERVERS) assert.match(markup, new RegExp(node.replaceAll('.', '\\.')));
    assert.equal(countMatches(markup, /class="node-down"/g), 1);
    assert.match(markup, /DOWN/);
    assert.match(markup, /connection refused/);
    assert.match(markup, /1 node of 4 down/);
    assert.match(markup, /memcached 1\.6\.21/);
    assert.match(markup, /32\.0 MiB of 64\.0 MiB/);
    assert.match(markup, /width:50\.0%/);
  });

  it('flags a node without a tag record as needing a full resync', () => {
    assert.equal(countMatches(markup, new RegExp(NO_TAG_RECORD.split(':')[0] ?? '', 'g')), 1);
    assert.match(markup, /restarted or never resynced; needs a full resync/);
    assert.match(markup, /1 node without a tag record/);
    assert.match(markup, /full resync<span class="reason">/);
  });

  it('raises no alarm for a cluster never resynced, nor for a joining node (issue 15)', () => {
    const fresh = renderStatic(
      storeWith({
        clusterId: 'c1',
        checkedAt: '2024-05-02T08:00:00.000Z',
        nodes: [
          up(SERVERS[0], { tag: null }),
          up(SERVERS[1], { tag: null }),
          up(SERVERS[2], { tag: null }),
          up(NEW_SERVERS[3], { tag: null, role: 'joining', items: 0 }),
        ],
      }),
      <OverviewScreen />,
    );
    assert.doesNotMatch(fresh, /without a tag record|needs a full resync/);
    assert.equal(countMatches(fresh, new RegExp(NEVER_RESYNCED, 'g')), 4);
    // Once the cluster was resynced, a joining node without a record is still not at risk.
    const joining = renderStatic(
      storeWith({
        clusterId: 'c1',
        checkedAt: '2024-05-02T08:00:00.000Z',
        nodes: [up(SERVERS[0]), up(NEW_SERVERS[3], { tag: null, role: 'joining', items: 0 })],
      }),
      <OverviewScreen />,
    );
    assert.doesNotMatch(joining, /without a tag record/);
    assert.match(joining, /full resync<span class="reason">/);
  });

  it('shows whose cluster_settings disagree, and why one could not be read', () => {
    assert.match(markup, /<th scope="col">cluster_settings<\/th>/);
    assert.match(markup, /cluster_settings do not agree/);
    assert.equal(countMatches(markup, /✕ <\/span>differs<\/span>/g), 1);
    assert.match(markup, /Not what the other nodes hold/);
    assert.equal(countMatches(markup, /✓ <\/span>agrees/g), 2);
    assert.match(markup, /could not be read/);
    assert.match(markup, /no route to host/);
    assert.match(markup, /servers=10\.0\.0\.1:11211,10\.0\.0\.2:11211,10\.0\.0\.3:11211/);
    assert.match(markup, /no new_servers/);
  });

  it('flags evictions and a node that refuses dumps', () => {
    assert.match(markup, /⚠ <\/span>42 evictions/);
    assert.match(markup, /dumps refused/);
    assert.match(markup, /1 node cannot be a resync source/);
  });

  it('draws the allocation map of all 128 vbuckets with a legend', () => {
    assert.match(markup, /data-count="128"/);
    assert.equal(countMatches(markup, /role="gridcell"/g), 128);
    assert.match(markup, /32 move in the resize/);
    assert.match(markup, /foot stripe: the backup, by colour and number/);
    // vbuckets held by the down node are hatched: it is primary or backup for two thirds of them.
    assert.equal(countMatches(markup, /owner-cell[^"]*replica-down/g), 86);
  });

  it('offers the connection test', () => {
    assert.match(markup, /<button[^>]*>Test connections<\/button>/);
    assert.match(markup, />Edit cluster</);
  });

  it('says that settings are not compared without a profile', () => {
    const plain = renderStatic(
      storeWith({ clusterId: 'c1', checkedAt: 'now', nodes: [up(SERVERS[0])] }),
      <OverviewScreen />,
    );
    assert.doesNotMatch(plain, /<th scope="col">cluster_settings<\/th>/);
    assert.match(plain, /not compared: this cluster has no profile/);
    assert.match(plain, /The node is reachable/);
  });

  it('offers a copy, not an edit, for the demo cluster', () => {
    const store = storeWith({ clusterId: 'c1', checkedAt: 'now', nodes: [] });
    store.setState({ clusters: [cluster({ origin: 'demo' })] });
    const demo = renderStatic(store, <OverviewScreen />);
    assert.match(demo, />Copy as a new cluster</);
    assert.doesNotMatch(demo, />Edit cluster</);
  });

  it("shows the plan's error in place of the map", () => {
    const store = storeWith({ clusterId: 'c1', checkedAt: 'now', nodes: [] });
    store.setState({
      previewByCluster: {
        c1: {
          isLoading: false,
          value: null,
          error: {
            code: 'UNKNOWN_CLUSTER',
            message: 'no cluster "c1"',
            detail: { stage: 'config' },
          },
        },
      },
    });
    const failed = renderStatic(store, <OverviewScreen />);
    assert.match(failed, /role="alert">Could not compute the vbucket allocation: no cluster/);
    assert.doesNotMatch(failed, /role="grid"/);
    assert.match(failed, /UNKNOWN_CLUSTER<\/span> <button type="button">Try again<\/button>/);
  });
});
