/** `astaire resync` (and the original `astaire <target> <cluster_settings>`): fill one node. */
import { UsageError } from '../../errors.js';
import { formatSettingsWarning } from '../../cluster/settings-lint.js';
import { ResyncJob, type ResyncOptions } from '../../resync/resync-engine.js';
import type { NodeConnector } from '../../transport/node-connector.js';
import type { ClusterSettings } from '../../cluster/cluster-settings.js';
import type { SettingsWarning } from '../../cluster/settings-lint.js';
import { openNodeAccess } from '../node-access.js';
import { byteRateOption, parseCommandArgs } from '../cli-args.js';
import { EXIT_FAILURE, EXIT_OK, type CliIo } from '../cli-io.js';
import { MODEL_OPTIONS, MODEL_OPTIONS_HELP, modelOptions } from '../model-options.js';
import {
  HumanResyncProgress,
  jsonResyncObserver,
  renderResyncSummary,
  summaryToJson,
} from '../resync-report.js';
import { loadSettings } from '../settings-file.js';

export const RESYNC_HELP = `Usage: astaire resync --target NODE --settings FILE [--full] [--json] [--rate BYTES_PER_S]
       astaire NODE FILE                          (the original Astaire usage)

Streams to NODE every vbucket its worklist lists (see "astaire worklist"), from the vbucket's
current replicas, primary first; a source that fails is replaced by the next replica. Keys are
added when NODE lacks them and replaced only when NODE holds an older copy: newer data is never
overwritten. When every vbucket is streamed, NODE gets a tag record.

  --target NODE    the node to fill, as named in cluster_settings (host:port)
  --settings FILE  the cluster_settings file
  --full           stream every vbucket NODE will hold, not only those it lacks (after a restart)
  --json           print one JSON event per line, then a {"event": "summary"} object
  --profile FILE   reach nodes as this cluster profile says (SSH tunnels, jump hosts)
  --rate N         limit the stream into NODE to N bytes per second; K, M and G multiply by
                   1024 (default: no limit)
${MODEL_OPTIONS_HELP}

Exit status 0 only when every vbucket of the worklist was streamed; 1 otherwise.
`;

export async function runResyncCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    'resync',
    args,
    {
      target: { type: 'string' },
      settings: { type: 'string' },
      full: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      rate: { type: 'string' },
      profile: { type: 'string' },
      ...MODEL_OPTIONS,
    },
    false,
  );
  if (values.target === undefined || values.settings === undefined) {
    throw new UsageError('BAD_ARGUMENTS', 'resync: --target NODE and --settings FILE are required');
  }
  const { settings, warnings } = await loadSettings(values.settings, io.cwd);
  const access = await openNodeAccess(values.profile, io);
  try {
    return await resync(
      { ...values, target: values.target },
      settings,
      warnings,
      access.connect,
      io,
    );
  } finally {
    access.close();
  }
}

async function resync(
  values: {
    target: string;
    full: boolean;
    json: boolean;
    rate?: string | undefined;
    vbuckets?: string | undefined;
    replicas?: string | undefined;
  },
  settings: ClusterSettings,
  warnings: readonly SettingsWarning[],
  connect: NodeConnector,
  io: CliIo,
): Promise<number> {
  const options: ResyncOptions = {
    target: values.target,
    settings,
    full: values.full,
    connect,
    rateLimit: byteRateOption('resync', 'rate', values.rate) ?? 0,
    ...modelOptions('resync', values),
    ...(io.signal === undefined ? {} : { signal: io.signal }),
  };
  // Refuses a target the file does not name before anything is printed or contacted.
  const worklist = new ResyncJob(options).worklist();
  for (const warning of warnings) io.stderr.write(formatSettingsWarning(warning) + '\n');

  if (values.json) {
    const observed = new ResyncJob({ ...options, observer: jsonResyncObserver(io, values.target) });
    const summary = await observed.run();
    io.stdout.write(JSON.stringify({ event: 'summary', ...summaryToJson(summary) }) + '\n');
    return summary.isComplete ? EXIT_OK : EXIT_FAILURE;
  }

  const sources = new Set([...worklist.values()].map((list) => list[0]));
  io.stderr.write(
    `Resync of ${values.target} (${values.full ? 'full' : 'minimal'}): ${worklist.size} vbuckets ` +
      `from ${sources.size} sources\n`,
  );
  const progress = new HumanResyncProgress(io.stderr);
  const observed = new ResyncJob({
    ...options,
    observer: progress.observerFor(values.target, worklist.size),
  });
  const summary = await observed.run();
  progress.clear();
  io.stdout.write(renderResyncSummary(summary));
  return summary.isComplete ? EXIT_OK : EXIT_FAILURE;
}
