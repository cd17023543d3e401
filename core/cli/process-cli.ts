/** The CLI on the real process: its streams, and Ctrl-C (or SIGTERM) as the interrupt. */
import { runCli } from './run-cli.js';

/**
 * Runs `astaire` with `argv` on the process's streams. The first Ctrl-C (or SIGTERM) asks long
 * commands to stop cleanly and report what they did (and lets the demo's memcached processes be
 * stopped); a second one leaves at once.
 */
export async function runCliInProcess(argv: readonly string[]): Promise<number> {
  const interrupt = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
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
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}
