/**
 * Running resyncs from the CLI (`resync`, `resize`, `demo`): the job options every command builds
 * the same way, several targets at a time, live progress or JSON events, and each summary.
 */
import { resolve } from 'node:path';
import type { ClusterSettings } from '../cluster/cluster-settings.js';
import { formatSettingsWarning, type SettingsWarning } from '../cluster/settings-lint.js';
import { checkpointStoreIn } from '../resync/resync-checkpoint.js';
import { ResyncJob, type ResyncOptions, type ResyncSummary } from '../resync/resync-engine.js';
import type { NodeConnector } from '../transport/node-connector.js';
import { byteRateOption, type OptionSpec } from './cli-args.js';
import type { CliIo } from './cli-io.js';
import { MODEL_OPTIONS, modelOptions } from './model-options.js';
import { HumanResyncProgress, jsonResyncObserver, renderResyncSummary } from './resync-report.js';
import { summaryToJson } from '../resync/resync-summary-json.js';
import { runPool } from '../util/run-pool.js';

/** The options every command that runs resyncs takes (resync, resize). */
export const RESYNC_RUN_OPTIONS = {
  settings: { type: 'string' },
  full: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  rate: { type: 'string' },
  profile: { type: 'string' },
  checkpoint: { type: 'string' },
  ...MODEL_OPTIONS,
} as const satisfies OptionSpec;

/** How the commands that run resyncs describe --checkpoint. */
export const CHECKPOINT_HELP = `  --checkpoint DIR save each node's progress in DIR as vbuckets finish, and carry on from what
                   is there: a run cut short (killed, a reboot) then streams again only what
                   had not finished, unless the node was restarted since; delete DIR to start
                   over`;

/** What a command's options say about its resyncs. */
export interface ResyncRequest {
  readonly command: string;
  readonly settings: ClusterSettings;
  readonly warnings?: readonly SettingsWarning[];
  readonly connect: NodeConnector;
  readonly full: boolean;
  readonly json: boolean;
  readonly rate?: string | undefined;
  readonly vbuckets?: string | undefined;
  readonly replicas?: string | undefined;
  /** A retry: only these vbuckets of the worklist. */
  readonly onlyVbuckets?: readonly number[] | undefined;
  /** A retry: stream only from this replica. */
  readonly onlySource?: string | undefined;
  /** The folder of the checkpoints (--checkpoint), relative to the working directory. */
  readonly checkpoint?: string | undefined;
}

export interface ResyncRunsOptions {
  readonly parallel: number;
  /** Where a human summary goes (it follows the progress line, on stderr, unless said otherwise). */
  readonly printSummary?: (text: string) => void;
  /** A line for people once every target is known to be valid, before anything is contacted. */
  readonly announce?: (
    worklists: ReadonlyMap<string, ReadonlyMap<number, readonly string[]>>,
  ) => string;
}

export function resyncJobOptions(target: string, request: ResyncRequest, io: CliIo): ResyncOptions {
  return {
    target,
    settings: request.settings,
    full: request.full,
    connect: request.connect,
    rateLimit: byteRateOption(request.command, 'rate', request.rate) ?? 0,
    ...modelOptions(request.command, request),
    ...(request.onlyVbuckets === undefined ? {} : { onlyVbuckets: request.onlyVbuckets }),
    ...(request.onlySource === undefined ? {} : { onlySource: request.onlySource }),
    ...(io.signal === undefined ? {} : { signal: io.signal }),
    ...(request.checkpoint === undefined
      ? {}
      : {
          checkpoint: {
            store: checkpointStoreIn(resolve(io.cwd, request.checkpoint), target),
            resume: true,
          },
        }),
  };
}

/**
 * Resyncs `targets`, `parallel` at a time. Every target is checked first (a node the settings do
 * not name is refused before anything is printed or contacted); then settings warnings, progress
 * (or JSON events) and each summary are printed. Resolves with the summaries, in finishing order.
 */
export async function runResyncs(
  targets: readonly string[],
  request: ResyncRequest,
  io: CliIo,
  options: ResyncRunsOptions,
): Promise<ResyncSummary[]> {
  const worklists = new Map(
    targets.map((target) => [
      target,
      new ResyncJob(resyncJobOptions(target, request, io)).worklist(),
    ]),
  );
  for (const warning of request.warnings ?? [])
    io.stderr.write(formatSettingsWarning(warning) + '\n');
  const progress = request.json ? undefined : new HumanResyncProgress(io.stderr);
  if (progress !== undefined && options.announce !== undefined)
    io.stderr.write(options.announce(worklists) + '\n');

  const summaries: ResyncSummary[] = [];
  await runPool(
    targets,
    options.parallel,
    async (target) => {
      const observer =
        progress === undefined
          ? jsonResyncObserver(io, target)
          : progress.observerFor(target, worklists.get(target)?.size ?? 0);
      const summary = await new ResyncJob({
        ...resyncJobOptions(target, request, io),
        observer,
      }).run();
      summaries.push(summary);
      if (progress === undefined) {
        io.stdout.write(JSON.stringify({ event: 'summary', ...summaryToJson(summary) }) + '\n');
      } else if (options.printSummary === undefined) {
        progress.log(renderResyncSummary(summary).trimEnd());
      } else {
        progress.clear();
        options.printSummary(renderResyncSummary(summary));
      }
    },
    () => io.signal?.aborted === true,
  );
  progress?.clear();
  return summaries;
}
