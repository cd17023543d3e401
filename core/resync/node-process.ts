/**
 * Which memcached process answers for a node. A restarted memcached starts empty, so a resync must
 * notice one: a target that restarts has lost everything it was sent before (a run that went on
 * would write its tag record over half the data), and a source that restarts has nothing left to
 * give (streaming from it would "finish" its vbuckets with no keys). memcached's stats give the
 * process id and its uptime; together with the server's clock they tell one process from the next,
 * even where process ids repeat (a container restarted gets the same pid).
 */
import { NodeRestartedError } from '../errors.js';
import type { NodeClient } from '../memcached/node-client.js';
import type { NodeConnector } from '../transport/node-connector.js';

export interface NodeProcess {
  readonly pid: number;
  /** When the process started, in Unix seconds by the server's clock (time - uptime). */
  readonly startedAt: number;
}

// `time` and `uptime` are whole seconds read at slightly different instants: the start time of
// one process can read a second off between two stats calls.
const START_TIME_SLACK_S = 2;

/** The process behind a stats reply; undefined when the server does not report one. */
export function processFromStats(stats: ReadonlyMap<string, string>): NodeProcess | undefined {
  const pid = Number(stats.get('pid'));
  const time = Number(stats.get('time'));
  const uptime = Number(stats.get('uptime'));
  if (![pid, time, uptime].every(Number.isSafeInteger)) return undefined;
  return { pid, startedAt: time - uptime };
}

export function isSameProcess(a: NodeProcess, b: NodeProcess): boolean {
  return a.pid === b.pid && Math.abs(a.startedAt - b.startedAt) <= START_TIME_SLACK_S;
}

export function describeProcess(process: NodeProcess): string {
  return `pid ${process.pid}, started ${new Date(process.startedAt * 1000).toISOString()}`;
}

export async function readNodeProcess(client: NodeClient): Promise<NodeProcess | undefined> {
  return processFromStats(await client.stats());
}

/**
 * Remembers the process first met at each node, and checks every later connection against it.
 * Used by one resync: a node restarted meanwhile fails the connection with NodeRestartedError.
 */
export class RestartWatch {
  private readonly known = new Map<string, NodeProcess>();

  constructor(private readonly connect: NodeConnector) {}

  /** Takes `process` as the one `node` had (a checkpoint's), unless one was already met. */
  expect(node: string, process: NodeProcess): void {
    if (!this.known.has(node)) this.known.set(node, process);
  }

  /** The process met at `node`, if any yet. */
  processOf(node: string): NodeProcess | undefined {
    return this.known.get(node);
  }

  /** Connects as the resync's connector does, then checks the node is the process first met. */
  readonly connector: NodeConnector = async (node, purpose) => {
    const client = await this.connect(node, purpose);
    try {
      await this.check(node, client, purpose);
      return client;
    } catch (error) {
      client.close();
      throw error;
    }
  };

  /** @throws NodeRestartedError when `node` is not the process first met there. */
  async check(node: string, client: NodeClient, purpose: string): Promise<void> {
    const now = await readNodeProcess(client);
    if (now === undefined) return; // a server without pid/uptime stats: nothing to compare
    const before = this.known.get(node);
    if (before === undefined) {
      this.known.set(node, now);
      return;
    }
    if (!isSameProcess(before, now)) {
      throw new NodeRestartedError(
        'NODE_RESTARTED',
        `restarted during the resync (it was ${describeProcess(before)}, it is now ` +
          `${describeProcess(now)}): it lost everything it held`,
        { node, command: purpose },
      );
    }
  }
}
