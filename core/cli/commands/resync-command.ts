/** `astaire resync` (and the original `astaire <target> <cluster_settings>`): fill one node. */
import { UsageError } from '../../errors.js';
import { parseCommandArgs } from '../cli-args.js';
import { EXIT_FAILURE, EXIT_OK, type CliIo } from '../cli-io.js';
import { MODEL_OPTIONS_HELP } from '../model-options.js';
import { withNodeAccess } from '../node-access.js';
import { CHECKPOINT_HELP, RESYNC_RUN_OPTIONS, runResyncs } from '../resync-runs.js';
import { loadSettings } from '../settings-file.js';
import { countOf } from '../../util/format-units.js';

export const RESYNC_HELP = `Usage: astaire resync --target NODE --settings FILE [--full] [--json] [--rate BYTES_PER_S]
                      [--only-vbuckets LIST] [--source NODE] [--checkpoint DIR]
       astaire NODE FILE                          (the original Astaire usage)

Streams to NODE every vbucket its worklist lists (see "astaire worklist"), from the vbucket's
current replicas, primary first; a source that fails is replaced by the next replica. Keys are
added when NODE lacks them and replaced only when NODE holds an older copy: newer data is never
overwritten. When every vbucket is streamed, NODE gets a tag record.

To retry what failed, --only-vbuckets and --source stream part of the worklist only; such a
resync never writes the tag record (it says the whole node was resynced).

  --target NODE    the node to fill, as named in cluster_settings (host:port)
  --settings FILE  the cluster_settings file
  --full           stream every vbucket NODE will hold, not only those it lacks (after a restart)
  --json           print one JSON event per line, then a {"event": "summary"} object
  --profile FILE   reach nodes as this cluster profile says (SSH tunnels, jump hosts)
  --rate N         limit the stream into NODE to N bytes per second; K, M and G multiply by
                   1024 (default: no limit)
${CHECKPOINT_HELP}
  --only-vbuckets LIST
                   stream only these vbuckets of the worklist, such as 3,7,12 (each must be in
                   it; --vbuckets is the number of vbuckets in the cluster, not a list)
  --source NODE    stream only from NODE, never failing over to another replica; NODE must be
                   a replica of each vbucket streamed (without --only-vbuckets: those of the
                   worklist it is a replica of)
${MODEL_OPTIONS_HELP}

Exit status 0 only when every vbucket of the worklist was streamed; 1 otherwise.
`;

export async function runResyncCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    'resync',
    args,
    {
      target: { type: 'string' },
      'only-vbuckets': { type: 'string' },
      source: { type: 'string' },
      ...RESYNC_RUN_OPTIONS,
    },
    false,
  );
  const { target } = values;
  if (target === undefined || values.settings === undefined) {
    throw new UsageError('BAD_ARGUMENTS', 'resync: --target NODE and --settings FILE are required');
  }
  const onlyVbuckets = vbucketListOption(values['only-vbuckets']);
  const { settings, warnings } = await loadSettings(values.settings, io.cwd);
  const request = {
    ...values,
    command: 'resync',
    settings,
    warnings,
    onlyVbuckets,
    onlySource: values.source,
  };
  const [summary] = await withNodeAccess(values.profile, io, ({ connect }) =>
    runResyncs([target], { ...request, connect }, io, {
      parallel: 1,
      printSummary: (text) => io.stdout.write(text),
      announce: (worklists) => {
        const worklist = worklists.get(target) ?? new Map();
        const sources = new Set([...worklist.values()].map((list) => list[0]));
        const retry =
          onlyVbuckets === undefined && values.source === undefined
            ? ''
            : ', a retry of part of its worklist';
        return (
          `Resync of ${target} (${values.full ? 'full' : 'minimal'}${retry}): ${worklist.size} ` +
          `vbuckets from ${countOf(sources.size, 'source')}`
        );
      },
    }),
  );
  return summary?.isComplete === true ? EXIT_OK : EXIT_FAILURE;
}

/** "3,7,12" as vbucket numbers; undefined when the option was not given. */
function vbucketListOption(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map((part) => part.trim());
  if (parts.some((part) => !/^[0-9]+$/.test(part))) {
    throw new UsageError(
      'BAD_ARGUMENTS',
      `resync: --only-vbuckets must list vbucket numbers separated by commas, such as 3,7,12, not "${text}"`,
    );
  }
  return parts.map(Number);
}
