/** `astaire resize`: resync every node of new_servers, several at a time. */
import { UsageError } from '../../errors.js';
import { integerOption, parseCommandArgs } from '../cli-args.js';
import { EXIT_FAILURE, EXIT_OK, type CliIo } from '../cli-io.js';
import { MODEL_OPTIONS_HELP } from '../model-options.js';
import { DEFAULT_RESIZE_PARALLEL, resizeTargets } from '../../resync/resync-engine.js';
import { withNodeAccess } from '../node-access.js';
import { renderKeysMoved } from '../resync-report.js';
import { CHECKPOINT_HELP, RESYNC_RUN_OPTIONS, runResyncs } from '../resync-runs.js';
import { loadSettings } from '../settings-file.js';

export const RESIZE_HELP = `Usage: astaire resize --settings FILE [--parallel N] [--full] [--json] [--rate BYTES_PER_S]
                      [--checkpoint DIR]

Step 3 of a resize: resyncs every node listed in new_servers (see "astaire resync"), at most N at
a time. Run it after cluster_settings with servers and new_servers is on every node and every
node has reloaded it; when it succeeds, verify ("astaire verify"), then write only the new
servers list and reload again.

  --settings FILE  the cluster_settings file, with servers= and new_servers=
  --parallel N     nodes resynced at once (default ${DEFAULT_RESIZE_PARALLEL})
  --full           full resyncs (every vbucket each node will hold)
  --json           one JSON event per line (each with its "target"), then one summary per node
  --profile FILE   reach nodes as this cluster profile says (SSH tunnels, jump hosts)
  --rate N         bytes per second into each node; K, M and G multiply by 1024 (default: none)
${CHECKPOINT_HELP}
${MODEL_OPTIONS_HELP}

Exit status 0 only when every node's resync streamed every vbucket; 1 otherwise.
`;

export async function runResizeCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    'resize',
    args,
    { parallel: { type: 'string' }, ...RESYNC_RUN_OPTIONS },
    false,
  );
  if (values.settings === undefined)
    throw new UsageError('BAD_ARGUMENTS', 'resize: --settings FILE is required');
  const parallel = integerOption('resize', 'parallel', values.parallel) ?? DEFAULT_RESIZE_PARALLEL;
  if (parallel < 1) throw new UsageError('BAD_ARGUMENTS', 'resize: --parallel must be at least 1');
  const { file, settings, warnings } = await loadSettings(values.settings, io.cwd);
  const targets = resizeTargets(settings, file);
  const summaries = await withNodeAccess(values.profile, io, ({ connect }) =>
    runResyncs(targets, { ...values, command: 'resize', settings, warnings, connect }, io, {
      parallel,
      announce: (worklists) => {
        const total = [...worklists.values()].reduce((sum, w) => sum + w.size, 0);
        return (
          `Resize: ${settings.servers.length} -> ${settings.newServers.length} servers; resyncing ` +
          `${targets.length} nodes (${total} vbuckets in all), ${parallel} at a time`
        );
      },
    }),
  );
  const complete = summaries.filter((s) => s.isComplete).length;
  const allComplete = complete === targets.length;
  if (!values.json) {
    io.stdout.write(
      allComplete
        ? `Resize resync complete: all ${targets.length} nodes streamed every vbucket. Next: ` +
            '"astaire verify", then write only the new servers list and reload.\n'
        : `Resize resync NOT complete: ${complete} of ${targets.length} nodes finished. Fix the ` +
            'failures above and run it again (it is safe to repeat).\n',
    );
    io.stdout.write(renderKeysMoved(targets, summaries));
  }
  return allComplete ? EXIT_OK : EXIT_FAILURE;
}
