/**
 * One run of the console, Electron or web: the clusters from the data directory, the service, and
 * with `demo` the local demo cluster, started and loaded and offered as a cluster, and stopped
 * again when the session closes.
 */
import { join } from 'node:path';
import type { StoreViewOptions } from '../cluster/store-view.js';
import { startDemoCluster, type DemoCluster } from '../demo/demo-cluster.js';
import { ClusterStore } from './cluster-store.js';
import { ConsoleService } from './console-service.js';

export interface ConsoleSessionOptions {
  readonly mode: 'electron' | 'web';
  /** Where the console keeps its clusters, resize wizards and activity log (see data-dir.ts). */
  readonly dataDir: string;
  /** Start the demo cluster with this many sample keys. */
  readonly demo?: { readonly keys: number } | undefined;
  /** Hears what the session does, for people (the terminal, Electron's log). */
  readonly log?: (line: string) => void;
  /** The clients' vbucket and replica counts, when not Clearwater's 128 and 2. */
  readonly model?: StoreViewOptions | undefined;
}

export interface ConsoleSession {
  readonly service: ConsoleService;
  /** Stops jobs, then the demo cluster if any. Safe to call more than once. */
  close(): Promise<void>;
}

export async function openConsoleSession(options: ConsoleSessionOptions): Promise<ConsoleSession> {
  const log = options.log ?? (() => undefined);
  const store = await ClusterStore.open(join(options.dataDir, 'clusters.json'));
  let demo: DemoCluster | undefined;
  if (options.demo !== undefined) {
    demo = await startDemoCluster(options.demo.keys, log);
    store.addDemo({
      name: 'Demo cluster (local, 3 -> 4)',
      servers: demo.settings.servers,
      newServers: demo.settings.newServers,
    });
  }
  const service = new ConsoleService({
    mode: options.mode,
    store,
    dataDir: options.dataDir,
    ...(options.model === undefined ? {} : { model: options.model }),
  });
  let closing: Promise<void> | undefined;
  return {
    service,
    close: () =>
      (closing ??= (async () => {
        await service.close();
        if (demo !== undefined) {
          await demo.stop();
          log('Demo cluster stopped.');
        }
      })()),
  };
}
