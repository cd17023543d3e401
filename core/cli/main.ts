#!/usr/bin/env node
// The `astaire` executable: wires the real process streams to the CLI.
import { runCli } from './run-cli.js';

const status = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
});
process.exitCode = status;
