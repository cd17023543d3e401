/**
 * `astaire resync --only-vbuckets/--source` (a retry of part of a worklist) and `astaire plan
 * --estimate`, run as an operator would, against real memcached processes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { computeStoreView } from '../../../core/cluster/store-view.js';
import { vbucketOfKey } from '../../../core/cluster/vbucket-hash.js';
import { computeWorklist } from '../../../core/cluster/worklist.js';
import type { ResizeEstimate } from '../../../core/resize/plan-estimate.js';
import { readTagRecord } from '../../../core/resync/tag-record.js';
import { ClusterClients, seedCluster, makeDataset } from '../../support/cluster-data.js';
import { runCliCaptured as astaire, writeSettingsFile } from '../../support/cli-harness.js';
import { startCluster, type MemcachedCluster } from '../../support/memcached-process.js';

describe('astaire resync --only-vbuckets/--source and astaire plan --estimate', () => {
  let cluster: MemcachedCluster;
  let file: string;
  let settings: { servers: string[]; newServers: string[] };
  const clients = new ClusterClients();
  const items = makeDataset({ seed: 91, count: 6000, valueSizes: [100, 900] });

  before(async () => {
    cluster = await startCluster(4);
    const n = cluster.addresses;
    settings = { servers: n.slice(0, 3), newServers: n };
    file = writeSettingsFile(
      `servers=${settings.servers.join(',')}\nnew_servers=${settings.newServers.join(',')}\n`,
    );
    await seedCluster(clients, n, settings.servers, items);
  });
  after(async () => {
    await clients.close();
    await cluster.stop();
  });

  it('estimates each target from the sources, with times only at a given rate', async () => {
    const json = await astaire(['plan', '--settings', file, '--estimate', '--json']);
    assert.equal(json.status, 0, json.stderr);
    const estimate = JSON.parse(json.stdout) as ResizeEstimate;
    assert.deepEqual(
      estimate.targets.map((t) => t.target),
      settings.newServers,
    );
    assert.equal(estimate.full, false);
    assert.equal(estimate.rate, null);
    // The joining node takes about half of all items (two replicas of four).
    const joining = estimate.targets[3];
    assert.ok(joining && joining.keys > 2400 && joining.keys < 3600, `${joining?.keys} keys`);

    const human = await astaire(['plan', '--settings', file, '--estimate']);
    assert.equal(human.status, 0, human.stderr);
    assert.match(human.stdout, /^Estimate of the resize in .* \(minimal resyncs\), sampled /);
    assert.match(
      human.stdout,
      new RegExp(`  ${settings.newServers[3]}: \\d+ vbuckets, [\\d,]+ keys`),
    );
    assert.match(human.stdout, /time: no rate known \(give --at-rate N to see times\)/);
    const total = estimate.keys.toLocaleString('en-US');
    assert.match(human.stdout, new RegExp(`total: ${total} keys`));

    const timed = await astaire(['plan', '--settings', file, '--estimate', '--at-rate', '1K']);
    assert.equal(timed.status, 0, timed.stderr);
    assert.match(timed.stdout, /time: about (\d+:)?\d\d:\d\d for the resize, 2 targets at a time/);
    assert.match(timed.stdout, /given with --at-rate/);

    const refused = await astaire(['plan', '--settings', file, '--full']);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /--full and --profile go with --estimate/);
  });

  it('lists a source it cannot reach and exits 1', async () => {
    const n = cluster.addresses;
    const dead = '127.0.0.1:1';
    const withDead = writeSettingsFile(
      `servers=${n[0]},${dead}\nnew_servers=${n[0]},${dead},${n[1]}\n`,
    );
    const run = await astaire(['plan', '--settings', withDead, '--estimate', '--at-rate', '1K']);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /NOT SAMPLED: 127\.0\.0\.1:1: .*127\.0\.0\.1:1.*its share is missing/);
    // What the dead source holds is unknown: a lower bound, and no time, even with a rate.
    assert.match(run.stdout, /at least [\d,]+ keys, at least .*\(not sampled: 127\.0\.0\.1:1\)/);
    assert.match(run.stdout, /time: unknown, since a source could not be sampled/);
  });

  it('retries two vbuckets of a worklist and writes no tag record', async () => {
    const target = settings.newServers[3]!;
    const worklist = computeWorklist(computeStoreView(settings), target, { full: false });
    const [first, second] = [...worklist.keys()].slice(2, 4) as [number, number];
    const run = await astaire([
      'resync',
      '--target',
      target,
      '--settings',
      file,
      '--only-vbuckets',
      `${second}, ${first}`,
    ]);
    assert.equal(run.status, 0, run.stderr + run.stdout);
    assert.match(run.stderr, /\(minimal, a retry of part of its worklist\): 2 vbuckets from/);
    assert.match(
      run.stdout,
      new RegExp(
        `tag record not written \\(a retry of 2 of the worklist's ${worklist.size} vbuckets\\)`,
      ),
    );
    const client = await clients.get(target);
    assert.equal(await readTagRecord(client), undefined);
    const found = await client.getMany(
      items.map((item) => item.key),
      {},
    );
    const held = items.filter((_, index) => found[index] !== undefined);
    const expected = items.filter((item) => [first, second].includes(vbucketOfKey(item.key)));
    assert.ok(expected.length > 50);
    assert.deepEqual(
      held.map((item) => item.key.toString()),
      expected.map((item) => item.key.toString()),
    );
  });

  it('refuses a vbucket outside the worklist, a source that does not hold it, and a bad list', async () => {
    const target = settings.newServers[3]!;
    const worklist = computeWorklist(computeStoreView(settings), target, { full: false });
    const outside = [...Array(128).keys()].find((v) => !worklist.has(v))!;
    const base = ['resync', '--target', target, '--settings', file];

    const notListed = await astaire([...base, '--only-vbuckets', String(outside)]);
    assert.equal(notListed.status, 2);
    assert.match(
      notListed.stderr,
      new RegExp(`vbucket ${outside} is not in ${target}'s minimal worklist`),
    );

    const inside = [...worklist.keys()][0]!;
    const stranger = settings.servers.find((node) => !worklist.get(inside)?.includes(node))!;
    const notReplica = await astaire([
      ...base,
      '--only-vbuckets',
      String(inside),
      '--source',
      stranger,
    ]);
    assert.equal(notReplica.status, 2);
    assert.match(
      notReplica.stderr,
      new RegExp(`${stranger} is not a replica of vbucket ${inside}`),
    );

    const badList = await astaire([...base, '--only-vbuckets', '3,seven']);
    assert.equal(badList.status, 2);
    assert.match(badList.stderr, /--only-vbuckets must list vbucket numbers/);

    const help = await astaire(['resync', '--help']);
    assert.match(help.stdout, /--only-vbuckets LIST/);
    assert.match(help.stdout, /--source NODE/);
  });
});
