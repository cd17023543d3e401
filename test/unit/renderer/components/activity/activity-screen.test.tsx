import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActivityEntry, ClusterSummary } from '../../../../../core/console/contract.js';
import { filterActivity } from '../../../../../renderer/components/activity/activity-filter.js';
import { ActivityScreen } from '../../../../../renderer/components/activity/activity-screen.js';
import { createConsoleStore } from '../../../../../renderer/store/console-store.js';
import { isDisabled, renderMarkup, stripTags } from '../render-markup.js';

const cluster = (id: string, name: string): ClusterSummary => ({
  id,
  name,
  servers: ['127.0.0.11:11211'],
  newServers: [],
  origin: 'saved',
});

const ENTRIES: ActivityEntry[] = [
  {
    id: 1,
    at: '2025-03-01T10:00:00Z',
    clusterId: 'c1',
    node: '127.0.0.11:11211',
    action: 'cluster_settings written',
    outcome: 'succeeded',
    detail: 'backup kept',
  },
  {
    id: 2,
    at: '2025-03-01T10:01:00Z',
    clusterId: 'c2',
    action: 'resync started',
    outcome: 'started',
  },
  {
    id: 3,
    at: '2025-03-01T10:02:00Z',
    clusterId: 'c1',
    node: '127.0.0.12:11211',
    action: 'reload',
    outcome: 'failed',
    detail: 'exit code 1',
  },
  { id: 4, at: '2025-03-01T10:03:00Z', clusterId: 'c1', action: 'abandon', outcome: 'refused' },
  { id: 5, at: '2025-03-01T10:04:00Z', clusterId: 'old', action: 'resync', outcome: 'cancelled' },
];

function storeWith(selected: string | null, entries = ENTRIES) {
  const store = createConsoleStore();
  store.setState({
    clusters: [cluster('c1', 'sprout-mem'), cluster('c2', 'ralf-mem')],
    isLoadingClusters: false,
    selectedClusterId: selected,
    activity: entries,
    isActivityRequested: true,
  });
  return store;
}

// The rows' text in order, one string per row.
function rows(html: string): string[] {
  return [...html.matchAll(/<tr class="activity-row[^"]*">(.*?)<\/tr>/g)].map((match) =>
    stripTags((match[1] ?? '').replaceAll('</td>', ' | ')).trim(),
  );
}

describe('activity screen', () => {
  it('shows every entry newest first, with cluster name, node, action, outcome and detail', () => {
    const html = renderMarkup(storeWith(null), <ActivityScreen />);
    const shown = rows(html);
    assert.equal(shown.length, 5);
    assert.match(shown[0] ?? '', /^.+ \| old \(removed\) \| — \| resync \| ⊘ cancelled \| {2}\|$/);
    assert.match(shown[1] ?? '', /\| sprout-mem \| — \| abandon \| ⊗ refused \|/);
    assert.match(
      shown[2] ?? '',
      /\| sprout-mem \| 127\.0\.0\.12:11211 \| reload \| ✕ failed \| exit code 1 \|/,
    );
    assert.match(shown[3] ?? '', /\| ralf-mem \| — \| resync started \| ▶ started \|/);
    assert.match(shown[4] ?? '', /\| ✓ succeeded \| backup kept \|$/);
    // The outcome is coloured by class, and said in words beside its glyph.
    assert.match(
      html,
      /<span class="outcome outcome-failed"><span aria-hidden="true">✕ <\/span>failed<\/span>/,
    );
    assert.match(html, /<time dateTime="2025-03-01T10:02:00Z">/);
    assert.match(stripTags(html), /5 of 5 entries/);
  });

  it('shows the selected cluster’s entries by default', () => {
    const html = renderMarkup(storeWith('c1'), <ActivityScreen />);
    const shown = rows(html);
    assert.deepEqual(
      shown.map((row) => row.split(' | ')[3]),
      ['abandon', 'reload', 'cluster_settings written'],
    );
    assert.match(stripTags(html), /3 of 5 entries/);
    assert.equal(isDisabled(html, 'Export CSV'), false);
  });

  it('says when nothing happened yet, and offers no export', () => {
    const html = renderMarkup(storeWith(null, []), <ActivityScreen />);
    assert.match(stripTags(html), /Nothing has happened yet\./);
    assert.equal(isDisabled(html, 'Export JSON Lines'), true);
    assert.equal(isDisabled(html, 'Export CSV'), true);
  });

  it('activity log bounded: offers the older entries once every loaded one is shown', () => {
    const more = storeWith(null);
    more.setState({ hasOlderActivity: true });
    const html = renderMarkup(more, <ActivityScreen />);
    assert.equal(isDisabled(html, 'Load older entries'), false);
    assert.match(stripTags(html), /The filter and the search cover the entries loaded so far\./);
    const loading = storeWith(null);
    loading.setState({ hasOlderActivity: true, isLoadingOlderActivity: true });
    assert.equal(
      isDisabled(renderMarkup(loading, <ActivityScreen />), 'Loading older entries…'),
      true,
    );
    assert.doesNotMatch(
      stripTags(renderMarkup(storeWith(null), <ActivityScreen />)),
      /older entries/,
    );
  });

  it('shows why the log could not be read', () => {
    const store = storeWith(null, []);
    store.setState({
      activityError: {
        code: 'NOT_YET',
        message: 'activity:list is not built yet',
        detail: { stage: 'usage' },
      },
    });
    const html = renderMarkup(store, <ActivityScreen />);
    assert.match(html, /role="alert"/);
    assert.match(
      stripTags(html),
      /Could not read the activity log: activity:list is not built yet/,
    );
  });

  it('filters by cluster and to failures and refusals, newest first', () => {
    const ids = (filter: Parameters<typeof filterActivity>[1]) =>
      filterActivity(ENTRIES, filter).map((entry) => entry.id);
    assert.deepEqual(ids({ clusterId: null, isFailuresOnly: false }), [5, 4, 3, 2, 1]);
    assert.deepEqual(ids({ clusterId: 'c1', isFailuresOnly: false }), [4, 3, 1]);
    assert.deepEqual(ids({ clusterId: null, isFailuresOnly: true }), [4, 3]);
    assert.deepEqual(ids({ clusterId: 'c2', isFailuresOnly: true }), []);
  });

  it('keeps the entries holding every word searched for, in any case and any field', () => {
    const nameOf = (id: string) => ({ c1: 'sprout-mem', c2: 'ralf-mem' })[id];
    const ids = (text: string, clusterId: string | null = null) =>
      filterActivity(ENTRIES, { clusterId, isFailuresOnly: false, text }, nameOf).map((e) => e.id);
    assert.deepEqual(ids(''), [5, 4, 3, 2, 1]);
    assert.deepEqual(ids('   '), [5, 4, 3, 2, 1]);
    assert.deepEqual(ids('RESYNC'), [5, 2], 'the action, any case');
    assert.deepEqual(ids('127.0.0.12'), [3], 'the node');
    assert.deepEqual(ids('backup'), [1], 'the detail');
    assert.deepEqual(ids('ralf'), [2], "the cluster's name");
    assert.deepEqual(ids('refused'), [4], 'the outcome');
    assert.deepEqual(ids('sprout exit'), [3], 'every word');
    assert.deepEqual(ids('resync', 'c2'), [2], 'within the cluster shown');
    assert.deepEqual(ids('nowhere'), []);
  });

  it('puts a long cluster name on one line, whole on hover', () => {
    const long = 'sprout registration store in the east data centre';
    const store = storeWith(null);
    store.setState({ clusters: [cluster('c1', long), cluster('c2', 'ralf-mem')] });
    const html = renderMarkup(store, <ActivityScreen />);
    assert.match(html, new RegExp(`<span class="activity-cluster" title="${long}">${long}</span>`));
    assert.match(html, /<input type="search"/);
  });
});
