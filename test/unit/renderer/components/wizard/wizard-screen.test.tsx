import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  JobSummary,
  ResizeWizard,
  SettingsPreview,
} from '../../../../../core/console/contract.js';
import { WizardScreen } from '../../../../../renderer/components/wizard/wizard-screen.js';
import { createConsoleStore } from '../../../../../renderer/store/console-store.js';
import { NO_WIZARD, type WizardEntry } from '../../../../../renderer/store/wizard-slice.js';
import { isDisabled, renderMarkup, stripTags } from '../render-markup.js';
import {
  CLUSTER,
  doneStep,
  EVERY_NODE,
  NEW_SERVERS,
  nodes,
  OLD_SERVERS,
  pendingStep,
  report,
  wizardAt,
} from './wizard-fixtures.js';

function storeWith(entry: Partial<WizardEntry>, cluster = CLUSTER) {
  const store = createConsoleStore();
  store.setState({
    clusters: [cluster],
    isLoadingClusters: false,
    selectedClusterId: cluster.id,
    view: 'wizard',
    wizards: { [cluster.id]: { ...NO_WIZARD, hasLoaded: true, ...entry } },
  });
  return store;
}

function render(
  entry: Partial<WizardEntry>,
  setup?: (store: ReturnType<typeof storeWith>) => void,
) {
  const store = storeWith(entry);
  setup?.(store);
  return renderMarkup(store, <WizardScreen />);
}

/** Each step's markup, by number (1 to 5), as the stepper lists them. */
function steps(html: string): Record<number, string> {
  const parts = html.split('<li class="wizard-step ').slice(1);
  assert.equal(parts.length, 5, 'five steps');
  return Object.fromEntries(parts.map((part, index) => [index + 1, part]));
}

const placeOf = (stepHtml: string) => /^wizard-step-(\w+)/.exec(stepHtml)?.[1];

function preview(step: 1 | 4, change: Partial<SettingsPreview> = {}): WizardEntry['preview'] {
  return {
    step,
    isLoading: false,
    error: null,
    preview: {
      step,
      servers: OLD_SERVERS,
      newServers: NEW_SERVERS,
      text: `servers=${OLD_SERVERS.join(',')}\nnew_servers=${NEW_SERVERS.join(',')}\n`,
      nodes: EVERY_NODE.map((node) => ({
        node,
        diff: `--- a/cluster_settings\n+++ b/cluster_settings\n@@ -1 +1,2 @@\n servers=${OLD_SERVERS.join(',')}\n+new_servers=${NEW_SERVERS.join(',')}\n`,
      })),
      ...change,
    },
  };
}

function resyncJob(state: JobSummary['state'] = 'running'): JobSummary {
  return {
    id: 'job-7',
    kind: 'resize',
    clusterId: 'c1',
    targets: ['127.0.0.14:11211', '127.0.0.12:11211'],
    state,
    startedAt: '2025-03-01T10:10:00Z',
    rateLimit: 0,
    isPaused: false,
    resyncs: [],
  };
}

describe('wizard screen: before a resize', () => {
  it('asks for a cluster when none is selected', () => {
    const store = createConsoleStore();
    assert.match(stripTags(renderMarkup(store, <WizardScreen />)), /Select a cluster to resize it/);
  });

  it('offers nothing to begin until the service says whether a resize is in progress', () => {
    const html = render({
      hasLoaded: false,
      error: {
        code: 'NOT_YET',
        message: 'wizard:get is not built yet',
        detail: { stage: 'usage' },
      },
    });
    assert.match(
      stripTags(html),
      /Could not read the resize of this cluster: wizard:get is not built yet \(NOT_YET\)/,
    );
    assert.equal(isDisabled(html, 'Try again'), false);
    assert.doesNotMatch(html, /Begin the resize/);
  });

  it('prefills the new list from new_servers and shows who joins, leaves and stays', () => {
    const store = storeWith({ wizard: null });
    store.setState({ clusters: [{ ...CLUSTER, newServers: NEW_SERVERS }] });
    const html = renderMarkup(store, <WizardScreen />);
    assert.match(
      html,
      /<textarea[^>]*>127\.0\.0\.11:11211\n127\.0\.0\.12:11211\n127\.0\.0\.14:11211<\/textarea>/,
    );
    const text = stripTags(html);
    assert.match(text, /3 nodes → 3 nodes/);
    assert.match(text, /Joining \(1\)\+ 127\.0\.0\.14:11211/);
    assert.match(text, /Leaving \(1\)− 127\.0\.0\.13:11211/);
    assert.match(text, /Staying \(2\)= 127\.0\.0\.11:11211= 127\.0\.0\.12:11211/);
    assert.equal(isDisabled(html, 'Begin the resize'), false);
    const byStep = steps(html);
    assert.equal(placeOf(byStep[1] ?? ''), 'current');
    assert.match(byStep[1] ?? '', /aria-current="step"/);
    for (const n of [2, 3, 4, 5]) {
      assert.equal(placeOf(byStep[n] ?? ''), 'locked');
      assert.match(byStep[n] ?? '', /Opens once the resize has begun\./);
    }
  });

  it('cannot begin with an empty list', () => {
    const html = render({ wizard: null });
    assert.equal(isDisabled(html, 'Begin the resize'), true);
  });
});

describe('wizard screen: step 1', () => {
  it('opens step 1, locks the later steps with their reasons, and shows each node’s diff', () => {
    const html = render({ wizard: wizardAt(1), preview: preview(1) });
    const byStep = steps(html);
    assert.equal(placeOf(byStep[1] ?? ''), 'current');
    assert.match(byStep[1] ?? '', /aria-current="step"/);
    assert.match(
      byStep[2] ?? '',
      /Opens once every node holds servers and new_servers \(step 1\)\./,
    );
    assert.match(
      byStep[3] ?? '',
      /Opens once every node has reloaded cluster_settings \(step 2\)\./,
    );
    assert.match(byStep[4] ?? '', /Opens once every node is resynced \(step 3\)\./);
    assert.match(byStep[5] ?? '', /Opens once the new servers list is written \(step 4\)\./);
    for (const n of [2, 3, 4, 5]) {
      assert.equal(placeOf(byStep[n] ?? ''), 'locked');
      assert.doesNotMatch(byStep[n] ?? '', /<button/, 'nothing to click in a locked step');
    }
    const step1 = byStep[1] ?? '';
    for (const node of EVERY_NODE) assert.ok(step1.includes(node), node);
    assert.match(step1, /<span class="diff-line diff-added">\+new_servers=127\.0\.0\.11:11211/);
    assert.match(stripTags(step1), /keeps a backup of the file on\s+that node/);
    assert.equal(isDisabled(html, 'Write on every node'), false);
  });

  it('keeps the write disabled until the preview is shown', () => {
    const loading = render({
      wizard: wizardAt(1),
      preview: { step: 1, preview: null, isLoading: true, error: null },
    });
    assert.equal(isDisabled(loading, 'Write on every node'), true);
    assert.match(stripTags(loading), /Reading cluster_settings on every node…/);
    assert.equal(isDisabled(render({ wizard: wizardAt(1) }), 'Write on every node'), true);
  });

  it('refuses the write while a node could not be read', () => {
    const html = render({
      wizard: wizardAt(1),
      preview: preview(1, {
        nodes: [
          { node: '127.0.0.11:11211', diff: '+new_servers=x\n' },
          {
            node: '127.0.0.12:11211',
            error: { code: 'SSH_AUTH', message: 'permission denied', detail: { stage: 'auth' } },
          },
        ],
      }),
    });
    assert.equal(isDisabled(html, 'Write on every node'), true);
    assert.match(stripTags(html), /One node could not be read/);
    assert.match(
      stripTags(html),
      /Could not read cluster_settings: permission denied \(SSH_AUTH\)/,
    );
  });

  it('shows the text to write by hand, and confirms only once ticked', () => {
    const html = render({ wizard: wizardAt(1, { remote: 'by-hand' }), preview: preview(1) });
    assert.match(
      html,
      /<pre class="mono">servers=127\.0\.0\.11:11211,127\.0\.0\.12:11211,127\.0\.0\.13:11211\nnew_servers=/,
    );
    assert.match(stripTags(html), /I have written it on every node \(4\)/);
    assert.equal(isDisabled(html, 'Confirm step 1 done by hand'), true);
    assert.doesNotMatch(html, /Write on every node/);
  });

  it('shows each node’s status, the step’s error and a Retry when it failed', () => {
    const failed = {
      ...pendingStep(1),
      state: 'failed' as const,
      startedAt: '2025-03-01T10:00:00Z',
      finishedAt: '2025-03-01T10:00:05Z',
      nodes: [
        {
          node: '127.0.0.11:11211',
          state: 'done' as const,
          message: 'backup at cluster_settings.1',
        },
        { node: '127.0.0.12:11211', state: 'failed' as const, message: 'permission denied' },
        { node: '127.0.0.13:11211', state: 'pending' as const },
        { node: '127.0.0.14:11211', state: 'running' as const },
      ],
      error: {
        code: 'SETTINGS_WRITE',
        message: 'one node was not written',
        detail: { stage: 'command' as const },
      },
    };
    const html = render({ wizard: wizardAt(1, { steps: [failed] }), preview: preview(1) });
    const step1 = steps(html)[1] ?? '';
    assert.match(step1, /^wizard-step-current step-state-failed/);
    const text = stripTags(step1);
    assert.match(text, /127\.0\.0\.11:11211= stays✓ donebackup at cluster_settings\.1/);
    assert.match(text, /127\.0\.0\.12:11211= stays✕ failedpermission denied/);
    assert.match(text, /127\.0\.0\.13:11211− leaves○ pending/);
    assert.match(text, /127\.0\.0\.14:11211\+ joins◐ running/);
    assert.match(text, /Step 1 failed: one node was not written \(SETTINGS_WRITE\)/);
    assert.match(text, /took 00:05/);
    assert.equal(isDisabled(html, 'Retry the write on every node'), false);
  });
});

describe('wizard screen: steps 2 and 3', () => {
  it('collapses step 1 with a summary and reloads by the profile’s command', () => {
    const html = render({ wizard: wizardAt(2) });
    const byStep = steps(html);
    assert.equal(placeOf(byStep[1] ?? ''), 'done');
    assert.match(
      byStep[1] ?? '',
      /<details class="step-done"><summary>Done on 4 of 4 nodes, took 01:30\.<\/summary>/,
    );
    assert.equal(placeOf(byStep[2] ?? ''), 'current');
    assert.equal(isDisabled(html, 'Reload every node'), false);
  });

  it('reloads only by hand when the profile has no reload command', () => {
    const html = render({ wizard: wizardAt(2, { canReload: false }) });
    assert.doesNotMatch(html, /Reload every node/);
    assert.match(stripTags(html), /has no reload command/);
    assert.equal(isDisabled(html, 'Confirm step 2 done by hand'), true);
  });

  it('offers full or minimal and a rate limit before the resync starts', () => {
    const html = render({ wizard: wizardAt(3) });
    const step3 = stripTags(steps(html)[3] ?? '');
    assert.match(step3, /Minimal: only the vbuckets each node gains/);
    assert.match(step3, /Full: every vbucket each node will hold/);
    assert.match(step3, /Rate limit per target/);
    assert.match(html, /type="range"[^>]*aria-valuetext="no limit"/);
    assert.equal(isDisabled(html, 'Start the resync'), false);
  });

  it('sums up each target’s resync while it runs, with the live view one click away', () => {
    const running = {
      ...pendingStep(3),
      state: 'running' as const,
      startedAt: '2025-03-01T10:10:00Z',
      jobIds: ['job-3', 'job-7'],
      nodes: [],
    };
    const html = render({ wizard: wizardAt(3, { steps: [running] }) }, (store) =>
      store.setState({
        jobsById: { 'job-7': resyncJob() },
        jobProgress: {
          'job-7': {
            targets: {
              '127.0.0.14:11211': {
                vbuckets: {
                  1: { state: 'done', source: 's' },
                  2: { state: 'done', source: 's' },
                  3: { state: 'failed', reason: 'no source' },
                  4: { state: 'streaming', source: 's' },
                },
                streamedFrom: { 1: 's', 2: 's', 4: 's' },
                tally: { pending: 0, streaming: 1, done: 2, failed: 1 },
                estimatedKeys: 1000,
              },
            },
          },
        },
        totals: {
          'job-7': {
            '127.0.0.14:11211': [
              { node: '127.0.0.14:11211', role: 'target', keys: 400, bytes: 400 * 1024 },
            ],
          },
        },
      }),
    );
    const step3 = steps(html)[3] ?? '';
    const text = stripTags(step3);
    assert.match(text, /Resync job job-7: ◐ running \(after 1 earlier run\)/);
    // Keys against the estimate, rate and ETA, inline (issue 15); the other target has not
    // counted its keys yet, so the whole job claims no share.
    assert.match(
      text,
      /127\.0\.0\.14:11211◐ resyncing40% · 400 of ~1,000 keys · 400 KiB of ~1000 KiBno rate yetestimating…2 of 41/,
    );
    assert.match(
      text,
      /127\.0\.0\.12:11211○ waiting0 keys, 0 B so far; counting the keys to move…no rate yetnot started0 of 00/,
    );
    assert.match(text, /400 keys, 400 KiB so far; counting the keys to move…ETA: estimating…/);
    assert.match(step3, /role="progressbar" aria-label="Progress of the whole resync"/);
    assert.equal(isDisabled(step3, 'Open live view'), false);
    assert.doesNotMatch(step3, /Start the resync|Retry the resync/);
    assert.match(html, /Abandon resize…<\/button>/);
    assert.equal(
      isDisabled(html, 'Abandon resize…'),
      true,
      'the service refuses while a step runs',
    );
    assert.match(stripTags(html), /Step 3 is running: wait for it to end first\./);
  });
});

describe('wizard screen: step 4', () => {
  const blockers = ['127.0.0.14:11211 has 3 vbuckets not resynced', 'verify found 12 keys missing'];

  it('shows the blockers prominently and keeps Verify and write disabled', () => {
    const html = render({ wizard: wizardAt(4, { blockers }), preview: preview(4) });
    const step4 = steps(html)[4] ?? '';
    assert.match(step4, /<div class="wizard-blockers" role="alert"/);
    for (const blocker of blockers) assert.ok(stripTags(step4).includes(blocker), blocker);
    assert.equal(isDisabled(html, 'Verify and write'), true);
    assert.match(stripTags(step4), /Disabled while the blockers listed above stand\./);
  });

  it('offers an override that needs a reason and warns that it is logged', () => {
    const html = render({ wizard: wizardAt(4, { blockers }), preview: preview(4) });
    const text = stripTags(html);
    assert.match(text, /Override the blockers…/);
    assert.match(text, /can lose keys for good/);
    assert.match(text, /is logged\s+in the activity log and the resize report/);
    assert.match(text, /At least 10 characters \(0 so far\)\./);
    assert.match(html, /<textarea[^>]*maxLength="2000"/);
    assert.equal(isDisabled(html, 'Override and allow the write'), true);
  });

  it('allows the write once overridden, and says so', () => {
    const override = {
      reason: 'verified by hand with the on-call lead',
      at: '2025-03-01T11:00:00Z',
    };
    const html = render({ wizard: wizardAt(4, { blockers, override }), preview: preview(4) });
    assert.match(stripTags(html), /Overridden .*: “verified by hand with the on-call lead”/);
    assert.doesNotMatch(html, /Override and allow the write/);
    assert.equal(isDisabled(html, 'Verify and write'), false);
  });

  it('offers to resync the listed vbuckets, then to verify again, short of an override', () => {
    const repair = { vbuckets: [4, 8], needsVerify: true, runningJobIds: [] };
    const html = render({ wizard: wizardAt(4, { blockers, repair }), preview: preview(4) });
    const step4 = stripTags(steps(html)[4] ?? '');
    assert.match(step4, /Listed vbuckets: 4, 8\./);
    assert.match(step4, /Resync the listed vbuckets, then verify again\./);
    assert.equal(isDisabled(html, 'Resync the listed vbuckets'), false);
    assert.equal(isDisabled(html, 'Verify again'), false);
    assert.match(html, /class="primary"[^>]*>Resync the listed vbuckets</);

    const resyncing = render({
      wizard: wizardAt(4, { blockers, repair: { ...repair, runningJobIds: ['j1', 'j2'] } }),
      preview: preview(4),
    });
    assert.match(stripTags(resyncing), /2 resyncs of the listed vbuckets running/);
    assert.equal(isDisabled(resyncing, 'Resyncing the listed vbuckets…'), true);
    assert.equal(isDisabled(resyncing, 'Verify again'), true);

    const resynced = render({
      wizard: wizardAt(4, {
        blockers,
        repair: { ...repair, resyncedAt: '2025-03-01T11:00:00Z' },
      }),
      preview: preview(4),
    });
    assert.match(stripTags(resynced), /Resynced at .*: verify again to clear the blockers\./);
    assert.match(resynced, /class="primary"[^>]*>Verify again</);
  });

  it('offers no repair once overridden, nor a verify when none found keys missing', () => {
    const override = { reason: 'verified by hand with the on-call lead', at: '2025-03-01T11:00Z' };
    const repair = { vbuckets: [4], needsVerify: false, runningJobIds: [] };
    const overridden = render({ wizard: wizardAt(4, { blockers, override, repair }) });
    assert.doesNotMatch(overridden, /Resync the listed vbuckets/);
    const unfilled = render({ wizard: wizardAt(4, { blockers, repair }), preview: preview(4) });
    assert.match(stripTags(unfilled), /step 3 left them unfilled/);
    assert.doesNotMatch(unfilled, /Verify again/);
  });

  it('allows the write when nothing blocks it', () => {
    const html = render({ wizard: wizardAt(4), preview: preview(4) });
    assert.match(stripTags(html), /Nothing blocks writing the new servers list\./);
    assert.equal(isDisabled(html, 'Verify and write'), false);
  });
});

describe('wizard screen: complete', () => {
  const override = { reason: 'verified by hand', at: '2025-03-01T10:59:00Z' };
  const complete: ResizeWizard = {
    ...wizardAt('complete', {
      steps: [doneStep(3, { jobIds: ['job-7'], nodes: [] })],
      override,
    }),
    report: report({ override }),
  };

  it('collapses every step and shows the report with Save', () => {
    const html = render({ wizard: complete });
    const byStep = steps(html);
    for (const n of [1, 2, 3, 4, 5]) assert.equal(placeOf(byStep[n] ?? ''), 'done');
    assert.match(byStep[3] ?? '', /<summary>Done by job job-7, took 01:30\.<\/summary>/);
    const text = stripTags(html);
    assert.match(text, /Resize of sprout-mem complete/);
    assert.match(
      text,
      /127\.0\.0\.11:11211, 127\.0\.0\.12:11211, 127\.0\.0\.13:11211 → 127\.0\.0\.11:11211, 127\.0\.0\.12:11211, 127\.0\.0\.14:11211/,
    );
    assert.match(text, /took 1:01:00/);
    assert.match(text, /1,000 keys, 2\.0 MiB: 1,000 keys into 127\.0\.0\.14:11211 \(2\.0 MiB\)/);
    assert.match(
      text,
      /900 added, 40 replaced \(older copy\), 55 skipped \(target newer\), 20 already there, 5 raced/,
    );
    assert.match(text, /every target complete/);
    assert.match(text, /clean: 1,000 keys checked, none missing or stale/);
    assert.match(text, /blockers overridden .*: “verified by hand”/);
    assert.match(byStep[4] ?? '', /Went through an override \([^)]*\): “verified by hand”\./);
    assert.equal(isDisabled(html, 'Save report'), false);
    assert.equal(isDisabled(html, 'Close this resize…'), false);
  });
});

describe('wizard screen: step 4 done', () => {
  it('says plainly that no override was used', () => {
    const html = render({ wizard: wizardAt(5, { steps: [doneStep(4, { byHand: true })] }) });
    assert.match(
      stripTags(steps(html)[4] ?? ''),
      /Confirmed done by hand.*No override: a clean verify let the write through\./,
    );
  });
});

describe('wizard screen: node statuses in done steps', () => {
  it('keeps each node’s status inside the collapsed step', () => {
    const html = render({
      wizard: wizardAt(2, {
        steps: [doneStep(1, { byHand: true, nodes: nodes('by-hand') })],
      }),
    });
    const step1 = steps(html)[1] ?? '';
    assert.match(step1, /<summary>Confirmed done by hand, took 01:30\.<\/summary>/);
    assert.match(stripTags(step1), /127\.0\.0\.14:11211\+ joins✎ by hand/);
  });
});
