/**
 * The `astaire` command: dispatches to a subcommand and turns errors into messages and exit
 * statuses. Errors never produce partial output on stdout, so a script can trust what it reads.
 */
import { AstaireError, UsageError } from '../errors.js';
import { packageVersion } from '../util/package-version.js';
import { EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, type CliIo } from './cli-io.js';
import { LINT_HELP, runLintCommand } from './commands/lint-command.js';
import { PLAN_HELP, runPlanCommand } from './commands/plan-command.js';
import { VBUCKET_HELP, runVbucketCommand } from './commands/vbucket-command.js';
import { WORKLIST_HELP, runWorklistCommand } from './commands/worklist-command.js';
import { RESYNC_HELP, runResyncCommand } from './commands/resync-command.js';
import { RESIZE_HELP, runResizeCommand } from './commands/resize-command.js';
import { STATUS_HELP, runStatusCommand } from './commands/status-command.js';
import { VERIFY_HELP, runVerifyCommand } from './commands/verify-command.js';
import { DEMO_HELP, runDemoCommand } from './commands/demo-command.js';
import { CONSOLE_HELP, runConsoleCommand } from './commands/console-command.js';
import {
  PUSH_SETTINGS_HELP,
  RELOAD_HELP,
  runPushSettingsCommand,
  runReloadCommand,
} from './commands/push-settings-command.js';
import { ownEntry } from '../shared/own-entry.js';

interface Command {
  readonly summary: string;
  readonly help: string;
  readonly run: (args: readonly string[], io: CliIo) => Promise<number>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  console: {
    summary: 'the console in web mode (a browser on this machine, or through an SSH tunnel)',
    help: CONSOLE_HELP,
    run: runConsoleCommand,
  },
  demo: {
    summary: 'a whole resize with resync on a demo cluster of its own (local memcached)',
    help: DEMO_HELP,
    run: runDemoCommand,
  },
  resync: {
    summary: 'stream its vbuckets into one node',
    help: RESYNC_HELP,
    run: runResyncCommand,
  },
  resize: { summary: 'resync every node of new_servers', help: RESIZE_HELP, run: runResizeCommand },
  verify: {
    summary: 'check every key is on its new replicas',
    help: VERIFY_HELP,
    run: runVerifyCommand,
  },
  status: {
    summary: 'show every node: up, items, dumps allowed, tag record',
    help: STATUS_HELP,
    run: runStatusCommand,
  },
  'push-settings': {
    summary: 'write cluster_settings on every node (resize steps 1 and 4)',
    help: PUSH_SETTINGS_HELP,
    run: runPushSettingsCommand,
  },
  reload: {
    summary: 'run the reload command on every node (resize steps 2 and 5)',
    help: RELOAD_HELP,
    run: runReloadCommand,
  },
  plan: {
    summary: 'show what a cluster_settings file moves, per vbucket and node',
    help: PLAN_HELP,
    run: runPlanCommand,
  },
  worklist: {
    summary: "show one node's resync worklist",
    help: WORKLIST_HELP,
    run: runWorklistCommand,
  },
  vbucket: {
    summary: 'show the hash and vbucket of keys',
    help: VBUCKET_HELP,
    run: runVbucketCommand,
  },
  lint: {
    summary: 'check a cluster_settings file for likely mistakes',
    help: LINT_HELP,
    run: runLintCommand,
  },
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(
    ([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`,
  );
  return (
    'Usage: astaire <command> [options]\n\n' +
    'Astaire resynchronises a Clearwater-style memcached cluster while it is resized.\n\n' +
    `Commands:\n${lines.join('\n')}\n\n` +
    'Run "astaire <command> --help" for a command\'s options.\n'
  );
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      const topic = name === 'help' ? args[0] : undefined;
      const command = topic === undefined ? undefined : COMMANDS[topic];
      io.stdout.write(command?.help ?? mainHelp());
      return name === undefined ? EXIT_BAD_INPUT : EXIT_OK;
    }
    if (name === '--version' || name === '-V') {
      io.stdout.write(`astaire ${packageVersion()}\n`);
      return EXIT_OK;
    }
    // The original Astaire usage, `astaire <target> <cluster_settings>`, still works.
    if (
      ownEntry(COMMANDS, name) === undefined &&
      !name.startsWith('-') &&
      args[0] !== undefined &&
      !args[0].startsWith('-')
    ) {
      const [settingsFile, ...rest] = args;
      return await runResyncCommand(['--target', name, '--settings', settingsFile, ...rest], io);
    }
    const command = ownEntry(COMMANDS, name);
    if (command === undefined) {
      throw new UsageError(
        'UNKNOWN_COMMAND',
        `unknown command "${name}"; the commands are: ${Object.keys(COMMANDS).join(', ')}`,
      );
    }
    if (args.includes('--help') || args.includes('-h')) {
      io.stdout.write(command.help);
      return EXIT_OK;
    }
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof AstaireError) {
      io.stderr.write(`astaire: ${error.message}\n`);
      const refused = error.stage === 'usage' || error.stage === 'config' || error.stage === 'io';
      return refused ? EXIT_BAD_INPUT : EXIT_FAILURE;
    }
    // An unexpected error is a bug: show the stack so it can be reported.
    io.stderr.write(
      `astaire: internal error: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    return EXIT_FAILURE;
  }
}
