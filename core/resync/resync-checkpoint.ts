/**
 * A resync's checkpoint: which vbuckets of its worklist were streamed to the end, saved as they
 * finish, so that a run cut short (the console or the CLI killed, the machine rebooted) can be
 * carried on by the next run instead of streamed again from the start.
 *
 * A checkpoint only holds while the target keeps what it was sent: it names the memcached process
 * that received the vbuckets (see node-process.ts), and a target restarted since makes it void.
 * It also names what decided the worklist (the server lists, full or not, the model), so a
 * checkpoint of another resize is never taken for this one. Evictions are counted from the first
 * run's reading: an item evicted between two runs is as lost as one evicted during either.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClusterSettings } from '../cluster/cluster-settings.js';
import { ConfigError, LocalIoError } from '../errors.js';
import { parseJsonFile } from '../util/parse-json-file.js';
import { safeFileName } from '../util/safe-file-name.js';
import { sameList } from '../util/same-list.js';
import { writePrivateFile } from '../util/write-private-file.js';
import { describeProcess, isSameProcess, type NodeProcess } from './node-process.js';

const VERSION = 1;

/** What decides a resync's worklist; a checkpoint is for one of these only. */
export interface CheckpointScope {
  readonly target: string;
  readonly settings: ClusterSettings;
  readonly full: boolean;
  readonly vbucketCount: number;
  readonly replicaCount: number;
}

export interface CheckpointRecord extends CheckpointScope {
  readonly version: typeof VERSION;
  /** The target's memcached process that received the vbuckets. */
  readonly targetProcess: NodeProcess;
  /** The target's eviction counter when the first run began, if it could be read. */
  readonly evictionsAtStart?: number;
  /** When the first run began. */
  readonly startedAt: string;
  readonly savedAt: string;
  /** Vbuckets streamed to the end, each with the source it came from. */
  readonly done: readonly (readonly [vbucket: number, source: string])[];
}

/** Where a resync's checkpoint is kept. */
export interface CheckpointStore {
  /** Where, for messages. */
  readonly where: string;
  /** @throws ConfigError or LocalIoError when a checkpoint is there but cannot be read. */
  load(): Promise<CheckpointRecord | undefined>;
  save(record: CheckpointRecord): Promise<void>;
}

/** The file name of a target's checkpoint in a folder of them. */
export function checkpointFileName(target: string): string {
  return `${safeFileName(target)}.json`;
}

/** The checkpoint of `target`'s resync in a folder of them (one file per target). */
export function checkpointStoreIn(folder: string, target: string): CheckpointStore {
  return fileCheckpointStore(join(folder, checkpointFileName(target)));
}

/** A checkpoint in a file, written atomically and readable by its owner only. */
export function fileCheckpointStore(file: string): CheckpointStore {
  return {
    where: file,
    async load() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new LocalIoError('CHECKPOINT_UNREADABLE', (error as Error).message, { file });
      }
      return checkpointFromJson(parseJsonFile(text, file, 'CHECKPOINT_INVALID'), file);
    },
    save: (record) => writePrivateFile(file, JSON.stringify(record, null, 1) + '\n'),
  };
}

/**
 * The vbuckets of `record` a run of `scope` may take as done, or why none can be: another resize,
 * or a target that is not the process that received them.
 */
export function resumableVbuckets(
  record: CheckpointRecord,
  scope: CheckpointScope,
  targetNow: NodeProcess | undefined,
): { readonly done: ReadonlyMap<number, string> } | { readonly reason: string } {
  if (
    record.target !== scope.target ||
    !sameList(record.settings.servers, scope.settings.servers) ||
    !sameList(record.settings.newServers, scope.settings.newServers) ||
    record.full !== scope.full ||
    record.vbucketCount !== scope.vbucketCount ||
    record.replicaCount !== scope.replicaCount
  ) {
    return { reason: 'it is for another resync (other servers, target, model or --full)' };
  }
  if (targetNow === undefined) {
    return { reason: `${scope.target} does not say which memcached process it is` };
  }
  if (!isSameProcess(record.targetProcess, targetNow)) {
    return {
      reason:
        `${scope.target} was restarted since (then ${describeProcess(record.targetProcess)}, now ` +
        `${describeProcess(targetNow)}), so what it was sent is gone`,
    };
  }
  return { done: new Map(record.done) };
}

/** What a run starts its checkpoint from. */
export interface CheckpointStart {
  readonly store: CheckpointStore;
  /** Take as done what an earlier run of this resync finished (when its checkpoint holds). */
  readonly resume: boolean;
  readonly scope: CheckpointScope;
  /** The target's process now. */
  readonly targetProcess: NodeProcess;
  /** The vbuckets of this run's worklist. */
  readonly worklist: ReadonlySet<number>;
  /** The target's eviction counter now, when it could be read. */
  readonly evictions: number | undefined;
  readonly startedAt: string;
  /** Says what became of the earlier run's checkpoint, and any failure to save. */
  readonly notice: (message: string) => void;
}

/**
 * Starts a run's checkpoint, carrying on from the earlier run's when asked and when it holds, and
 * saves it at once (a run cut short before any vbucket finished still says which run it was).
 * Returns the vbuckets to take as done, and the eviction reading to count from (the first run's).
 */
export async function startCheckpoint(start: CheckpointStart): Promise<{
  readonly writer: CheckpointWriter;
  readonly done: ReadonlyMap<number, string>;
  readonly evictionsAtStart: number | undefined;
}> {
  const { store, scope, targetProcess, notice } = start;
  let done: ReadonlyMap<number, string> = new Map();
  let startedAt = start.startedAt;
  let evictionsAtStart = start.evictions;
  if (start.resume) {
    try {
      const record = await store.load();
      const resumable =
        record === undefined ? undefined : resumableVbuckets(record, scope, targetProcess);
      if (record === undefined || resumable === undefined) {
        notice(`no checkpoint of an earlier run at ${store.where}: streaming every vbucket`);
      } else if ('reason' in resumable) {
        notice(`the checkpoint at ${store.where} was not used: ${resumable.reason}`);
      } else {
        done = new Map([...resumable.done].filter(([vbucket]) => start.worklist.has(vbucket)));
        startedAt = record.startedAt;
        evictionsAtStart = record.evictionsAtStart ?? start.evictions;
        notice(
          `carrying on from the checkpoint of the run started ${record.startedAt}: ${done.size} of ` +
            `the ${start.worklist.size} vbuckets were streamed then and are not streamed again`,
        );
      }
    } catch (error) {
      notice(
        `the checkpoint could not be read (${(error as Error).message}): streaming every vbucket`,
      );
    }
  }
  const writer = new CheckpointWriter(
    store,
    {
      version: VERSION,
      ...scope,
      targetProcess,
      ...(evictionsAtStart === undefined ? {} : { evictionsAtStart }),
      startedAt,
    },
    done,
    notice,
  );
  writer.requestSave();
  return { writer, done, evictionsAtStart };
}

/**
 * Saves a run's checkpoint as vbuckets finish. Saves never overlap and never queue up: while one
 * is under way, later changes wait for the next. A failed save is reported once and the run goes
 * on (a checkpoint saves time; it is never needed for correctness).
 */
export class CheckpointWriter {
  private readonly done: Map<number, string>;
  private saving: Promise<void> | undefined;
  private isDirty = false;
  private hasFailed = false;

  constructor(
    private readonly store: CheckpointStore,
    private readonly base: Omit<CheckpointRecord, 'done' | 'savedAt'>,
    done: ReadonlyMap<number, string>,
    private readonly onFailure: (message: string) => void,
  ) {
    this.done = new Map(done);
  }

  /**
   * Records vbuckets streamed to the end from `source`; resolves once a save holding them has been
   * made (or failed), so that a vbucket announced as done is never one a crash would redo.
   */
  async recordDone(vbuckets: Iterable<number>, source: string): Promise<void> {
    for (const vbucket of vbuckets) this.done.set(vbucket, source);
    this.requestSave();
    await this.flush();
  }

  requestSave(): void {
    this.isDirty = true;
    this.saving ??= this.saveWhileDirty().finally(() => (this.saving = undefined));
  }

  /** Resolves once every change made so far is saved (or its save failed). */
  async flush(): Promise<void> {
    while (this.saving !== undefined) await this.saving;
  }

  private async saveWhileDirty(): Promise<void> {
    while (this.isDirty) {
      this.isDirty = false;
      const record: CheckpointRecord = {
        ...this.base,
        savedAt: new Date().toISOString(),
        done: [...this.done].sort(([a], [b]) => a - b),
      };
      try {
        await this.store.save(record);
      } catch (error) {
        if (!this.hasFailed) {
          this.hasFailed = true;
          this.onFailure(
            `the checkpoint could not be saved at ${this.store.where} (${(error as Error).message}); ` +
              'the resync goes on, but a run cut short would start again from the beginning',
          );
        }
      }
    }
  }
}

// The file is ours, but it may have been damaged or edited: every field is checked, and a bad one
// is named, never half-trusted.
function checkpointFromJson(value: unknown, file: string): CheckpointRecord {
  const bad = (what: string) =>
    new ConfigError('CHECKPOINT_INVALID', `not a resync checkpoint: ${what}`, { file });
  if (typeof value !== 'object' || value === null) throw bad('not a JSON object');
  const v = value as Record<string, unknown>;
  if (v.version !== VERSION) throw bad(`version ${JSON.stringify(v.version)}, expected ${VERSION}`);
  const isText = (x: unknown): x is string => typeof x === 'string';
  const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
  const isTextList = (x: unknown): x is string[] => Array.isArray(x) && x.every(isText);
  const settings = v.settings as Record<string, unknown> | null | undefined;
  if (!isText(v.target)) throw bad('"target" is not a node name');
  if (!isTextList(settings?.servers) || !isTextList(settings?.newServers)) {
    throw bad('"settings" does not hold the servers and newServers lists');
  }
  if (typeof v.full !== 'boolean') throw bad('"full" is not true or false');
  if (!isCount(v.vbucketCount) || !isCount(v.replicaCount)) throw bad('the model is not counts');
  const process = v.targetProcess as Record<string, unknown> | null | undefined;
  if (!isCount(process?.pid) || !Number.isSafeInteger(process?.startedAt)) {
    throw bad('"targetProcess" does not name a process');
  }
  if (v.evictionsAtStart !== undefined && !isCount(v.evictionsAtStart)) {
    throw bad('"evictionsAtStart" is not a count');
  }
  if (!isText(v.startedAt) || !isText(v.savedAt)) throw bad('its times are missing');
  const done = v.done;
  const isEntry = (x: unknown) =>
    Array.isArray(x) &&
    x.length === 2 &&
    isCount(x[0]) &&
    x[0] < (v.vbucketCount as number) &&
    isText(x[1]);
  if (!Array.isArray(done) || !done.every(isEntry)) {
    throw bad('"done" is not a list of [vbucket, source] pairs');
  }
  return {
    version: VERSION,
    target: v.target,
    settings: { servers: settings.servers, newServers: settings.newServers },
    full: v.full,
    vbucketCount: v.vbucketCount,
    replicaCount: v.replicaCount,
    targetProcess: { pid: process.pid as number, startedAt: process.startedAt as number },
    ...(v.evictionsAtStart === undefined ? {} : { evictionsAtStart: v.evictionsAtStart as number }),
    startedAt: v.startedAt,
    savedAt: v.savedAt,
    done: done as [number, string][],
  };
}
