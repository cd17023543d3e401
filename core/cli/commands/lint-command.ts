/** `astaire lint`: warnings about a cluster_settings file that the clients accept. */
import { formatSettingsWarning } from '../../cluster/settings-lint.js';
import { parseCommandArgs } from '../cli-args.js';
import { EXIT_FAILURE, EXIT_OK, type CliIo } from '../cli-io.js';
import { loadSettings } from '../settings-file.js';
import { UsageError } from '../../errors.js';

export const LINT_HELP = `Usage: astaire lint --settings FILE [--json]

Checks a cluster_settings file. A file the clients would reject is an error (exit status 2); a
file they accept is checked for likely mistakes: a server listed twice, whitespace inside a name,
an inline '#', an entry that is not host:port, a repeated line, new_servers equal to servers or a
reordering of it. Warnings are printed as FILE:LINE: warning: ... (exit status 1); a clean file
prints nothing (exit status 0).

  --json    print {"file", "servers", "newServers", "warnings": [{"code", "line", "message"}]}
`;

export async function runLintCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    'lint',
    args,
    { settings: { type: 'string' }, json: { type: 'boolean', default: false } },
    false,
  );
  if (values.settings === undefined) {
    throw new UsageError('BAD_ARGUMENTS', 'lint: --settings FILE is required');
  }
  const { file, settings, warnings } = await loadSettings(values.settings, io.cwd);
  if (values.json) {
    const report = {
      file,
      servers: settings.servers,
      newServers: settings.newServers,
      warnings: warnings.map(({ code, line, message }) => ({ code, line: line ?? null, message })),
    };
    io.stdout.write(JSON.stringify(report) + '\n');
  } else {
    io.stdout.write(warnings.map((w) => formatSettingsWarning(w) + '\n').join(''));
  }
  return warnings.length === 0 ? EXIT_OK : EXIT_FAILURE;
}
