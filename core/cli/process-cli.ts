/** The CLI on the real process: its streams, and Ctrl-C (or SIGTERM) as the interrupt. */
import { tapDumpsDraining, whenTapDumpsDrained } from '../memcached/binary-client.js';
import { runCli } from './run-cli.js';

/**
 * Runs `astaire` with `argv` on the process's streams. The first Ctrl-C (or SIGTERM) asks long
 * commands to stop cleanly and report what they did (and lets the demo's memcached processes be
 * stopped); a second one leaves at once, unless TAP dumps of Clearwater's memcached are still
 * being read to their end (leaving one mid-way makes that node abort): then it says so, and a
 * third one leaves all the same.
 */
export async function runCliInProcess(argv: readonly string[]): Promise<number> {
  const interrupt = new AbortController();
  let isWarned = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupt.signal.aborted && tapDumpsDraining() > 0 && !isWarned) {
      isWarned = true;
      process.stderr.write(
        `\nastaire: waiting for ${tapDumpsDraining()} TAP dump(s) of Clearwater's memcached to ` +
          'end: a node whose dump is left mid-way aborts (again to quit at once all the same)\n',
      );
      return;
    }
    if (interrupt.signal.aborted) process.exit(signal === 'SIGINT' ? 130 : 143);
    const what = signal === 'SIGINT' ? 'interrupted' : 'asked to stop';
    process.stderr.write(`\nastaire: ${what}; stopping (again to quit at once)\n`);
    interrupt.abort(new Error('interrupted by the operator'));
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  try {
    return await runCli(argv, {
      stdout: process.stdout,
      stderr: process.stderr,
      stdin: process.stdin,
      cwd: process.cwd(),
      signal: interrupt.signal,
    });
  } finally {
    await whenTapDumpsDrained();
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}
