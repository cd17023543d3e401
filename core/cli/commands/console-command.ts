/** `astaire console`: the console in web mode, for a browser on this machine or through a tunnel. */
import { once } from 'node:events';
import { DEFAULT_DEMO_KEYS } from '../../demo/demo-cluster.js';
import { defaultDataDir } from '../../console/data-dir.js';
import { UsageError } from '../../errors.js';
import { integerOption, parseCommandArgs } from '../cli-args.js';
import { EXIT_OK, type CliIo } from '../cli-io.js';
import { MODEL_OPTIONS, MODEL_OPTIONS_HELP, modelOptions } from '../model-options.js';

export const CONSOLE_HELP = `Usage: astaire console [--demo [--keys N]] [--port N] [--host ADDRESS] [--data-dir DIR]
                      [--vbuckets N] [--replicas N]

Runs Astaire Console in web mode and prints its address, with a session token that every request
must carry: open it in a browser on this machine. From another machine, tunnel to it
(ssh -L 8080:127.0.0.1:PORT this-host, then open the address with port 8080). Runs until Ctrl-C,
which cancels running jobs (each stops cleanly and reports).

  --demo          also start the demo cluster (four memcached on loopback, sample data) and offer
                  it as a cluster; it is stopped when the console stops
  --keys N        sample keys for the demo (default ${DEFAULT_DEMO_KEYS.toLocaleString('en-US')})
  --port N        the port to listen on (default: any free port)
  --host ADDRESS  a loopback address to listen on (default 127.0.0.1); nothing else is accepted
  --data-dir DIR  where the console keeps its clusters (default ${defaultDataDir()})
${MODEL_OPTIONS_HELP}
                   (what the clusters' clients use; Clearwater's are 128 and 2)
`;

export async function runConsoleCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    'console',
    args,
    {
      demo: { type: 'boolean', default: false },
      keys: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      ...MODEL_OPTIONS,
    },
    false,
  );
  const port = integerOption('console', 'port', values.port) ?? 0;
  if (port > 65535) throw new UsageError('BAD_ARGUMENTS', 'console: --port must be 0 to 65535');
  const keys = integerOption('console', 'keys', values.keys) ?? DEFAULT_DEMO_KEYS;
  const say = (line: string) => io.stderr.write(line + '\n');
  // The service and the web server (zod, ws) load only for this command: every other command
  // starts without them.
  const [{ openConsoleSession }, { startWebConsole }] = await Promise.all([
    import('../../console/console-session.js'),
    import('../../console/web-server.js'),
  ]);
  const session = await openConsoleSession({
    mode: 'web',
    dataDir: values['data-dir'] ?? defaultDataDir(),
    demo: values.demo ? { keys } : undefined,
    log: say,
    model: modelOptions('console', values),
  });
  try {
    const web = await startWebConsole({
      backend: session.service,
      port,
      ...(values.host === undefined ? {} : { host: values.host }),
    });
    try {
      // The address alone on stdout, for scripts; the words around it for people, on stderr.
      say('Astaire Console (web mode) is open at:');
      io.stdout.write(web.url + '\n');
      say(`Keep the address private: its token is the key. Press Ctrl-C to stop.`);
      if (io.signal !== undefined && !io.signal.aborted) await once(io.signal, 'abort');
    } finally {
      await web.close();
    }
  } finally {
    await session.close();
  }
  say('Astaire Console stopped.');
  return EXIT_OK;
}
