/**
 * The CLI with --profile: nodes reached through a real sshd, cluster_settings read on each node,
 * and what happens without a terminal to confirm an unknown host key.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { computeStoreView } from '../../../core/cluster/store-view.js';
import {
  ClusterClients,
  checkPlacement,
  makeDataset,
  writeThroughView,
} from '../../support/cluster-data.js';
import { startCluster, type MemcachedCluster } from '../../support/memcached-process.js';
import {
  sshAccessTo,
  knownHostsEntry,
  makeClientKeys,
  startSshd,
  type ClientKeys,
  type SshdProcess,
} from '../../support/sshd-process.js';
import { runAstaire as astaire } from '../../support/cli-process.js';

describe('astaire with --profile, over SSH', () => {
  let cluster: MemcachedCluster;
  let keys: ClientKeys;
  let sshd: SshdProcess;
  let dir: string;
  let settingsFile: string;
  let nodeFiles: string[];
  const clients = new ClusterClients();
  const items = makeDataset({ seed: 51, count: 1500 });

  const profileFile = (knownHosts: string, reloadCommand?: string) => {
    const path = join(dir, `profile-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(
      path,
      JSON.stringify({
        knownHostsFile: knownHosts,
        ...(reloadCommand === undefined ? {} : { reloadCommand }),
        nodes: Object.fromEntries(
          cluster.addresses.map((node, i) => [
            node,
            {
              ...sshAccessTo(sshd, keys),
              memcached: node,
              settingsPath: nodeFiles[i],
            },
          ]),
        ),
      }),
    );
    return path;
  };

  before(async () => {
    cluster = await startCluster(4);
    keys = makeClientKeys();
    sshd = await startSshd(keys);
    dir = mkdtempSync(join(tmpdir(), 'astaire-profile-'));
    const n = cluster.addresses;
    const text = `servers=${n.slice(0, 3).join(',')}\nnew_servers=${n.join(',')}\n`;
    settingsFile = join(dir, 'cluster_settings');
    writeFileSync(settingsFile, text);
    nodeFiles = n.map((_, i) => join(dir, `node-${i}.cluster_settings`));
    for (const file of nodeFiles) writeFileSync(file, text);
    await writeThroughView(
      computeStoreView({ servers: n.slice(0, 3), newServers: [] }),
      items,
      clients,
    );
  });
  after(async () => {
    await clients.close();
    await sshd.stop();
    await cluster.stop();
  });

  const knownHostsWithKey = () => {
    const file = join(dir, `known_hosts-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, `${knownHostsEntry(sshd)}\n`);
    return file;
  };

  it('status reads every node through SSH and checks their cluster_settings agree', async () => {
    const profile = profileFile(knownHostsWithKey());
    const run = await astaire([
      'status',
      '--settings',
      settingsFile,
      '--profile',
      profile,
      '--json',
    ]);
    assert.equal(run.status, 0, run.stderr + run.stdout);
    const statuses = JSON.parse(run.stdout) as {
      node: string;
      isReachable: boolean;
      settingsAgree: boolean;
    }[];
    assert.equal(statuses.length, 4);
    assert.ok(statuses.every((s) => s.isReachable && s.settingsAgree));

    writeFileSync(nodeFiles[2] as string, `servers=${cluster.addresses.slice(0, 3).join(',')}\n`);
    try {
      const split = await astaire(['status', '--settings', settingsFile, '--profile', profile]);
      assert.equal(split.status, 1);
      assert.match(
        split.stdout,
        new RegExp(`${cluster.addresses[2]?.replace(/\./g, '\\.')}: DISAGREES`),
      );
      assert.match(split.stdout, /The nodes DISAGREE/);
    } finally {
      writeFileSync(
        nodeFiles[2] as string,
        `servers=${cluster.addresses.slice(0, 3).join(',')}\nnew_servers=${cluster.addresses.join(',')}\n`,
      );
    }
  });

  it('resyncs a node through SSH tunnels', async () => {
    const profile = profileFile(knownHostsWithKey());
    const run = await astaire([
      'resync',
      '--target',
      cluster.addresses[3] as string,
      '--settings',
      settingsFile,
      '--profile',
      profile,
    ]);
    assert.equal(run.status, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /resync complete/);
    const placement = await checkPlacement(
      { servers: cluster.addresses.slice(0, 3), newServers: cluster.addresses },
      items,
      clients,
    );
    assert.deepEqual(placement.wrong.slice(0, 5), []);
  });

  it('without a terminal, refuses an unknown host key and says how to record it', async () => {
    const profile = profileFile(join(dir, 'empty_known_hosts'));
    const run = await astaire([
      'status',
      '--settings',
      settingsFile,
      '--profile',
      profile,
      '--json',
    ]);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /can't be established\.\nssh-ed25519 key fingerprint is SHA256:/);
    assert.equal(
      run.stderr.match(/can't be established/g)?.length,
      1,
      'asked once, not once per node',
    );
    assert.match(
      run.stderr,
      new RegExp(`ssh-keyscan -p ${sshd.port} ${sshd.host.replace(/\./g, '\\.')}`),
    );
    const statuses = JSON.parse(run.stdout) as {
      isReachable: boolean;
      error?: { code: string; detail: { stage: string } };
    }[];
    assert.ok(statuses.every((s) => !s.isReachable && s.error?.detail.stage === 'hostkey'));
  });

  it('push-settings shows each diff, writes only when confirmed, and keeps backups', async () => {
    const profile = profileFile(knownHostsWithKey());
    const n = cluster.addresses;
    const step4 = join(dir, 'step4.cluster_settings');
    writeFileSync(step4, `servers=${n.join(',')}\n`);
    const before = nodeFiles.map((file) => readFileSync(file, 'utf8'));

    const unconfirmed = await astaire(['push-settings', '--settings', step4, '--profile', profile]);
    assert.equal(unconfirmed.status, 2);
    assert.match(unconfirmed.stdout, new RegExp(`^--- ${n[0]?.replace(/\./g, '\\.')}:`, 'm'));
    assert.match(unconfirmed.stdout, /^-servers=.*\n-new_servers=.*\n\+servers=/m);
    assert.match(unconfirmed.stderr, /nothing was written \(not confirmed; use --yes/);
    assert.deepEqual(
      nodeFiles.map((file) => readFileSync(file, 'utf8')),
      before,
    );

    const written = await astaire([
      'push-settings',
      '--settings',
      step4,
      '--profile',
      profile,
      '--yes',
    ]);
    assert.equal(written.status, 0, written.stderr + written.stdout);
    for (const file of nodeFiles)
      assert.equal(readFileSync(file, 'utf8'), `servers=${n.join(',')}\n`);
    assert.equal((written.stdout.match(/: written \(previous file kept as /g) ?? []).length, 4);
    const again = await astaire(['push-settings', '--settings', step4, '--profile', profile]);
    assert.equal(again.status, 0, 'nothing to write: no confirmation needed');
    assert.equal((again.stdout.match(/already holds these lists/g) ?? []).length, 4);
  });

  it('reload runs the reload command on every node, one at a time', async () => {
    const log = join(dir, 'reload.log');
    const profile = profileFile(knownHostsWithKey(), `echo reloaded >> ${log}`);
    const run = await astaire([
      'reload',
      '--settings',
      settingsFile,
      '--profile',
      profile,
      '--yes',
    ]);
    assert.equal(run.status, 0, run.stderr + run.stdout);
    assert.equal((run.stdout.match(/: reloaded\n/g) ?? []).length, 4);
    assert.equal(readFileSync(log, 'utf8'), 'reloaded\n'.repeat(4));
  });
});
