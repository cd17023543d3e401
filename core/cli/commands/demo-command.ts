/**
 * `astaire demo`: the main job on a cluster of its own. Starts the built-in demo cluster (four
 * memcached processes on loopback), loads sample data through the old view, resizes it 3 -> 4 with
 * a real resync, verifies, and stops the processes again.
 */
import { ConfigError } from '../../errors.js';
import { parseClusterSettings } from '../../cluster/cluster-settings.js';
import { clusterNodes } from '../../cluster/worklist.js';
import { buildPlan } from '../../cluster/plan.js';
import { DEMO_SETTINGS_NAME, DEMO_SETTINGS_TEXT } from '../../demo/demo-settings.js';
import { startLocalMemcached, type LocalMemcached } from '../../demo/local-memcached.js';
import { loadSampleData } from '../../demo/sample-data.js';
import { verifyResize } from '../../resync/verify.js';
import { directConnector } from '../../transport/node-connector.js';
import { integerOption, parseCommandArgs } from '../cli-args.js';
import { EXIT_FAILURE, EXIT_OK, type CliIo } from '../cli-io.js';
import { formatCount } from '../format-units.js';
import { runResyncs } from '../resync-runs.js';
import { renderPlan } from '../render-plan.js';

export const DEMO_HELP = `Usage: astaire demo [--keys N] [--keep]

Runs a whole resync on a demo cluster of its own: starts four memcached processes on loopback
(127.0.0.1-4, port 11311; needs memcached installed), loads N sample keys (default 20,000) through
the three-node view, resyncs every node of the four-node view, verifies that every key is where
the new allocation says, and stops the processes.

  --keys N   sample keys to load
  --keep     leave the demo cluster running (its pids are printed)
`;

export async function runDemoCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    'demo',
    args,
    { keys: { type: 'string' }, keep: { type: 'boolean', default: false } },
    false,
  );
  const keys = integerOption('demo', 'keys', values.keys) ?? 20_000;
  const settings = parseClusterSettings(DEMO_SETTINGS_TEXT, DEMO_SETTINGS_NAME);
  const connect = directConnector();
  const nodes = clusterNodes(settings);
  const started: LocalMemcached[] = [];
  const say = (text: string) => io.stdout.write(text + '\n');
  try {
    say(`Starting the demo cluster: memcached on ${nodes.join(', ')}`);
    try {
      for (const node of nodes) started.push(await startLocalMemcached(node));
    } catch (error) {
      if (!(error instanceof ConfigError && error.code === 'MEMCACHED_NOT_FOUND')) throw error;
      // Without memcached there is no cluster to resync: show what the resize would move instead.
      say(`${error.message}.\nWithout it the demo shows the plan of the resize only:\n`);
      io.stdout.write(renderPlan(buildPlan(settings), DEMO_SETTINGS_NAME));
      return EXIT_OK;
    }
    say(
      `Loading ${formatCount(keys)} sample keys through the old view (servers=${settings.servers.join(',')})`,
    );
    await loadSampleData(settings, keys, connect);
    const plan = buildPlan(settings);
    say(
      `Resize ${settings.servers.length} -> ${settings.newServers.length}: ${plan.movingVbuckets} of ` +
        `${plan.view.vbuckets.length} vbuckets move; resyncing every node of new_servers`,
    );
    const summaries = await runResyncs(
      settings.newServers,
      { command: 'demo', settings, connect, full: false, json: false },
      io,
      { parallel: 1, printSummary: (text) => io.stdout.write(text) },
    );
    const isComplete = summaries.every((summary) => summary.isComplete);
    const report = await verifyResize({ settings, connect });
    say(
      `Verified ${formatCount(report.checked)} key copies: ${formatCount(report.missing)} missing, ` +
        `${formatCount(report.stale)} stale. ${report.isClean ? 'Verification passed.' : 'Verification FAILED.'}`,
    );
    return isComplete && report.isClean ? EXIT_OK : EXIT_FAILURE;
  } finally {
    if (values.keep && started.length === nodes.length) {
      say(
        `The demo cluster keeps running: stop it with kill ${started.map((m) => m.pid).join(' ')}`,
      );
    } else {
      await Promise.all(started.map((m) => m.stop()));
      if (started.length > 0) say('Demo cluster stopped.');
    }
  }
}
