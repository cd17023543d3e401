/**
 * `astaire push-settings` and `astaire reload`: the remote steps of a resize (1 and 4: write
 * cluster_settings on every node; 2 and 5: make every node reload it), over SSH as a profile says.
 */
import { UsageError } from '../../errors.js';
import { clusterNodes } from '../../cluster/worklist.js';
import {
  applySettingsWrite,
  changesFile,
  planSettingsWrites,
  reloadNode,
} from '../../resize/node-settings.js';
import { parseCommandArgs } from '../cli-args.js';
import { EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, type CliIo } from '../cli-io.js';
import { withNodeAccess, type NodeAccess } from '../node-access.js';
import { loadSettings } from '../settings-file.js';
import { confirmOnTerminal } from '../terminal-prompts.js';

export const PUSH_SETTINGS_HELP = `Usage: astaire push-settings --settings FILE --profile FILE [--yes] [--dry-run]

Writes the servers and new_servers lists of the local cluster_settings FILE into cluster_settings
on every node it names (steps 1 and 4 of a resize), over SSH as the profile says. Every node's
file is read first and the change shown as a diff; nothing is written unless every node could be
read. Each write keeps the node's comments, owner and mode, leaves a timestamped backup beside the
file, and is refused if the file changed since it was read.

  --settings FILE  the cluster_settings to push (step 1: servers + new_servers; step 4: servers)
  --profile FILE   how to reach the nodes, and where cluster_settings is on them
  --yes            write without asking (needed when there is no terminal to ask on)
  --dry-run        show the diffs, write nothing

Exit status 0 when every node was written (or already held these lists); 1 when a write failed;
2 when nothing was written (refused, not confirmed, or a node could not be read).
`;

export const RELOAD_HELP = `Usage: astaire reload --settings FILE --profile FILE [--yes]

Runs the profile's reloadCommand on every node the cluster_settings FILE names (steps 2 and 5 of
a resize), one node at a time, and reports each outcome; a failing command's error output is
shown. Exit status 0 when every node reloaded.
`;

export async function runPushSettingsCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    'push-settings',
    args,
    {
      settings: { type: 'string' },
      profile: { type: 'string' },
      yes: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
    },
    false,
  );
  if (values.settings === undefined || values.profile === undefined) {
    throw new UsageError(
      'BAD_ARGUMENTS',
      'push-settings: --settings FILE and --profile FILE are required',
    );
  }
  const { settings } = await loadSettings(values.settings, io.cwd);
  return withNodeAccess(values.profile, io, async (access) => {
    const { profile, connector } = requireProfile(access);
    const nodes = clusterNodes(settings);
    io.stderr.write(`Reading cluster_settings on ${nodes.length} nodes...\n`);
    const { planned, unreadable } = await planSettingsWrites(connector, profile, nodes, settings);
    for (const plan of planned) {
      const changes = plan.diff
        .split('\n')
        .some((line) => line.startsWith('+') || line.startsWith('-'));
      io.stdout.write(
        `--- ${plan.node}:${plan.file.path}\n${changes ? plan.diff : '  (already holds these lists)\n'}`,
      );
    }
    if (unreadable.length > 0) {
      io.stderr.write(
        'astaire: nothing was written; these nodes could not be read:\n' +
          unreadable.map(({ node, error }) => `  ${node}: ${error.message}\n`).join(''),
      );
      return EXIT_BAD_INPUT;
    }
    const toWrite = planned.filter(changesFile);
    if (values['dry-run'] || toWrite.length === 0) return EXIT_OK;
    const isConfirmed =
      values.yes ||
      (await confirmOnTerminal(io, `Write cluster_settings on ${toWrite.length} nodes (yes/no)? `));
    if (!isConfirmed) {
      io.stderr.write(
        'astaire: nothing was written (not confirmed; use --yes where there is no terminal)\n',
      );
      return EXIT_BAD_INPUT;
    }
    let failures = 0;
    for (const plan of toWrite) {
      try {
        const { backupPath } = await applySettingsWrite(connector, profile, plan);
        io.stdout.write(`${plan.node}: written (previous file kept as ${backupPath})\n`);
      } catch (error) {
        failures++;
        io.stdout.write(`${plan.node}: NOT written: ${(error as Error).message}\n`);
      }
    }
    return failures === 0 ? EXIT_OK : EXIT_FAILURE;
  });
}

export async function runReloadCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    'reload',
    args,
    {
      settings: { type: 'string' },
      profile: { type: 'string' },
      yes: { type: 'boolean', default: false },
    },
    false,
  );
  if (values.settings === undefined || values.profile === undefined) {
    throw new UsageError(
      'BAD_ARGUMENTS',
      'reload: --settings FILE and --profile FILE are required',
    );
  }
  const { settings } = await loadSettings(values.settings, io.cwd);
  return withNodeAccess(values.profile, io, async (access) => {
    const { profile, connector } = requireProfile(access);
    if (profile.reloadCommand === undefined) {
      throw new UsageError(
        'NO_RELOAD_COMMAND',
        `reload: ${values.profile} has no reloadCommand; reload each node by hand instead`,
      );
    }
    const nodes = clusterNodes(settings);
    const isConfirmed =
      values.yes ||
      (await confirmOnTerminal(
        io,
        `Run "${profile.reloadCommand}" on ${nodes.length} nodes (yes/no)? `,
      ));
    if (!isConfirmed) {
      io.stderr.write(
        'astaire: nothing was run (not confirmed; use --yes where there is no terminal)\n',
      );
      return EXIT_BAD_INPUT;
    }
    let failures = 0;
    for (const node of nodes) {
      io.stderr.write(`${node}: reloading...\n`);
      try {
        await reloadNode(connector, profile, node);
        io.stdout.write(`${node}: reloaded\n`);
      } catch (error) {
        failures++;
        io.stdout.write(`${node}: FAILED: ${(error as Error).message}\n`);
      }
    }
    return failures === 0 ? EXIT_OK : EXIT_FAILURE;
  });
}

function requireProfile(access: NodeAccess): NonNullable<NodeAccess['profile']> {
  if (access.profile === undefined)
    throw new UsageError('BAD_ARGUMENTS', '--profile FILE is required');
  return access.profile;
}
