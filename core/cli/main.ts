#!/usr/bin/env node
// The `astaire` executable: the CLI on the real process's streams and signals.
import { runCliInProcess } from './process-cli.js';

process.exitCode = await runCliInProcess(process.argv.slice(2));
