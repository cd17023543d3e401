/**
 * `astaire demo`: the main job on a cluster of its own. Starts the built-in demo cluster (four
 * memcached processes on loopback), loads sample data through the old view, resizes it 3 -> 4 with
 * a real resync, verifies, and stops the processes again.
 */
import { ConfigError } from '../../errors.js';
import { buildPlan } from '../../cluster/plan.js';
import {
  DEFAULT_DEMO_KEYS,
  demoSettings,
  startDemoCluster,
  type DemoCluster,
} from '../../demo/demo-cluster.js';
import { DEMO_SETTINGS_NAME } from '../../demo/demo-settings.js';
import { verifyResize } from '../../resync/verify.js';
import { directConnector } from '../../transport/node-connector.js';
import { integerOption, parseCommandArgs } from '../cli-args.js';
import { EXIT_FAILURE, EXIT_OK, type CliIo } from '../cli-io.js';
import { formatCount } from '../../util/format-units.js';
import { runResyncs } from '../resync-runs.js';
import { renderKeysMoved } from '../resync-report.js';
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
  const keys = integerOption('demo', 'keys', values.keys) ?? DEFAULT_DEMO_KEYS;
  const say = (text: string) => io.stdout.write(text + '\n');
  let demo: DemoCluster;
  try {
    demo = await startDemoCluster(keys, say);
  } catch (error) {
    if (!(error instanceof ConfigError && error.code === 'MEMCACHED_NOT_FOUND')) throw error;
    // Without memcached there is no cluster to resync: show what the resize would move instead.
    say(`${error.message}.\nWithout it the demo shows the plan of the resize only:\n`);
    io.stdout.write(renderPlan(buildPlan(demoSettings()), DEMO_SETTINGS_NAME));
    return EXIT_OK;
  }
  const { settings } = demo;
  const connect = directConnector();
  try {
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
    io.stdout.write(renderKeysMoved(settings.newServers, summaries));
    const report = await verifyResize({ settings, connect });
    say(
      `Verified ${formatCount(report.checked)} key copies: ${formatCount(report.missing)} missing, ` +
        `${formatCount(report.stale)} stale. ${report.isClean ? 'Verification passed.' : 'Verification FAILED.'}`,
    );
    return isComplete && report.isClean ? EXIT_OK : EXIT_FAILURE;
  } finally {
    if (values.keep) {
      say(
        `The demo cluster keeps running: stop it with kill ${demo.processes.map((m) => m.pid).join(' ')}`,
      );
    } else {
      await demo.stop();
      say('Demo cluster stopped.');
    }
  }
}
