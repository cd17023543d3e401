/**
 * The node-facing commands as operators and scripts run them: the real `astaire` executable
 * against real memcached processes, checked by exit status and output.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { computeStoreView } from '../../../core/cluster/store-view.js';
import {
  ClusterClients,
  checkPlacement,
  makeDataset,
  writeThroughView,
} from '../../support/cluster-data.js';
import { writeSettingsFile } from '../../support/cli-harness.js';
import {
  startCluster,
  startMemcached,
  type MemcachedCluster,
} from '../../support/memcached-process.js';
import { runAstaire as astaire } from '../../support/cli-process.js';

describe('astaire resize, resync, verify and status', () => {
  let cluster: MemcachedCluster;
  let file: string;
  let settings: { servers: string[]; newServers: string[] };
  const clients = new ClusterClients();
  const items = makeDataset({ seed: 31, count: 2000, awkwardKeys: true });

  before(async () => {
    cluster = await startCluster(4);
    const n = cluster.addresses;
    settings = { servers: n.slice(0, 3), newServers: n };
    file = writeSettingsFile(
      `servers=${settings.servers.join(',')}\nnew_servers=${settings.newServers.join(',')}\n`,
    );
    await writeThroughView(
      computeStoreView({ servers: settings.servers, newServers: [] }),
      items,
      clients,
    );
  });
  after(async () => {
    await clients.close();
    await cluster.stop();
  });

  it('status shows every node up, with items, dumps allowed and no tag yet', async () => {
    const run = await astaire(['status', '--settings', file, '--json']);
    assert.equal(run.status, 0, run.stderr);
    const statuses = JSON.parse(run.stdout) as {
      node: string;
      role: string;
      isReachable: boolean;
      items: number;
      allowsDumps: boolean;
      tag: unknown;
    }[];
    assert.deepEqual(
      statuses.map((s) => s.node),
      settings.newServers,
    );
    assert.deepEqual(
      statuses.map((s) => s.role),
      ['staying', 'staying', 'staying', 'joining'],
    );
    assert.ok(statuses.every((s) => s.isReachable && s.allowsDumps && s.tag === null));
    assert.equal(statuses[3]?.items, 0);
  });

  it('verify fails before the resync, naming what is missing', async () => {
    const run = await astaire(['verify', '--settings', file]);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /[1-9][0-9,]* missing/);
    assert.match(run.stdout, /Verification FAILED\./);
  });

  it('resize streams every new replica, then verify passes and status shows the tags', async () => {
    const run = await astaire(['resize', '--settings', file]);
    assert.equal(run.status, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /Resize resync complete: all 4 nodes streamed every vbucket/);
    // Only the joining node lacked keys: the others are named as taking none, not "into 4 nodes".
    const [n1, n2, n3, n4] = settings.newServers;
    assert.match(
      run.stdout,
      new RegExp(
        `Keys moved: [\\d,]+ keys, .+: [\\d,]+ keys into ${n4} \\(.+\\); ` +
          `none into ${n1}, ${n2} and ${n3}\n`,
      ),
    );
    assert.match(run.stderr, /resync complete in/);

    const placement = await checkPlacement(settings, items, clients);
    assert.deepEqual(placement.wrong.slice(0, 5), []);

    const verify = await astaire(['verify', '--settings', file, '--json']);
    assert.equal(verify.status, 0, verify.stdout);
    const report = JSON.parse(verify.stdout) as {
      isClean: boolean;
      missing: number;
      checked: number;
    };
    assert.deepEqual([report.isClean, report.missing], [true, 0]);

    const status = await astaire(['status', '--settings', file]);
    assert.equal(status.status, 0);
    assert.doesNotMatch(status.stdout, /missing/);
  });

  it('resync --json prints one JSON event per line and ends with the summary', async () => {
    const run = await astaire([
      'resync',
      '--target',
      settings.newServers[3] as string,
      '--settings',
      file,
      '--full',
      '--json',
    ]);
    assert.equal(run.status, 0, run.stderr);
    const events = run.stdout
      .trimEnd()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            event: string;
            isComplete?: boolean;
            target: string;
            counts?: Record<string, number>;
          },
      );
    assert.ok(events.some((e) => e.event === 'vbucket'));
    assert.ok(events.some((e) => e.event === 'pass'));
    const last = events.at(-1);
    assert.equal(last?.event, 'summary');
    assert.equal(last?.isComplete, true);
    assert.equal(last?.target, settings.newServers[3]);
    // The resize copied every key this node holds, and nothing was written since: all the same.
    const counts = last?.counts;
    assert.ok(counts !== undefined && counts.keys !== undefined && counts.keys > 0);
    assert.deepEqual(
      [counts.alreadyThere, counts.skippedNewer, counts.added, counts.replaced],
      [counts.keys, 0, 0, 0],
    );
  });

  it('accepts the original usage, astaire <target> <cluster_settings>', async () => {
    const run = await astaire([settings.newServers[3] as string, file]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /resync complete/);
  });

  it('refuses a target the file does not name, before contacting anything (exit 2)', async () => {
    const run = await astaire(['resync', '--target', '127.0.0.1:1', '--settings', file]);
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /127\.0\.0\.1:1 is not named in cluster_settings/);
  });

  it('exits 1 and names the reasons when no replica can serve', async () => {
    const gone = await startMemcached();
    const goneAddress = gone.address;
    await gone.stop();
    const badFile = writeSettingsFile(
      `servers=${goneAddress}\nnew_servers=${goneAddress},${settings.newServers[3]}\n`,
    );
    const run = await astaire([
      'resync',
      '--target',
      settings.newServers[3] as string,
      '--settings',
      badFile,
    ]);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /resync INCOMPLETE/);
    assert.match(run.stdout, /FAILED: no replica could serve it/);
    assert.match(run.stdout, /tag record NOT written/);
  });

  it('status exits 1 and marks a node that is down', async () => {
    const gone = await startMemcached();
    const goneAddress = gone.address;
    await gone.stop();
    const downFile = writeSettingsFile(`servers=${settings.servers.join(',')},${goneAddress}\n`);
    const run = await astaire(['status', '--settings', downFile]);
    assert.equal(run.status, 1);
    assert.match(run.stdout, new RegExp(`${goneAddress.replace(/\./g, '\\.')} +stable +DOWN`));
    assert.match(run.stdout, /nothing listens there/);
  });
});
