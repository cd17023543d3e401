/**
 * Client traffic that keeps running while a test resizes or breaks the cluster: writers that write
 * as Clearwater's clients do during a resize, and readers that read the keys hard.
 *
 * A writer stores each write on every server of the key's vbucket write set, with its time in ms
 * (low 32 bits) in the client flags, by CAS: it reads the item's CAS, then replaces by that CAS, or
 * adds when the item is absent, and reads again whenever someone (the resync) wrote in between.
 * Each key belongs to exactly one writer, so the writes of a key are in order and the pool knows
 * the newest one, which is what every new replica must hold once the resize is over.
 *
 * Errors (a node killed or stopped by a fault test) are counted, never thrown: the pool goes on,
 * opening a fresh connection to the node on the next write.
 */
import type { StoreView } from '../../core/cluster/store-view.js';
import { vbucketOfKey } from '../../core/cluster/vbucket-hash.js';
import type { NodeClient } from '../../core/memcached/node-client.js';
import { isNewerStamp, stampNow } from '../../core/resync/timestamp.js';
import { directConnector, type NodeConnector } from '../../core/transport/node-connector.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { random } from './cluster-data.js';

/** The newest write of one key, as the writer made it. */
export interface NewestWrite {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly stamp: number;
  /** Nodes of the write set that did not take it (errors, or too many CAS conflicts). */
  readonly failedNodes: readonly string[];
}

export interface WriterStats {
  /** Writes made (each to every server of its write set). */
  readonly writes: number;
  /** Writes that every server of the write set took. */
  readonly completeWrites: number;
  /** Reads and stores that found the item changed (or added) meanwhile, and so were retried. */
  readonly casConflicts: number;
  readonly errors: number;
  readonly firstError: string | undefined;
}

export interface WriterPoolOptions {
  /** The clients' view: during a resize, computed from both lists. */
  readonly view: StoreView;
  /** The keys written; each is owned by one writer. */
  readonly keys: readonly Buffer[];
  readonly writers: number;
  /** Writes per second over the whole pool, kept steady (a late write is not made up by a burst). */
  readonly writesPerSecond: number;
  /** Default: 200 bytes. */
  readonly valueSize?: number;
  /** Default: 1. Picks the keys and the value bytes, so a run can be replayed. */
  readonly seed?: number;
  /** Default: direct connections (deadline 2 s, so a stopped node cannot hang a writer long). */
  readonly connect?: NodeConnector;
}

/** Tries of read-then-store on one node before a write counts as failed there. */
const MAX_CAS_ROUNDS = 50;

const DEFAULT_DEADLINES = { timeoutMs: 2000, connectTimeoutMs: 2000 };

/** Writers at a steady rate, started and stopped by the test, with their newest write per key. */
export class WriterPool {
  private readonly newest = new Map<string, NewestWrite>();
  private readonly clients: NodeClients;
  private running: Promise<void>[] = [];
  private isStopping = false;
  private counts = { writes: 0, completeWrites: 0, casConflicts: 0, errors: 0 };
  private firstError: string | undefined;

  constructor(private readonly options: WriterPoolOptions) {
    if (options.writers < 1 || options.writesPerSecond <= 0) {
      throw new Error('a writer pool needs at least one writer and a positive rate');
    }
    this.clients = new NodeClients(options.connect ?? directConnector(DEFAULT_DEADLINES));
  }

  start(): void {
    if (this.running.length > 0) throw new Error('the writer pool is already running');
    this.isStopping = false;
    const { writers, keys } = this.options;
    for (let w = 0; w < writers; w++) {
      const owned = keys.filter((_, index) => index % writers === w);
      if (owned.length > 0) this.running.push(this.writer(w, owned));
    }
  }

  /** Stops every writer after its write under way, and closes the pool's connections. */
  async stop(): Promise<WriterStats> {
    this.isStopping = true;
    await Promise.all(this.running);
    this.running = [];
    this.clients.close();
    return this.stats();
  }

  stats(): WriterStats {
    return { ...this.counts, firstError: this.firstError };
  }

  /** The newest write of every key written so far. */
  newestWrites(): ReadonlyMap<string, NewestWrite> {
    return this.newest;
  }

  private async writer(index: number, owned: readonly Buffer[]): Promise<void> {
    const next = random((this.options.seed ?? 1) * 7919 + index);
    const intervalMs = (1000 * this.options.writers) / this.options.writesPerSecond;
    const valueSize = this.options.valueSize ?? 200;
    let due = performance.now();
    while (!this.isStopping) {
      const key = owned[Math.floor(next() * owned.length)] as Buffer;
      const value = Buffer.alloc(valueSize);
      for (let b = 0; b < valueSize; b++) value[b] = (next() * 256) | 0;
      await this.write(key, value);
      due += intervalMs;
      const now = performance.now();
      if (due > now) await sleep(due - now);
      else due = now;
    }
  }

  private async write(key: Buffer, value: Buffer): Promise<void> {
    const id = key.toString('hex');
    const previous = this.newest.get(id);
    let stamp = stampNow();
    // Two writes in one millisecond must still be ordered, as the flags are all the resync sees.
    if (previous !== undefined && !isNewerStamp(stamp, previous.stamp)) {
      stamp = (previous.stamp + 1) % 0x1_0000_0000;
    }
    const { view } = this.options;
    const vbucket = view.vbuckets[vbucketOfKey(key, view.vbuckets.length)];
    if (vbucket === undefined) throw new Error('the view has no vbucket for a key');
    const failedNodes: string[] = [];
    // Primary first, as the clients write.
    for (const node of vbucket.writeSet) {
      if (!(await this.writeOnNode(node, key, value, stamp))) failedNodes.push(node);
    }
    this.counts.writes++;
    if (failedNodes.length === 0) this.counts.completeWrites++;
    this.newest.set(id, { key, value, stamp, failedNodes });
  }

  private async writeOnNode(
    node: string,
    key: Buffer,
    value: Buffer,
    stamp: number,
  ): Promise<boolean> {
    try {
      const client = await this.clients.get(node);
      for (let round = 0; round < MAX_CAS_ROUNDS; round++) {
        const current = await client.get(key, { cas: true });
        // A replace without the CAS would be blind, which is the very thing under test.
        if (current !== undefined && current.cas === undefined) throw new Error('mg gave no CAS');
        const outcome = await client.set(key, value, {
          clientFlags: stamp,
          exptime: 0,
          ...(current?.cas === undefined
            ? { mode: 'add' as const }
            : { mode: 'replace' as const, cas: current.cas }),
        });
        if (outcome === 'stored') return true;
        this.counts.casConflicts++;
      }
      this.noteError(`${node}: the item kept changing over ${MAX_CAS_ROUNDS} CAS rounds`);
    } catch (error) {
      this.clients.drop(node);
      this.noteError(`${node}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return false;
  }

  private noteError(message: string): void {
    this.counts.errors++;
    this.firstError ??= message;
  }
}

export interface ReaderStats {
  /** Keys asked for (one per key per node of its read set). */
  readonly reads: number;
  readonly hits: number;
  readonly errors: number;
  readonly firstError: string | undefined;
}

export interface ReaderPoolOptions {
  readonly view: StoreView;
  readonly keys: readonly Buffer[];
  readonly readers: number;
  /** Keys per pipelined read. Default: 100. */
  readonly batchSize?: number;
  readonly seed?: number;
  readonly connect?: NodeConnector;
}

/** Readers that read the keys on every node of their read sets, as fast as the nodes answer. */
export class ReaderPool {
  private readonly clients: NodeClients;
  private running: Promise<void>[] = [];
  private isStopping = false;
  private counts = { reads: 0, hits: 0, errors: 0 };
  private firstError: string | undefined;

  constructor(private readonly options: ReaderPoolOptions) {
    this.clients = new NodeClients(options.connect ?? directConnector(DEFAULT_DEADLINES));
  }

  start(): void {
    if (this.running.length > 0) throw new Error('the reader pool is already running');
    this.isStopping = false;
    for (let r = 0; r < this.options.readers; r++) this.running.push(this.reader(r));
  }

  async stop(): Promise<ReaderStats> {
    this.isStopping = true;
    await Promise.all(this.running);
    this.running = [];
    this.clients.close();
    return this.stats();
  }

  stats(): ReaderStats {
    return { ...this.counts, firstError: this.firstError };
  }

  private async reader(index: number): Promise<void> {
    const { view, keys } = this.options;
    const batchSize = this.options.batchSize ?? 100;
    const next = random((this.options.seed ?? 1) * 104_729 + index);
    while (!this.isStopping && keys.length > 0) {
      const perNode = new Map<string, Buffer[]>();
      for (let i = 0; i < batchSize; i++) {
        const key = keys[Math.floor(next() * keys.length)] as Buffer;
        const vbucket = view.vbuckets[vbucketOfKey(key, view.vbuckets.length)];
        for (const node of vbucket?.readSet ?? []) {
          const list = perNode.get(node) ?? [];
          list.push(key);
          perNode.set(node, list);
        }
      }
      await Promise.all(
        [...perNode].map(async ([node, batch]) => {
          try {
            const client = await this.clients.get(node);
            const found = await client.getMany(batch, { value: true, clientFlags: true });
            this.counts.reads += batch.length;
            this.counts.hits += found.filter((item) => item !== undefined).length;
          } catch (error) {
            this.clients.drop(node);
            this.counts.errors++;
            this.firstError ??= `${node}: ${error instanceof Error ? error.message : String(error)}`;
            // A node that is down answers at once; do not spin on it.
            await sleep(50);
          }
        }),
      );
    }
  }
}

// One connection per node, shared by a pool's workers (the connection pipelines their requests),
// replaced after a failure.
class NodeClients {
  private readonly clients = new Map<string, Promise<NodeClient>>();

  constructor(private readonly connect: NodeConnector) {}

  get(node: string): Promise<NodeClient> {
    let client = this.clients.get(node);
    if (client === undefined) {
      client = this.connect(node, 'test traffic');
      this.clients.set(node, client);
    }
    return client;
  }

  drop(node: string): void {
    const client = this.clients.get(node);
    this.clients.delete(node);
    client?.then((c) => c.close()).catch(() => undefined);
  }

  close(): void {
    for (const node of [...this.clients.keys()]) this.drop(node);
  }
}

/** What a check of the new replicas found. */
export interface NewestCheck {
  /** Key copies looked at: one per key per new replica. */
  readonly checked: number;
  /** Copies missing from a new replica. */
  readonly lost: number;
  /** Copies older than the key's newest write. */
  readonly stale: number;
  /** Copies with the newest stamp but other bytes, or a stamp newer than any write (a bug). */
  readonly wrong: number;
  /** The first few problems, for the assertion message. */
  readonly examples: readonly string[];
}

/** A key's expected newest version: a write of the pool, or what the test seeded. */
export interface ExpectedItem {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly stamp: number;
}

/**
 * Checks that each replica of each key under `view` (the view after the resize: servers = the new
 * list) holds exactly the key's newest version.
 */
export async function checkNewestOnReplicas(
  view: StoreView,
  expected: Iterable<ExpectedItem>,
  connect: NodeConnector = directConnector(),
): Promise<NewestCheck> {
  const perNode = new Map<string, ExpectedItem[]>();
  for (const item of expected) {
    const vbucket = view.vbuckets[vbucketOfKey(item.key, view.vbuckets.length)];
    for (const node of new Set(vbucket?.newReplicas ?? vbucket?.currentReplicas ?? [])) {
      const list = perNode.get(node) ?? [];
      list.push(item);
      perNode.set(node, list);
    }
  }
  let checked = 0;
  let lost = 0;
  let stale = 0;
  let wrong = 0;
  const examples: string[] = [];
  const note = (text: string) => {
    if (examples.length < 10) examples.push(text);
  };
  for (const [node, items] of perNode) {
    const client = await connect(node, 'test check');
    try {
      for (let i = 0; i < items.length; i += 500) {
        const slice = items.slice(i, i + 500);
        const found = await client.getMany(
          slice.map((item) => item.key),
          { value: true, clientFlags: true },
        );
        slice.forEach((item, index) => {
          checked++;
          const copy = found[index];
          const name = `${node} ${item.key.toString('latin1')}`;
          if (copy?.clientFlags === undefined) {
            lost++;
            note(`${name}: missing`);
          } else if (isNewerStamp(item.stamp, copy.clientFlags)) {
            stale++;
            note(`${name}: stamp ${copy.clientFlags}, newest write ${item.stamp}`);
          } else if (copy.clientFlags !== item.stamp || copy.value?.equals(item.value) !== true) {
            wrong++;
            note(`${name}: stamp ${copy.clientFlags} (newest ${item.stamp}) or bytes differ`);
          }
        });
      }
    } finally {
      client.close();
    }
  }
  return { checked, lost, stale, wrong, examples };
}
