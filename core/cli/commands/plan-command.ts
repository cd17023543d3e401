/** `astaire plan`: what a cluster_settings file means for every vbucket and every node. */
import { UsageError } from '../../errors.js';
import { formatSettingsWarning } from '../../cluster/settings-lint.js';
import { buildPlan, planToJson } from '../../cluster/plan.js';
import { parseCommandArgs } from '../cli-args.js';
import { MODEL_OPTIONS, MODEL_OPTIONS_HELP, modelOptions } from '../model-options.js';
import { EXIT_OK, type CliIo } from '../cli-io.js';
import { renderPlan } from '../render-plan.js';
import { loadSettings } from '../settings-file.js';

export const PLAN_HELP = `Usage: astaire plan --settings FILE [--json] [--vbuckets N] [--replicas N]
       astaire plan --demo [--json]

Shows what the cluster_settings FILE means: which vbuckets move, each node's role, the vbuckets it
holds before and after, its resync worklist, and where each vbucket's primary goes. Reads only the
file; nothing is contacted or changed.

  --settings FILE  the cluster_settings file (servers= and, during a resize, new_servers=)
  --demo           plan the built-in demo cluster (three loopback nodes growing to four)
  --json           print the plan as JSON: servers, newServers, vbuckets, worklists
${MODEL_OPTIONS_HELP}

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
  const loaded = await loadSettings(values.settings, io.cwd);
  const plan = buildPlan(loaded.settings, modelOptions('plan', values));

  for (const warning of loaded.warnings) io.stderr.write(formatSettingsWarning(warning) + '\n');
  io.stdout.write(
    values.json ? JSON.stringify(planToJson(plan)) + '\n' : renderPlan(plan, loaded.file),
  );
  return EXIT_OK;
}
