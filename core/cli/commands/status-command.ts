/** `astaire status`: every node of cluster_settings, as it is now. */
import { UsageError } from '../../errors.js';
import { clusterStatus, type NodeStatus } from '../../resync/node-status.js';
import { directConnector } from '../../transport/node-connector.js';
import { parseCommandArgs } from '../cli-args.js';
import { EXIT_FAILURE, EXIT_OK, type CliIo } from '../cli-io.js';
import { formatBytes, formatCount } from '../format-units.js';
import { loadSettings } from '../settings-file.js';
import { formatTable } from '../text-table.js';

export const STATUS_HELP = `Usage: astaire status --settings FILE [--json]

Shows every node named in the cluster_settings FILE: whether it answers, its memcached version,
items, memory, evictions, whether it allows key dumps (a resync source must), and whether it has
the tag record of its last resync (a node without one has lost its data since, or was never
resynced: give it a full resync).

  --json    print [{"node", "role", "isReachable", "version", "items", "bytes", "maxBytes",
            "evictions", "allowsDumps", "tag", "error"}, ...]

Exit status 0 when every node answered; 1 otherwise.
`;

export async function runStatusCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    'status',
    args,
    { settings: { type: 'string' }, json: { type: 'boolean', default: false } },
    false,
  );
  if (values.settings === undefined)
    throw new UsageError('BAD_ARGUMENTS', 'status: --settings FILE is required');
  const { settings } = await loadSettings(values.settings, io.cwd);
  const statuses = await clusterStatus(
    settings,
    directConnector({ timeoutMs: 3000, connectTimeoutMs: 3000 }),
  );
  if (values.json) {
    io.stdout.write(JSON.stringify(statuses) + '\n');
  } else {
    io.stdout.write(renderStatus(statuses));
  }
  return statuses.every((s) => s.isReachable) ? EXIT_OK : EXIT_FAILURE;
}

function renderStatus(statuses: readonly NodeStatus[]): string {
  const rows = statuses.map((s) =>
    s.isReachable
      ? [
          s.node,
          s.role,
          'up',
          s.version ?? '',
          formatCount(s.items ?? 0),
          `${formatBytes(s.bytes ?? 0)} / ${formatBytes(s.maxBytes ?? 0)}`,
          formatCount(s.evictions ?? 0),
          s.allowsDumps === true ? 'yes' : 'NO',
          s.tag === null || s.tag === undefined ? 'missing' : s.tag.resyncedAt,
        ]
      : [s.node, s.role, 'DOWN', '', '', '', '', '', ''],
  );
  let text = formatTable(
    [
      'node',
      'role',
      'state',
      'version',
      'items',
      'memory',
      'evictions',
      'dumps',
      'last resync (tag)',
    ],
    rows,
    ['left', 'left', 'left', 'left', 'right', 'right', 'right', 'left', 'left'],
  );
  for (const s of statuses) {
    if (s.error !== undefined) text += `  ${s.error.message}\n`;
    if (s.isReachable && s.allowsDumps === false) {
      text += `  ${s.node} does not allow key dumps: it cannot be a resync source (restart it without -X, with its LRU crawler on)\n`;
    }
  }
  return text;
}
