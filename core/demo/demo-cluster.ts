/**
 * The demo cluster, up and loaded: four memcached processes on loopback (the built-in demo
 * cluster_settings), with sample data written through the three-node view, ready to be resized to
 * four. `astaire demo` resizes it at once; the console's demo shows it and lets the operator drive.
 */
import { parseClusterSettings, type ClusterSettings } from '../cluster/cluster-settings.js';
import { clusterNodes } from '../cluster/worklist.js';
import { directConnector } from '../transport/node-connector.js';
import { DEMO_SETTINGS_NAME, DEMO_SETTINGS_TEXT } from './demo-settings.js';
import { clearwaterPrefix, startLocalMemcached, type LocalMemcached } from './local-memcached.js';
import { loadSampleData } from './sample-data.js';

export const DEFAULT_DEMO_KEYS = 20_000;

export interface DemoCluster {
  readonly settings: ClusterSettings;
  readonly processes: readonly LocalMemcached[];
  /** Stops every memcached of the demo; resolves once all have exited. */
  stop(): Promise<void>;
}

export function demoSettings(): ClusterSettings {
  const { servers, newServers } = parseClusterSettings(DEMO_SETTINGS_TEXT, DEMO_SETTINGS_NAME);
  return { servers, newServers };
}

/**
 * Starts every node of the demo (all or none: on failure, those started are stopped again) and
 * loads `keys` sample keys. `say` hears each step, for people.
 * @throws ConfigError MEMCACHED_NOT_FOUND when memcached is not installed.
 */
export async function startDemoCluster(
  keys: number,
  say: (line: string) => void,
): Promise<DemoCluster> {
  const settings = demoSettings();
  const nodes = clusterNodes(settings);
  const processes: LocalMemcached[] = [];
  const stop = async () => {
    await Promise.all(processes.map((m) => m.stop()));
  };
  try {
    const clearwater = clearwaterPrefix();
    say(
      `Starting the demo cluster: ${clearwater === undefined ? 'memcached' : `Clearwater's memcached (${clearwater})`} ` +
        `on ${nodes.join(', ')}`,
    );
    for (const node of nodes) processes.push(await startLocalMemcached(node));
    say(
      `Loading ${keys.toLocaleString('en-US')} sample keys through the old view ` +
        `(servers=${settings.servers.join(',')})`,
    );
    await loadSampleData(settings, keys, directConnector());
  } catch (error) {
    await stop();
    throw error;
  }
  return { settings, processes, stop };
}
