/**
 * The resize wizard over SSH, against real sshd and memcached processes: each of four nodes has
 * its own sshd (so the reload command can tell which node it ran on) and its own cluster_settings
 * file. Steps 1 and 4 rewrite every node's file with a backup, after reading them all (a node
 * that cannot be read means nothing is written); steps 2 and 5 run the reload command on every
 * node; step 3 resyncs through SSH tunnels.
 */
import assert from 'node:assert/strict';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseClusterSettings } from '../../../core/cluster/cluster-settings.js';
import { computeStoreView } from '../../../core/cluster/store-view.js';
import {
  ClusterClients,
  checkPlacement,
  makeDataset,
  writeThroughView,
} from '../../support/cluster-data.js';
import { startCluster, type MemcachedCluster } from '../../support/memcached-process.js';
import {
  knownHostsEntry,
  makeClientKeys,
  sshAccessTo,
  startSshd,
  type ClientKeys,
  type SshdProcess,
} from '../../support/sshd-process.js';
import { assertSucceeded, stepIn, WizardHarness } from './wizard-harness.js';

describe('the resize wizard over SSH', () => {
  let cluster: MemcachedCluster;
  let keys: ClientKeys;
  let sshds: SshdProcess[];
  let dir: string;
  let nodeFiles: string[];
  let reloadLog: string;
  let app: WizardHarness;
  const items = makeDataset({ seed: 71, count: 1500, valueSizes: [10, 800] });

  before(async () => {
    cluster = await startCluster(4);
    keys = makeClientKeys();
    sshds = [];
    for (let i = 0; i < 4; i++) sshds.push(await startSshd(keys));
    dir = mkdtempSync(join(tmpdir(), 'astaire-wizard-ssh-'));
    const old = cluster.addresses.slice(0, 3);
    nodeFiles = cluster.addresses.map((_, i) => join(dir, `node-${i}`, 'cluster_settings'));
    for (const file of nodeFiles) mkdirSync(dirname(file));
    const clients = new ClusterClients();
    try {
      await writeThroughView(computeStoreView({ servers: old, newServers: [] }), items, clients);
    } finally {
      await clients.close();
    }
    reloadLog = join(dir, 'reloads.log');
    app = await WizardHarness.open(join(dir, 'data'), {
      connection: { connectTimeoutMs: 5000, timeoutMs: 10_000 },
    });
  });
  after(async () => {
    await app.close();
    await Promise.all(sshds.map((sshd) => sshd.stop()));
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes, reloads, resyncs, verifies, writes and reloads again on every node', async () => {
    const n = cluster.addresses;
    const old = n.slice(0, 3);
    const original = `# Managed by ops\nservers=${old.join(',')}\n`;
    nodeFiles.forEach((file) => writeFileSync(file, original));
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, sshds.map((sshd) => knownHostsEntry(sshd)).join('\n') + '\n');
    const profile = {
      knownHostsFile: knownHosts,
      // $SSH_CONNECTION is "client port server port": the server's address names the node.
      reloadCommand: `echo "$SSH_CONNECTION" | cut -d' ' -f3 >> ${reloadLog}`,
      nodes: Object.fromEntries(
        n.map((node, i) => [
          node,
          { ...sshAccessTo(sshds[i]!, keys), memcached: node, settingsPath: nodeFiles[i] },
        ]),
      ),
    };
    const { id: clusterId } = await app.call('clusters:save', {
      definition: { name: 'over ssh', servers: old, newServers: [], profile },
    });
    const begun = await app.call('wizard:begin', { clusterId, newServers: n });
    assert.equal(begun.remote, 'ssh');
    assert.equal(begun.canReload, true);

    const preview = await app.call('wizard:preview-settings', { clusterId, step: 1 });
    assert.equal(preview.text, `servers=${old.join(',')}\nnew_servers=${n.join(',')}\n`);
    assert.deepEqual(
      preview.nodes.map((node) => node.node),
      n,
    );
    for (const node of preview.nodes) {
      assert.equal(node.error, undefined, node.error?.message);
      assert.match(
        node.diff ?? '',
        new RegExp(`\\+new_servers=${n.join(',').replace(/\./g, '\\.')}`),
      );
    }
    assert.equal(readFileSync(nodeFiles[0]!, 'utf8'), original, 'a preview writes nothing');

    // One node's file is missing: nothing is written anywhere.
    const hidden = `${nodeFiles[3]}.hidden`;
    renameSync(nodeFiles[3]!, hidden);
    const refused = await app.runStep(clusterId, 1);
    const failedStep = stepIn(refused, 1);
    assert.equal(failedStep.state, 'failed');
    assert.equal(failedStep.error?.code, 'SETTINGS_NOT_READ');
    assert.equal(failedStep.nodes.find((s) => s.node === n[3])?.state, 'failed');
    assert.match(failedStep.nodes.find((s) => s.node === n[3])?.message ?? '', /cannot read/);
    assert.deepEqual(
      failedStep.nodes.filter((s) => s.node !== n[3]).map((s) => s.message),
      old.map(() => 'not written: another node could not be read'),
    );
    for (const file of nodeFiles.slice(0, 3)) assert.equal(readFileSync(file, 'utf8'), original);
    renameSync(hidden, nodeFiles[3]!);

    // Step 1 again: every node's file gets both lists, the old file kept beside it.
    const one = await app.runStep(clusterId, 1);
    assertSucceeded(one, 1);
    for (const [i, file] of nodeFiles.entries()) {
      const text = readFileSync(file, 'utf8');
      assert.match(text, /^# Managed by ops\n/);
      const settings = parseClusterSettings(text, file);
      assert.deepEqual(settings.servers, old);
      assert.deepEqual(settings.newServers, n);
      const backups = backupsOf(file);
      assert.equal(backups.length, 1);
      assert.equal(readFileSync(backups[0]!, 'utf8'), original);
      const status = stepIn(one, 1).nodes.find((s) => s.node === n[i]);
      assert.equal(status?.state, 'done');
      assert.match(
        status?.message ?? '',
        new RegExp(`kept as ${backups[0]!.replace(/\./g, '\\.')}`),
      );
    }
    const defined = (await app.call('clusters:list', null)).find((c) => c.id === clusterId);
    assert.deepEqual(defined?.newServers, n);

    assertSucceeded(await app.runStep(clusterId, 2), 2);
    assert.deepEqual(
      reloads(),
      countsOf(
        sshds.map((s) => s.host),
        1,
      ),
    );

    const three = await app.runStep(clusterId, 3);
    assertSucceeded(three, 3);

    const four = await app.runStep(clusterId, 4);
    assertSucceeded(four, 4);
    assert.equal(stepIn(four, 4).jobIds?.length, 1, 'step 4 verified first');
    for (const file of nodeFiles) {
      const text = readFileSync(file, 'utf8');
      const settings = parseClusterSettings(text, file);
      assert.deepEqual(settings.servers, n);
      assert.deepEqual(settings.newServers, []);
      assert.doesNotMatch(text, /new_servers/);
      const backups = backupsOf(file);
      assert.equal(backups.length, 2);
      assert.match(readFileSync(backups[1]!, 'utf8'), /new_servers=/);
    }
    const switched = (await app.call('clusters:list', null)).find((c) => c.id === clusterId);
    assert.deepEqual(switched?.servers, n);
    assert.deepEqual(switched?.newServers, []);

    const five = await app.runStep(clusterId, 5);
    assertSucceeded(five, 5);
    assert.equal(five.current, 'complete');
    assert.deepEqual(
      reloads(),
      countsOf(
        sshds.map((s) => s.host),
        2,
      ),
    );
    assert.equal(five.report?.resyncs.length, 4);
    assert.equal(five.report?.verify?.isClean, true);

    const clients = new ClusterClients();
    try {
      const { wrong } = await checkPlacement({ servers: n, newServers: [] }, items, clients);
      assert.deepEqual(wrong.slice(0, 5), []);
    } finally {
      await clients.close();
    }

    const log = await app.call('activity:list', null);
    const perNode = (action: string) =>
      log.filter((e) => e.action === action && e.outcome === 'succeeded').map((e) => e.node);
    assert.deepEqual(perNode('cluster_settings written (step 1)'), n);
    assert.deepEqual(perNode('cluster_settings written (step 4)'), n);
    assert.deepEqual(perNode('reloaded (step 2)'), n);
    assert.deepEqual(perNode('reloaded (step 5)'), n);
  });

  function backupsOf(file: string): string[] {
    const prefix = `${basename(file)}.astaire-`;
    return readdirSync(dirname(file))
      .filter((name) => name.startsWith(prefix) && !name.includes('astaire-new'))
      .sort()
      .map((name) => join(dirname(file), name));
  }

  function reloads(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const line of readFileSync(reloadLog, 'utf8').split('\n')) {
      if (line !== '') counts[line] = (counts[line] ?? 0) + 1;
    }
    return counts;
  }
});

function countsOf(hosts: readonly string[], times: number): Record<string, number> {
  return Object.fromEntries(hosts.map((host) => [host, times]));
}
