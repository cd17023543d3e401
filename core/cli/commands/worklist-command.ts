/** `astaire worklist`: the vbuckets one node must fetch, and from where. */
import { UsageError } from '../../errors.js';
import { computeStoreView } from '../../cluster/store-view.js';
import { computeWorklist, nodeRole, clusterNodes } from '../../cluster/worklist.js';
import { worklistToJson } from '../../cluster/plan.js';
import { formatSettingsWarning } from '../../cluster/settings-lint.js';
import { parseCommandArgs } from '../cli-args.js';
import { MODEL_OPTIONS, MODEL_OPTIONS_HELP, modelOptions } from '../model-options.js';
import { EXIT_OK, type CliIo } from '../cli-io.js';
import { loadSettings } from '../settings-file.js';
import { formatTable } from '../text-table.js';

export const WORKLIST_HELP = `Usage: astaire worklist --settings FILE --node NODE [--full] [--json]
                        [--vbuckets N] [--replicas N]

Prints the resync worklist of NODE (as named in cluster_settings): each vbucket it must fetch and
the replicas to stream it from, in the order they are tried.

  --full      as if NODE had lost its data (after a restart): every vbucket it will hold
  --json      print {"node", "role", "full", "worklist": {"<vbucket>": [sources...]}}
${MODEL_OPTIONS_HELP}
`;

export async function runWorklistCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    'worklist',
    args,
    {
      settings: { type: 'string' },
      node: { type: 'string' },
      full: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      ...MODEL_OPTIONS,
    },
    false,
  );
  if (values.settings === undefined || values.node === undefined) {
    throw new UsageError('BAD_ARGUMENTS', 'worklist: --settings FILE and --node NODE are required');
  }
  const { file, settings, warnings } = await loadSettings(values.settings, io.cwd);
  const node = values.node;
  const role = nodeRole(settings, node);
  if (role === 'not-a-member') {
    throw new UsageError(
      'UNKNOWN_NODE',
      `worklist: ${node} is not named in ${file}; its servers are: ${clusterNodes(settings).join(', ') || 'none'}`,
    );
  }
  const view = computeStoreView(settings, modelOptions('worklist', values));
  const worklist = computeWorklist(view, node, { full: values.full });

  for (const warning of warnings) io.stderr.write(formatSettingsWarning(warning) + '\n');
  if (values.json) {
    const report = { node, role, full: values.full, worklist: worklistToJson(worklist) };
    io.stdout.write(JSON.stringify(report) + '\n');
    return EXIT_OK;
  }
  const kind = values.full ? 'full' : 'minimal';
  io.stdout.write(`${node} (${role}): ${worklist.size} vbuckets to fetch (${kind} resync)\n`);
  if (worklist.size > 0) {
    io.stdout.write(
      formatTable(
        ['vbucket', 'sources, in order'],
        [...worklist].map(([vbucket, sources]) => [String(vbucket), sources.join(', ')]),
        ['right', 'left'],
      ),
    );
  }
  return EXIT_OK;
}
