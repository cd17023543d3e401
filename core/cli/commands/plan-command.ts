/**
 * `astaire plan`: what a cluster_settings file means for every vbucket and every node, and with
 * --estimate, how much the resize will move (read from the sources' stats).
 */
import { UsageError } from '../../errors.js';
import { formatSettingsWarning } from '../../cluster/settings-lint.js';
import { buildPlan, planToJson } from '../../cluster/plan.js';
import { SURVEY_DEADLINES } from '../../resize/cluster-survey.js';
import { estimateResize, type ResizeEstimate } from '../../resize/plan-estimate.js';
import { DEFAULT_RESIZE_PARALLEL } from '../../resync/resync-engine.js';
import { formatBytes, formatCount, formatDuration } from '../../util/format-units.js';
import { byteRateOption, parseCommandArgs } from '../cli-args.js';
import { MODEL_OPTIONS, MODEL_OPTIONS_HELP, modelOptions } from '../model-options.js';
import { EXIT_FAILURE, EXIT_OK, type CliIo } from '../cli-io.js';
import { withNodeAccess } from '../node-access.js';
import { renderPlan } from '../render-plan.js';
import { loadSettings } from '../settings-file.js';

export const PLAN_HELP = `Usage: astaire plan --settings FILE [--json] [--vbuckets N] [--replicas N]
       astaire plan --demo [--json]
       astaire plan --settings FILE --estimate [--full] [--profile FILE] [--at-rate N] [--json]

Shows what the cluster_settings FILE means: which vbuckets move, each node's role, the vbuckets it
holds before and after, its resync worklist, and where each vbucket's primary goes. Reads only the
file; nothing is contacted or changed.

With --estimate, reads each source's item count and memory in use instead (stats only, nothing is
written) and shows what each node of new_servers will be sent: vbuckets, keys and bytes per source,
each source's share being the vbuckets streamed from it over those it holds. Bytes include
memcached's own item overhead, so they run a little above what the resync counts as moved.

  --settings FILE  the cluster_settings file (servers= and, during a resize, new_servers=)
  --demo           plan the built-in demo cluster (three loopback nodes growing to four)
  --json           print the plan as JSON: servers, newServers, vbuckets, worklists
  --estimate       estimate the resize's work from the sources' stats
  --full           estimate full resyncs (every vbucket each target will hold)
  --profile FILE   reach nodes as this cluster profile says (SSH tunnels, jump hosts)
  --at-rate N      show times at N bytes per second into each target (K, M, G multiply by 1024),
                   ${DEFAULT_RESIZE_PARALLEL} targets at a time in new_servers order; the console uses the rate its
                   latest resync measured
${MODEL_OPTIONS_HELP}

Exit status with --estimate: 1 when a source could not be read (its share is left out).

Warnings about suspicious but accepted content go to standard error (see "astaire lint").
`;

export async function runPlanCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    'plan',
    args,
    {
      settings: { type: 'string' },
      demo: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      estimate: { type: 'boolean', default: false },
      full: { type: 'boolean', default: false },
      profile: { type: 'string' },
      'at-rate': { type: 'string' },
      ...MODEL_OPTIONS,
    },
    false,
  );
  if ((values.settings === undefined) === !values.demo) {
    throw new UsageError(
      'BAD_ARGUMENTS',
      'plan: give either --settings FILE or --demo (see "astaire plan --help")',
    );
  }
  if (!values.estimate && (values.full || values.profile !== undefined)) {
    throw new UsageError(
      'BAD_ARGUMENTS',
      'plan: --full and --profile go with --estimate (see "astaire plan --help")',
    );
  }
  if (!values.estimate && values['at-rate'] !== undefined) {
    throw new UsageError('BAD_ARGUMENTS', 'plan: --at-rate goes with --estimate');
  }
  const loaded = await loadSettings(values.settings, io.cwd);
  if (values.estimate) {
    const bytesPerSecond = byteRateOption('plan', 'at-rate', values['at-rate']);
    for (const warning of loaded.warnings) io.stderr.write(formatSettingsWarning(warning) + '\n');
    const estimate = await withNodeAccess(
      values.profile,
      io,
      ({ connect }) =>
        estimateResize({
          settings: loaded.settings,
          where: loaded.file,
          full: values.full,
          connect,
          rate:
            bytesPerSecond === undefined || bytesPerSecond === 0
              ? null
              : { bytesPerSecond, basis: 'given with --at-rate' },
          ...modelOptions('plan', values),
        }),
      SURVEY_DEADLINES,
    );
    io.stdout.write(
      values.json ? JSON.stringify(estimate) + '\n' : renderEstimate(estimate, loaded.file),
    );
    return estimate.unsampled.length === 0 ? EXIT_OK : EXIT_FAILURE;
  }
  const plan = buildPlan(loaded.settings, modelOptions('plan', values));

  for (const warning of loaded.warnings) io.stderr.write(formatSettingsWarning(warning) + '\n');
  io.stdout.write(
    values.json ? JSON.stringify(planToJson(plan)) + '\n' : renderPlan(plan, loaded.file),
  );
  return EXIT_OK;
}

function renderEstimate(estimate: ResizeEstimate, file: string): string {
  const lines = [
    `Estimate of the resize in ${file} (${estimate.full ? 'full' : 'minimal'} resyncs), ` +
      `sampled ${estimate.sampledAt}:`,
  ];
  const time = (seconds: number | null) =>
    seconds === null ? '' : `, about ${formatDuration(seconds * 1000)}`;
  for (const target of estimate.targets) {
    if (target.vbuckets === 0) {
      lines.push(`  ${target.target}: nothing to stream (its worklist is empty)`);
      continue;
    }
    const atLeast = target.unsampledSources.length > 0 ? 'at least ' : '';
    lines.push(
      `  ${target.target}: ${target.vbuckets} vbuckets, ${atLeast}${formatCount(target.keys)} keys, ` +
        `${atLeast}${formatBytes(target.bytes)}${time(target.seconds)}` +
        (atLeast === '' ? '' : ` (not sampled: ${target.unsampledSources.join(', ')})`),
    );
    for (const source of target.sources) {
      lines.push(
        `    from ${source.node}: ${source.vbuckets} vbuckets, ${formatCount(source.keys)} keys, ` +
          `${formatBytes(source.bytes)}`,
      );
    }
  }
  const atLeast = estimate.unsampled.length > 0 ? 'at least ' : '';
  lines.push(
    `  total: ${atLeast}${formatCount(estimate.keys)} keys, ${atLeast}${formatBytes(estimate.bytes)}`,
  );
  lines.push(
    estimate.rate === null
      ? '  time: no rate known (give --at-rate N to see times)'
      : estimate.seconds === null
        ? '  time: unknown, since a source could not be sampled'
        : `  time: about ${formatDuration(estimate.seconds * 1000)} for the resize, ` +
          `${DEFAULT_RESIZE_PARALLEL} targets at a time, at ${formatBytes(estimate.rate.bytesPerSecond)}/s ` +
          `into each (${estimate.rate.basis})`,
  );
  for (const { node, error } of estimate.unsampled) {
    lines.push(`  NOT SAMPLED: ${node}: ${error.message}; its share is missing from the figures`);
  }
  return lines.join('\n') + '\n';
}
