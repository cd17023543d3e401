import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ClusterEditor,
  DEMO_READ_ONLY,
  EditorForm,
} from '../../../../../renderer/components/clusters/cluster-editor.js';
import {
  RemoveCluster,
  RUNNING_JOB_BLOCKS_REMOVAL,
} from '../../../../../renderer/components/clusters/remove-cluster.js';
import { SettingsImport } from '../../../../../renderer/components/clusters/settings-import.js';
import { createConsoleStore } from '../../../../../renderer/store/console-store.js';
import { cluster, renderStatic } from '../render-static.js';

const PROFILE = {
  settingsPath: '/etc/clearwater/cluster_settings',
  reloadCommand: 'service clearwater-infrastructure reload',
  sudo: true,
  defaults: { via: 'ssh', user: 'ops', jump: ['bastion'] },
  nodes: { '10.0.0.1:11211': { via: 'ssh', host: 'sprout-1', identityFile: '~/.ssh/ops' } },
};

describe('cluster editor', () => {
  it("shows an import's error, which names the file and line", () => {
    const markup = renderStatic(
      createConsoleStore(),
      <SettingsImport
        onImported={() => {}}
        initialError={{
          fileName: 'cluster_settings',
          error: {
            code: 'SETTINGS_INVALID',
            message: 'cluster_settings:3: "servers=a=b" has more than one "="',
            detail: { stage: 'config', file: 'cluster_settings', line: 3 },
          },
        }}
      />,
    );
    assert.match(
      markup,
      /role="alert">Could not import cluster_settings: cluster_settings:3: &quot;servers=a=b&quot; has more than one &quot;=&quot;/,
    );
    assert.match(markup, /<input id="[^"]*-file" class="visually-hidden file-input" type="file"/);
  });

  it('shows an import channel that is not built yet as a notice', () => {
    const markup = renderStatic(
      createConsoleStore(),
      <SettingsImport
        onImported={() => {}}
        initialError={{
          fileName: 'cluster_settings',
          error: {
            code: 'NOT_YET',
            message: 'clusters:import-settings is not built yet',
            detail: { stage: 'usage' },
          },
        }}
      />,
    );
    assert.match(
      markup,
      /role="status">Could not import cluster_settings: this console service does not offer it yet/,
    );
  });

  it('shows a save error at the field it names', () => {
    const markup = renderStatic(
      createConsoleStore(),
      <EditorForm
        target={{ mode: 'new' }}
        cluster={undefined}
        initialFailure={{
          field: 'servers',
          error: {
            code: 'CLUSTER_INVALID',
            message: 'cluster "x": servers[0]: "10.0.0.1:99999": the port must be 1 to 65535',
            detail: { stage: 'config' },
          },
        }}
      />,
    );
    assert.match(markup, /<h2 id="[^"]*-heading">Add a cluster<\/h2>/);
    assert.match(
      markup,
      /<textarea id="([^"]*)-servers" aria-describedby="\1-servers-hint" rows="4" spellCheck="false" aria-invalid="true" aria-errormessage="\1-servers-error"/,
    );
    assert.match(
      markup,
      /<p id="[^"]*-servers-error" class="field-error" role="alert">[\s\S]*servers\[0\]: &quot;10\.0\.0\.1:99999&quot;/,
    );
    assert.match(markup, /Not saved: see the field marked above/);
    assert.match(markup, />Add cluster<\/button>/);
  });

  it("edits a saved cluster's profile as a form, keeping what the form does not show", () => {
    const markup = renderStatic(
      createConsoleStore(),
      <EditorForm
        target={{ mode: 'edit', clusterId: 'c1' }}
        cluster={cluster({ profile: PROFILE })}
        sshHosts={{
          isLoading: false,
          error: null,
          hosts: [
            { alias: 'sprout-1', hostName: '10.0.0.1', user: 'ops' },
            { alias: 'sprout-2', hostName: '10.0.0.2', port: 2222 },
          ],
        }}
      />,
    );
    assert.match(markup, />Edit sprout<\/h2>/);
    assert.match(markup, /value="\/etc\/clearwater\/cluster_settings"/);
    assert.match(markup, /value="service clearwater-infrastructure reload"/);
    assert.match(markup, /value="ops"/);
    assert.match(markup, /value="bastion"/);
    assert.match(markup, /value="sprout-1"/);
    assert.match(markup, /<td class="muted">ops@10\.0\.0\.1<\/td>/);
    assert.match(markup, /<option value="sprout-2">10\.0\.0\.2:2222<\/option>/);
    assert.match(markup, /Fill blanks by host name/);
    assert.match(markup, /also sets nodes\[&quot;10\.0\.0\.1:11211&quot;\]\.identityFile/);
    assert.match(markup, />Save changes<\/button>/);
    assert.match(markup, />Remove cluster…<\/button>/);
  });

  it('says when ~/.ssh/config cannot be listed, and that aliases can be typed', () => {
    const markup = renderStatic(
      createConsoleStore(),
      <EditorForm
        target={{ mode: 'edit', clusterId: 'c1' }}
        cluster={cluster({ profile: PROFILE })}
        sshHosts={{
          isLoading: false,
          hosts: null,
          error: {
            code: 'NOT_YET',
            message: 'ssh:hosts is not built yet',
            detail: { stage: 'usage' },
          },
        }}
      />,
    );
    assert.match(
      markup,
      /Could not list the hosts of ~\/\.ssh\/config \(type the aliases instead\)/,
    );
  });

  it('will not edit the demo cluster, and offers a copy', () => {
    const store = createConsoleStore();
    store.setState({
      clusters: [cluster({ id: 'demo', origin: 'demo' })],
      view: 'edit-cluster',
      clusterEditor: { mode: 'edit', clusterId: 'demo' },
    });
    const markup = renderStatic(store, <ClusterEditor />);
    assert.match(markup, new RegExp(DEMO_READ_ONLY));
    assert.match(markup, />Copy as a new cluster<\/button>/);
    assert.doesNotMatch(markup, /Remove/);
  });

  it('fills a copy from the cluster it copies, as a new cluster', () => {
    const store = createConsoleStore();
    store.setState({
      clusters: [cluster({ id: 'demo', origin: 'demo', name: 'Demo' })],
      clusterEditor: { mode: 'copy', clusterId: 'demo' },
    });
    const markup = renderStatic(store, <ClusterEditor />);
    assert.match(markup, /value="Demo \(copy\)"/);
    assert.match(markup, />Add cluster<\/button>/);
    assert.doesNotMatch(markup, /Remove cluster/);
  });

  it('asks before removing, naming the cluster', () => {
    const markup = renderStatic(
      createConsoleStore(),
      <RemoveCluster cluster={cluster()} isConfirming />,
    );
    assert.match(markup, /Remove <strong>sprout<\/strong> from the console\?/);
    assert.match(
      markup,
      /<button type="button">Keep it<\/button><button type="button" class="danger">Remove sprout<\/button>/,
    );
  });

  it('refuses to remove a cluster a job runs on', () => {
    const store = createConsoleStore();
    store.setState({
      jobsById: {
        j1: {
          id: 'j1',
          kind: 'resize',
          clusterId: 'c1',
          targets: [],
          state: 'running',
          startedAt: 'now',
          rateLimit: 0,
          isPaused: false,
          resyncs: [],
        },
      },
    });
    const markup = renderStatic(store, <RemoveCluster cluster={cluster()} isConfirming />);
    assert.match(markup, new RegExp(RUNNING_JOB_BLOCKS_REMOVAL));
    assert.doesNotMatch(markup, /Remove sprout/);
  });
});
