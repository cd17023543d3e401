/**
 * The CLI on a mixed cluster (two nodes of Clearwater's memcached, two of stock memcached), as an
 * operator runs it: `status` names each node's kind, `resize` resyncs every new node, `verify`
 * finds every key on its new replicas, and a TAP source says so in the report. Against the test
 * server that plays the fork, and the fork itself where a build is given.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ClusterClients,
  checkPlacement,
  makeDataset,
  seedCluster,
} from '../../support/cluster-data.js';
import { writeSettingsFile } from '../../support/cli-harness.js';
import { runAstaire as astaire } from '../../support/cli-process.js';
import {
  clearwaterKinds,
  startMemcached,
  type MemcachedProcess,
} from '../../support/memcached-process.js';

const { kinds, skip } = clearwaterKinds();
if (skip !== undefined) console.log(skip);

for (const kind of kinds) {
  describe(`astaire status, resize and verify on a mixed cluster (${kind})`, () => {
    let nodes: MemcachedProcess[];
    let file: string;
    let settings: { servers: string[]; newServers: string[] };
    const clients = new ClusterClients();
    const items = makeDataset({ seed: 440, count: 2000, awkwardKeys: true, ttls: true });

    before(async () => {
      // Fork, stock, fork hold the data; a stock node joins.
      nodes = await Promise.all(
        (['fork', 'stock', 'fork', 'stock'] as const).map((which) =>
          startMemcached({ kind: which === 'fork' ? kind : 'stock' }),
        ),
      );
      const n = nodes.map((node) => node.address);
      settings = { servers: n.slice(0, 3), newServers: n };
      file = writeSettingsFile(
        `servers=${settings.servers.join(',')}\nnew_servers=${n.join(',')}\n`,
      );
      await seedCluster(clients, n, settings.servers, items);
    });
    after(async () => {
      await clients.close();
      await Promise.all(nodes.map((node) => node.stop()));
    });

    it("status names each node's memcached", async () => {
      const run = await astaire(['status', '--settings', file, '--json']);
      assert.equal(run.status, 0, run.stderr);
      const statuses = JSON.parse(run.stdout) as { dialect: string; allowsDumps: boolean }[];
      assert.deepEqual(
        statuses.map((s) => s.dialect),
        ['clearwater', 'stock', 'clearwater', 'stock'],
      );
      assert.ok(statuses.every((s) => s.allowsDumps));
      const table = await astaire(['status', '--settings', file]);
      assert.match(table.stdout, /Clearwater memcached \(TAP\)/);
      assert.match(table.stdout, /memcached \(meta\)/);
    });

    it('resize resyncs every new node, and verify finds every key on its new replicas', async () => {
      const run = await astaire(['resize', '--settings', file]);
      assert.equal(run.status, 0, run.stdout + run.stderr);
      assert.match(run.stdout + run.stderr, /\(TAP\)/, 'a TAP source is named as one');
      const placement = await checkPlacement(settings, items, clients);
      assert.deepEqual(placement.wrong.slice(0, 10), []);
      const verify = await astaire(['verify', '--settings', file, '--json']);
      assert.equal(verify.status, 0, verify.stdout + verify.stderr);
      const report = JSON.parse(verify.stdout.trim().split('\n').at(-1) ?? '{}') as {
        isClean?: boolean;
        missing?: number;
        checked?: number;
      };
      assert.equal(report.isClean, true, verify.stdout);
      assert.equal(report.missing, 0);
      assert.ok((report.checked ?? 0) >= items.length, 'every key checked on its new replicas');
    });
  });
}
