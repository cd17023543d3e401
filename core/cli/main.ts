#!/usr/bin/env node
// The `astaire` executable: wires the real process streams to the CLI.
import { runCli } from './run-cli.js';

// The first Ctrl-C asks long commands to stop cleanly and report what they did; a second one
// leaves at once.
const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(130);
  process.stderr.write('\nastaire: interrupted; stopping (press Ctrl-C again to quit at once)\n');
  interrupt.abort(new Error('interrupted by the operator'));
});

const status = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
  signal: interrupt.signal,
});
process.exitCode = status;
// Nothing else should keep the process alive once the command has finished.
process.removeAllListeners('SIGINT');
