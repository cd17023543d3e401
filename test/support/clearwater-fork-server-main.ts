/**
 * The test fork as a process of its own, started like the fork itself, so that tests start, kill
 * and restart it by pid as they do a real memcached:
 *   node clearwater-fork-server-main.js -l HOST -p PORT [-m MB] [-t 1] [-e "...;cache_size=N"]
 * Other memcached options (-u, -U, -E) are accepted and ignored.
 */
import { startForkServer } from './clearwater-fork-server.js';

const args = process.argv.slice(2);
const option = (flag: string): string | undefined => {
  const index = args.indexOf(flag);
  return index < 0 ? undefined : args[index + 1];
};
const host = option('-l') ?? '127.0.0.1';
const port = Number(option('-p') ?? '11211');
const memoryMb = Number(option('-m') ?? '64');
const cacheSize = /cache_size=(\d+)/.exec(option('-e') ?? '')?.[1];

startForkServer({
  host,
  port,
  memoryMb,
  cacheSizeBytes: cacheSize === undefined ? memoryMb * 1024 * 1024 : Number(cacheSize),
}).catch((error: unknown) => {
  process.stderr.write(`failed to bind ${host}:${port}: ${String(error)}\n`);
  process.exit(71);
});
process.on('SIGTERM', () => process.exit(0));
