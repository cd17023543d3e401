/**
 * The clusters the console knows: saved ones in one JSON file in the console's data directory
 * (written atomically, readable by the operator only; it holds addresses and SSH routes, never a
 * secret), and the demo cluster of this run, which lives in memory only. A file that cannot be read
 * is reported, never overwritten: the operator's clusters are not lost to a bad edit.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError, LocalIoError } from '../errors.js';
import { parseJsonFile } from '../util/parse-json-file.js';
import { writePrivateFile } from '../util/write-private-file.js';
import type { ClusterSettings } from '../cluster/cluster-settings.js';
import { checkClusterDefinition, type CheckedCluster } from './cluster-definition.js';
import { CLUSTER_DEFINITION, describeIssue, ID } from './contract-schemas.js';
import type { ClusterDefinition, ClusterSummary } from './contract.js';

interface StoredFile {
  readonly version: 1;
  readonly clusters: readonly (ClusterDefinition & { readonly id: string })[];
}

export interface KnownCluster {
  readonly summary: ClusterSummary;
  readonly checked: CheckedCluster;
}

export class ClusterStore {
  private readonly clusters = new Map<string, KnownCluster>();

  /** `file`: the clusters' JSON file; the console's data directory is the folder holding it. */
  private constructor(readonly file: string) {}

  /** Loads `file` if it exists. @throws ConfigError naming the file and the cluster at fault. */
  static async open(file: string): Promise<ClusterStore> {
    const store = new ClusterStore(file);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return store;
      throw new LocalIoError('CLUSTERS_UNREADABLE', `cannot read: ${(error as Error).message}`, {
        file,
      });
    }
    for (const [index, entry] of parseStoredFile(text, file).entries()) {
      const where = `${file}, clusters[${index}]`;
      const { id, ...definition } = entry;
      store.clusters.set(id, {
        summary: { ...definition, id, origin: 'saved' },
        checked: checkClusterDefinition(definition, where),
      });
    }
    return store;
  }

  list(): ClusterSummary[] {
    return [...this.clusters.values()].map((cluster) => cluster.summary);
  }

  /** @throws ConfigError when no cluster has this id. */
  get(id: string): KnownCluster {
    const cluster = this.clusters.get(id);
    if (cluster === undefined) {
      throw new ConfigError(
        'UNKNOWN_CLUSTER',
        `no cluster with id "${id}": it may have been removed`,
      );
    }
    return cluster;
  }

  /** Adds a cluster (no `id`) or replaces one; written to disk before it is known. */
  async save(id: string | undefined, definition: ClusterDefinition): Promise<ClusterSummary> {
    if (id !== undefined && this.get(id).summary.origin === 'demo') {
      throw new ConfigError(
        'DEMO_CLUSTER',
        'the demo cluster cannot be changed; add a cluster of your own with the same servers',
      );
    }
    const newId = id ?? randomUUID();
    const checked = checkClusterDefinition(definition, `cluster "${definition.name}"`);
    const summary: ClusterSummary = { ...copyDefinition(definition), id: newId, origin: 'saved' };
    const next = new Map(this.clusters).set(newId, { summary, checked });
    await this.write(next);
    this.clusters.set(newId, { summary, checked });
    return summary;
  }

  async remove(id: string): Promise<void> {
    if (this.get(id).summary.origin === 'demo') {
      throw new ConfigError(
        'DEMO_CLUSTER',
        'the demo cluster cannot be removed: it goes when the console stops',
      );
    }
    const next = new Map(this.clusters);
    next.delete(id);
    await this.write(next);
    this.clusters.delete(id);
  }

  /**
   * Changes a cluster's two lists, as a resize moves on (the resize wizard's steps 1 and 4). The
   * demo cluster changes in memory only, as it lives; a saved cluster is saved.
   */
  async updateLists(id: string, lists: ClusterSettings): Promise<ClusterSummary> {
    const { summary } = this.get(id);
    const { origin } = summary;
    const definition = copyDefinition({ ...summary, ...lists });
    if (origin === 'saved') return this.save(id, definition);
    const checked = checkClusterDefinition(definition, 'the demo cluster');
    const changed: ClusterSummary = { ...definition, id, origin };
    this.clusters.set(id, { summary: changed, checked });
    return changed;
  }

  /** The demo cluster of this run: known until the console stops, never written. */
  addDemo(definition: ClusterDefinition): ClusterSummary {
    const id = 'demo';
    const checked = checkClusterDefinition(definition, 'the demo cluster');
    const summary: ClusterSummary = { ...copyDefinition(definition), id, origin: 'demo' };
    this.clusters.set(id, { summary, checked });
    return summary;
  }

  private async write(clusters: ReadonlyMap<string, KnownCluster>): Promise<void> {
    const stored: StoredFile = {
      version: 1,
      clusters: [...clusters.values()]
        .filter((cluster) => cluster.summary.origin === 'saved')
        .map(({ summary: { origin: _origin, ...rest } }) => rest),
    };
    try {
      await writePrivateFile(this.file, JSON.stringify(stored, null, 2) + '\n');
    } catch (error) {
      throw new LocalIoError('CLUSTERS_UNWRITABLE', `cannot save: ${(error as Error).message}`, {
        file: this.file,
      });
    }
  }
}

function copyDefinition(definition: ClusterDefinition): ClusterDefinition {
  return {
    name: definition.name.trim(),
    servers: [...definition.servers],
    newServers: [...definition.newServers],
    ...(definition.profile === undefined || definition.profile === null
      ? {}
      : { profile: definition.profile }),
  };
}

// The stored file is checked by the same schema as the requests that filled it.
const STORED_FILE = z.strictObject({
  version: z.literal(1),
  clusters: z.array(CLUSTER_DEFINITION.extend({ id: ID })),
});

function parseStoredFile(text: string, file: string): StoredFile['clusters'] {
  const parsed = STORED_FILE.safeParse(parseJsonFile(text, file, 'CLUSTERS_NOT_JSON'));
  if (!parsed.success) {
    throw new ConfigError(
      'CLUSTERS_INVALID',
      `${describeIssue(parsed.error)}; fix it, or move the file aside to start afresh`,
      { file },
    );
  }
  return parsed.data.clusters;
}
