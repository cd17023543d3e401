/** `astaire verify`: is every key where the new allocation says it must be? */
import { UsageError } from '../../errors.js';
import { verifyResize } from '../../resync/verify.js';
import { withNodeAccess } from '../node-access.js';
import { parseCommandArgs } from '../cli-args.js';
import { EXIT_FAILURE, EXIT_OK, type CliIo } from '../cli-io.js';
import { formatCount } from '../../util/format-units.js';
import { MODEL_OPTIONS, MODEL_OPTIONS_HELP, modelOptions } from '../model-options.js';
import { ProgressLine } from '../progress-line.js';
import { loadSettings } from '../settings-file.js';
import { formatTable } from '../text-table.js';

export const VERIFY_HELP = `Usage: astaire verify --settings FILE [--repair] [--json]

Checks that every key on a current replica is on each of its vbucket's new replicas with an equal
or newer timestamp (with no resize in progress: on each of its replicas). Reads only, unless
--repair is given.

  --profile FILE  reach nodes as this cluster profile says (SSH tunnels, jump hosts)
  --repair     stream what is missing or stale, by the resync's rule (never replacing newer data)
  --json       print {"checked", "missing", "stale", "repaired", "problems": [{"vbucket", "checked",
               "missing", "stale", "repaired"}], "failures": [{"node", "error"}], "isClean"}
${MODEL_OPTIONS_HELP}

Exit status 0 when nothing is missing or stale (or all of it was repaired) and every node was
checked; 1 otherwise.
`;

export async function runVerifyCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    'verify',
    args,
    {
      settings: { type: 'string' },
      repair: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      profile: { type: 'string' },
      ...MODEL_OPTIONS,
    },
    false,
  );
  if (values.settings === undefined)
    throw new UsageError('BAD_ARGUMENTS', 'verify: --settings FILE is required');
  const { settings } = await loadSettings(values.settings, io.cwd);
  const progress = values.json ? undefined : new ProgressLine(io.stderr);
  const report = await withNodeAccess(values.profile, io, ({ connect }) =>
    verifyResize({
      settings,
      connect,
      repair: values.repair,
      ...modelOptions('verify', values),
      ...(io.signal === undefined ? {} : { signal: io.signal }),
      onNotice: (message) => progress?.log(message),
      onProgress: (checked) =>
        progress?.update(`verifying: ${formatCount(checked)} key copies checked`),
    }),
  ).finally(() => progress?.clear());
  if (values.json) {
    io.stdout.write(JSON.stringify(report) + '\n');
  } else {
    let text =
      `Checked ${formatCount(report.checked)} key copies: ${formatCount(report.missing)} missing, ` +
      `${formatCount(report.stale)} stale` +
      (values.repair ? `, ${formatCount(report.repaired)} repaired` : '') +
      '\n';
    if (report.problems.length > 0) {
      text += formatTable(
        ['vbucket', 'checked', 'missing', 'stale', 'repaired'],
        report.problems.map((p) =>
          [p.vbucket, p.checked, p.missing, p.stale, p.repaired].map(String),
        ),
        ['right', 'right', 'right', 'right', 'right'],
      );
    }
    for (const failure of report.failures)
      text += `  could not check ${failure.node}: ${failure.error.message}\n`;
    text += report.isClean ? 'Verification passed.\n' : 'Verification FAILED.\n';
    io.stdout.write(text);
  }
  return report.isClean ? EXIT_OK : EXIT_FAILURE;
}
