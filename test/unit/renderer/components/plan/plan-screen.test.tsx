import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErrorPayload, PlanEstimate } from '../../../../../core/console/contract.js';
import { NO_RATE } from '../../../../../renderer/components/plan/estimate-panel.js';
import {
  NO_RESIZE,
  PlanDetails,
  PlanScreen,
} from '../../../../../renderer/components/plan/plan-screen.js';
import { createConsoleStore } from '../../../../../renderer/store/console-store.js';
import { RiskPanel } from '../../../../../renderer/components/plan/risk-panel.js';
import { estimateKey } from '../../../../../renderer/store/plan-slice.js';
import {
  cluster,
  countMatches,
  NEW_SERVERS,
  preview,
  renderStatic,
  SERVERS,
} from '../render-static.js';

const TARGET = NEW_SERVERS[3];

const estimate = (overrides: Partial<PlanEstimate> = {}): PlanEstimate => ({
  clusterId: 'c1',
  full: false,
  sampledAt: '2024-05-02T08:00:00.000Z',
  keys: 120_000,
  bytes: 300 * 1024 * 1024,
  rate: {
    bytesPerSecond: 10 * 1024 * 1024,
    basis: 'measured on resync of 10.0.0.2:11211 at 08:00',
  },
  seconds: 30 * 60,
  targets: [
    {
      target: TARGET,
      vbuckets: 32,
      keys: 120_000,
      bytes: 300 * 1024 * 1024,
      seconds: 30 * 60,
      sources: [
        { node: SERVERS[0], vbuckets: 11, keys: 40_000, bytes: 100 * 1024 * 1024 },
        { node: SERVERS[1], vbuckets: 11, keys: 80_000, bytes: 200 * 1024 * 1024 },
      ],
      unsampledSources: [],
    },
  ],
  unsampled: [],
  ...overrides,
});

function storeWithEstimate(value: PlanEstimate | null, error: ErrorPayload | null = null) {
  const store = createConsoleStore();
  store.setState({
    clusters: [cluster()],
    selectedClusterId: 'c1',
    previewByCluster: { c1: { isLoading: false, value: preview(), error: null } },
    estimateByKey: { [estimateKey('c1', false)]: { isLoading: false, value, error } },
  });
  return store;
}

const render = (store: ReturnType<typeof createConsoleStore>) =>
  renderStatic(store, <PlanDetails clusterId="c1" preview={preview()} />);

describe('plan preview', () => {
  const markup = render(storeWithEstimate(estimate()));

  it('lists only the moving vbuckets at first, old owners to new', () => {
    const table =
      /<table class="data-table moves-table">([\s\S]*?)<\/table>/.exec(markup)?.[1] ?? '';
    assert.equal(countMatches(table, /<tr class="is-moving">/g), 32);
    assert.equal(countMatches(table, /<tbody>[\s\S]*<tr>/g), 0, 'no row that stays');
    assert.match(markup, /Showing 32 of 128 vbuckets/);
    assert.match(markup, /<input type="checkbox" checked=""\/>Moving only/);
    // vbucket 0 moves its backup from node 2 to node 4.
    const first =
      /<tr class="is-moving"><th scope="row" class="number">0<\/th>([\s\S]*?)<\/tr>/.exec(
        table,
      )?.[1] ?? '';
    const cells = [...first.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((cell) =>
      [...(cell[1] ?? '').matchAll(/node (\d) \(/g)].map((m) => m[1]),
    );
    assert.deepEqual(cells, [
      ['1', '2'],
      ['1', '4'],
      ['2', '4'],
    ]);
  });

  it('sums up each node: role, vbuckets and primaries before and after, worklist sizes', () => {
    const table =
      /<table class="data-table node-plan-table">([\s\S]*?)<\/table>/.exec(markup)?.[1] ?? '';
    assert.equal(countMatches(table, /<tr><th scope="row">/g), 4);
    assert.match(
      table,
      /10\.0\.0\.4:11211<\/span><\/span><\/th><td>joining<\/td><td class="number">0 → <strong>32<\/strong><\/td><td class="number">0 → <strong>0<\/strong><\/td><td class="number">32<\/td>/,
    );
  });

  it('shows the worklists, minimal first, each vbucket with its sources', () => {
    assert.match(markup, /Worklists \(minimal\)/);
    assert.match(markup, /32 vbuckets to fetch/);
    assert.match(markup, /<span class="worklist-vbucket">4<\/span>/);
  });

  it('shows the estimate per target and source, with the rate it assumes', () => {
    assert.match(markup, /<dt>Keys<\/dt><dd>120,000<\/dd>/);
    assert.match(markup, /<dt>Data<\/dt><dd>300 MiB<\/dd>/);
    assert.match(markup, /<dt>Time<\/dt><dd>about 30 min<\/dd>/);
    assert.match(markup, /at 10\.0 MiB\/s, measured on resync of 10\.0\.0\.2:11211 at 08:00\./);
    assert.doesNotMatch(markup, /measured measured/);
    assert.equal(countMatches(markup, /class="source-row"/g), 2);
    assert.match(markup, /80,000/);
  });

  it('says no time is known before a first resync, and which sources were not sampled', () => {
    const unmeasured = render(
      storeWithEstimate(
        estimate({
          rate: null,
          seconds: null,
          unsampled: [
            {
              node: SERVERS[2],
              error: {
                code: 'CONNECT_REFUSED',
                message: 'node 10.0.0.3:11211: connection refused',
                detail: { stage: 'connect' },
              },
            },
          ],
        }),
      ),
    );
    assert.match(unmeasured, new RegExp(NO_RATE));
    // A source left out: the time is unknown whatever the rate.
    assert.match(unmeasured, /<dt>Time<\/dt><dd>unknown<\/dd>/);
    assert.match(unmeasured, /One source could not be sampled/);
    assert.match(unmeasured, /node 10\.0\.0\.3:11211: connection refused/);
  });

  it('shows unknown as unknown when a source could not be sampled, never "0" or "under a minute"', () => {
    const refused = {
      code: 'CONNECT_FAILED',
      message: 'node 10.0.0.1:11211 (connect): cannot connect (ECONNREFUSED)',
      detail: { stage: 'connect' as const },
    };
    const onlySource = render(
      storeWithEstimate(
        estimate({
          keys: 0,
          bytes: 0,
          seconds: null,
          unsampled: [{ node: SERVERS[0], error: refused }],
          targets: [
            {
              target: TARGET,
              vbuckets: 32,
              keys: 0,
              bytes: 0,
              seconds: null,
              sources: [],
              unsampledSources: [SERVERS[0]],
            },
          ],
        }),
      ),
    );
    assert.match(onlySource, /<dt>Keys<\/dt><dd>unknown<\/dd>/);
    assert.match(onlySource, /<dt>Data<\/dt><dd>unknown<\/dd>/);
    assert.match(onlySource, /<dt>Time<\/dt><dd>unknown<\/dd>/);
    assert.doesNotMatch(onlySource, /under a minute|<dd>0<\/dd>|<dd>0 B<\/dd>/);
    const oneOfTwo = render(
      storeWithEstimate(
        estimate({
          keys: 80_000,
          bytes: 200 * 1024 * 1024,
          seconds: null,
          unsampled: [{ node: SERVERS[0], error: refused }],
          targets: [
            {
              target: TARGET,
              vbuckets: 32,
              keys: 80_000,
              bytes: 200 * 1024 * 1024,
              seconds: null,
              sources: [{ node: SERVERS[1], vbuckets: 11, keys: 80_000, bytes: 200 * 1024 * 1024 }],
              unsampledSources: [SERVERS[0]],
            },
          ],
        }),
      ),
    );
    assert.match(oneOfTwo, /<dt>Keys<\/dt><dd>at least 80,000<\/dd>/);
    assert.match(oneOfTwo, /<td class="number">at least 200 MiB<\/td>/);
    assert.match(oneOfTwo, /<dt>Time<\/dt><dd>unknown<\/dd>/);
  });

  it('shows a channel that is not built yet as a notice, not an alarm', () => {
    const notYet = render(
      storeWithEstimate(null, {
        code: 'NOT_YET',
        message: 'plan:estimate is not built yet',
        detail: { stage: 'usage' },
      }),
    );
    assert.match(
      notYet,
      /class="notice" role="status">Could not estimate the work: this console service does not offer it yet/,
    );
    assert.doesNotMatch(notYet, /<dt>Keys/);
  });

  it('shows what a node failing would cost', () => {
    const risk = /<section class="panel risk"[\s\S]*?<\/section>/.exec(markup)?.[0] ?? '';
    assert.match(risk, /3 vbuckets/);
    assert.match(risk, /0, 1, 2/);
    assert.match(risk, /1 vbucket<\/span>/);
    assert.match(risk, /Some vbuckets would be left with no full copy/);
    assert.match(risk, /<strong>2<\/strong> vbuckets move to nodes none of which holds them now/);
    assert.match(risk, /8, 12/);
    // Only the node whose failure leaves vbuckets short has a row.
    assert.equal(countMatches(risk, /<tr>/g), 2);
    assert.doesNotMatch(risk, new RegExp(SERVERS[1] as string));
  });

  it('says a resize adds no risk when no node would leave a vbucket short', () => {
    const store = createConsoleStore();
    const { risk } = preview();
    const quiet = {
      ...risk,
      ifNodeFails: risk.ifNodeFails.map((entry) => ({ ...entry, singleCopy: [], noCopy: [] })),
    };
    const markup = renderStatic(store, <RiskPanel risk={quiet} indexes={new Map()} />);
    assert.match(markup, /No node failing during this resize leaves a vbucket with fewer copies/);
    assert.doesNotMatch(markup, /<table/);
  });
});

describe('plan screen', () => {
  it('says no resize is planned and points to the Resize tab', () => {
    const store = createConsoleStore();
    store.setState({ clusters: [cluster({ newServers: [] })], selectedClusterId: 'c1' });
    const markup = renderStatic(store, <PlanScreen />);
    assert.match(markup, new RegExp(NO_RESIZE));
    assert.match(markup, /<button[^>]*>Go to Resize<\/button>/);
    assert.doesNotMatch(markup, /vbucket moves/);
  });

  it("shows the plan's error", () => {
    const store = createConsoleStore();
    store.setState({
      clusters: [cluster()],
      selectedClusterId: 'c1',
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
    assert.match(
      renderStatic(store, <PlanScreen />),
      /role="alert">Could not compute the plan: no cluster/,
    );
  });
});
