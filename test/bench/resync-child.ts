/**
 * Runs one resync in a process of its own so the benchmark can read its peak memory alone.
 * Arguments: a JSON object {target, servers, newServers}. Prints one JSON line of figures.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import SSHConfig from 'ssh-config';
import { parseClusterProfile } from '../../core/cluster/cluster-profile.js';
import { ResyncJob } from '../../core/resync/resync-engine.js';
import { profileConnector } from '../../core/transport/profile-connector.js';
import { NO_PROMPTS } from '../support/sshd-process.js';
import { directConnector } from '../../core/transport/node-connector.js';

const { target, servers, newServers, profile } = JSON.parse(process.argv[2] ?? '{}') as {
  target: string;
  servers: string[];
  newServers: string[];
  /** A cluster profile file: reach the nodes as it says (SSH tunnels) instead of directly. */
  profile?: string;
};
const connector =
  profile === undefined
    ? undefined
    : profileConnector(parseClusterProfile(readFileSync(profile, 'utf8'), profile), {
        sshConfig: new SSHConfig(),
        ssh: { prompts: NO_PROMPTS, agentSocket: '' },
      });
const started = performance.now();
let firstPassEnded = 0;
const summary = await new ResyncJob({
  target,
  settings: { servers, newServers },
  full: false,
  connect: connector?.connect ?? directConnector(),
  observer: {
    onPass: (report) => {
      if (report.pass === 1) firstPassEnded = Math.max(firstPassEnded, performance.now() - started);
    },
  },
}).run();
connector?.close();
process.stdout.write(
  JSON.stringify({
    isComplete: summary.isComplete,
    ...(summary.isComplete
      ? {}
      : {
          why:
            summary.error?.message ??
            summary.failed
              .slice(0, 3)
              .map((f) => f.reason)
              .join('; '),
        }),
    keys: summary.counts.keys,
    bytes: summary.counts.bytes,
    ms: performance.now() - started,
    firstPassMs: firstPassEnded,
    passes: summary.passes.length,
    maxRssKb: peakRssKb(),
  }) + '\n',
);

// VmHWM, not getrusage's maxRSS: Linux carries ru_maxrss across exec, so a child spawned by a large
// parent would report the parent's peak as its own.
function peakRssKb(): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return match === null ? NaN : Number(match[1]);
}
