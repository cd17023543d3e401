#!/usr/bin/env node
// The `astaire` executable: the CLI on the real process's streams and signals.
import { runCliInProcess } from './process-cli.js';

const code = await runCliInProcess(process.argv.slice(2));
// Leave explicitly once the command is done (its TAP dumps drained, its output written) rather
// than when the event loop runs dry: seen once in CI, a CLI whose work had ended hung at that
// point for good, in Node's wait for its platform's background tasks (NodePlatform::DrainTasks).
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);

function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return stream.writableLength === 0
    ? Promise.resolve()
    : new Promise((resolve) => stream.once('drain', () => resolve()));
}
