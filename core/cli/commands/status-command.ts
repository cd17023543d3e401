/** `astaire status`: every node of cluster_settings, as it is now. */
import { UsageError } from '../../errors.js';
import { DIALECT_LABELS } from '../../memcached/dialect.js';
import type { NodeStatus } from '../../resync/node-status.js';
import { SURVEY_DEADLINES, surveyCluster } from '../../resize/cluster-survey.js';
import type { NodeSettings } from '../../resize/node-settings.js';
import { withNodeAccess } from '../node-access.js';
import { parseCommandArgs } from '../cli-args.js';
import { EXIT_FAILURE, EXIT_OK, type CliIo } from '../cli-io.js';
import { formatBytes, formatCount } from '../../util/format-units.js';
import { loadSettings } from '../settings-file.js';
import { formatTable } from '../text-table.js';

export const STATUS_HELP = `Usage: astaire status --settings FILE [--json]

Shows every node named in the cluster_settings FILE: whether it answers, its memcached version
and kind (stock memcached with meta commands, or Clearwater's memcached with TAP dumps), items,
memory, evictions, whether it allows key dumps (a resync source must), and whether it has the tag
record of its last resync (a node without one has lost its data since, or was never resynced:
give it a full resync).

  --json    print [{"node", "role", "isReachable", "version", "dialect" ("stock" or
            "clearwater"), "items", "bytes", "maxBytes", "evictions", "allowsDumps", "tag",
            "error"}, ...]

  --profile FILE  reach nodes as this cluster profile says; also reads cluster_settings on each
            node over SSH and checks that they all agree

Exit status 0 when every node answered (and, with --profile, all agree); 1 otherwise.
`;

export async function runStatusCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    'status',
    args,
    {
      settings: { type: 'string' },
      profile: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    false,
  );
  if (values.settings === undefined)
    throw new UsageError('BAD_ARGUMENTS', 'status: --settings FILE is required');
  const { settings } = await loadSettings(values.settings, io.cwd);
  return withNodeAccess(
    values.profile,
    io,
    async (access) => {
      const { nodes: statuses, onNodes, agreement } = await surveyCluster(settings, access);
      if (values.json) {
        io.stdout.write(JSON.stringify(statuses) + '\n');
      } else {
        io.stdout.write(renderStatus(statuses));
        if (onNodes !== undefined && agreement !== undefined)
          io.stdout.write(renderNodeSettings(onNodes, agreement.agrees));
      }
      const isHealthy =
        statuses.every((s) => s.isReachable) && (agreement === undefined || agreement.isAgreed);
      return isHealthy ? EXIT_OK : EXIT_FAILURE;
    },
    SURVEY_DEADLINES,
  );
}

function renderNodeSettings(
  onNodes: readonly NodeSettings[],
  agrees: ReadonlyMap<string, boolean>,
): string {
  let text = '\ncluster_settings on each node:\n';
  for (const node of onNodes) {
    if (node.settings === undefined) {
      text += `  ${node.node}: UNREADABLE: ${node.error?.message ?? 'unknown error'}\n`;
      continue;
    }
    const mark = agrees.get(node.node) === true ? 'agrees' : 'DISAGREES';
    text += `  ${node.node}: ${mark}\n    servers=${node.settings.servers.join(',')}\n`;
    if (node.settings.newServers.length > 0)
      text += `    new_servers=${node.settings.newServers.join(',')}\n`;
  }
  const isAgreed = [...agrees.values()].every(Boolean);
  text += isAgreed
    ? 'All nodes agree.\n'
    : 'The nodes DISAGREE: make cluster_settings the same everywhere before resizing.\n';
  return text;
}

function renderStatus(statuses: readonly NodeStatus[]): string {
  const rows = statuses.map((s) =>
    s.isReachable
      ? [
          s.node,
          s.role,
          'up',
          s.version ?? '',
          s.dialect === undefined ? '' : DIALECT_LABELS[s.dialect],
          formatCount(s.items ?? 0),
          `${formatBytes(s.bytes ?? 0)} / ${formatBytes(s.maxBytes ?? 0)}`,
          formatCount(s.evictions ?? 0),
          s.allowsDumps === true ? 'yes' : 'NO',
          s.tag === null || s.tag === undefined ? 'missing' : s.tag.resyncedAt,
        ]
      : [s.node, s.role, 'DOWN', '', '', '', '', '', '', ''],
  );
  let text = formatTable(
    [
      'node',
      'role',
      'state',
      'version',
      'memcached',
      'items',
      'memory',
      'evictions',
      'dumps',
      'last resync (tag)',
    ],
    rows,
    ['left', 'left', 'left', 'left', 'left', 'right', 'right', 'right', 'left', 'left'],
  );
  for (const s of statuses) {
    if (s.error !== undefined) text += `  ${s.error.message}\n`;
    if (s.isReachable && s.allowsDumps === false) {
      text += `  ${s.node} does not allow key dumps: it cannot be a resync source (restart it without -X, with its LRU crawler on)\n`;
    }
  }
  return text;
}
