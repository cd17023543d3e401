/**
 * The console's activity log: every action, with its time, cluster, node and outcome, for the
 * operator to look back on. The newest entries are kept in memory; every entry is also appended
 * to `activity.jsonl` in the data directory (one JSON object a line, readable by the operator
 * only), and the file's newest entries are loaded again when the console starts. A damaged line
 * is skipped with a notice. Everything is bounded: an entry's size (activity-entry.ts), the
 * entries in memory, a page of `activity:list`, and the file, which is moved aside once it passes
 * its limit, at start or at the next append while running. Entries say what was done, never a
 * secret: an answered passphrase question is "passphrase given", never the passphrase.
 *
 * Jobs and wizard steps are logged from the service's own events; the rest (clusters saved,
 * connection tests, settings written per node, ...) is recorded by whoever does it.
 */
import { appendFile, mkdir, readFile, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { formatBytes, formatCount } from '../util/format-units.js';
import { capEntry, parseEntry } from './activity-entry.js';
import { namedList, SERVERS, TARGETS } from './activity-lists.js';
import {
  ACTIVITY_PAGE_LIMIT,
  type ActivityEntry,
  type ActivityListRequest,
  type ConsoleEventBody,
  type JobSummary,
  type OperatorPrompt,
  type ResizeWizard,
  type ResyncSummaryJson,
  type WizardStepState,
} from './contract.js';
import { STEP_NAMES } from './wizard-state.js';

/** Entries kept in memory, which `activity:list` pages through (the file keeps them all). */
export const ACTIVITY_MEMORY_LIMIT = 5000;
/** Entries one `activity:list` page returns at most (and by default): the newest, oldest first. */
export const ACTIVITY_LIST_LIMIT = ACTIVITY_PAGE_LIMIT;
/**
 * A file past this size is moved aside to `activity.1.jsonl` (replacing the one there, so one older
 * generation is kept): when the console starts, and while it runs at the append after the one that
 * took it past, so the log never grows without end and loading it stays quick.
 */
export const ACTIVITY_FILE_LIMIT = 32 * 1024 * 1024;

export interface ActivityLogOptions {
  /** The file's size limit; ACTIVITY_FILE_LIMIT unless a test wants to see it rotate. */
  readonly fileLimit?: number;
}

/** An entry as recorded: the log gives it its id and time. */
export type ActivityRecord = Omit<ActivityEntry, 'id' | 'at'>;

export class ActivityLog {
  private readonly entries: ActivityEntry[] = [];
  private nextId = 1;
  private pending: string[] = [];
  private writing: Promise<void> = Promise.resolve();
  private isFlushScheduled = false;
  // A file whose last line was cut short (a crash mid-append) needs a newline before the next one.
  private needsNewline = false;
  private hasWriteFailed = false;
  private isClosed = false;
  // The file's size as this log knows it: read at load, grown by each append.
  private fileBytes = 0;
  private readonly fileLimit: number;
  // Per running job, the targets whose end is logged (a job's summary repeats them).
  private readonly jobs = new Map<string, Set<string>>();
  private readonly wizards = new Map<string, ResizeWizard>();

  constructor(
    private readonly file: string,
    private readonly emit: (event: ConsoleEventBody) => void,
    options: ActivityLogOptions = {},
  ) {
    this.fileLimit = options.fileLimit ?? ACTIVITY_FILE_LIMIT;
  }

  /**
   * Loads the newest entries of the file, skipping damaged lines (then recording a notice). Never
   * throws: a log that cannot be read must not keep the console from starting. Call it once,
   * before anything is recorded.
   */
  async load(): Promise<void> {
    let text: string;
    try {
      const size = (await stat(this.file)).size;
      if (size > this.fileLimit) {
        await this.rotate(size);
        return;
      }
      text = await readFile(this.file, 'utf8');
      this.fileBytes = Buffer.byteLength(text, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      this.record({
        action: 'activity log unreadable',
        outcome: 'failed',
        detail: `${this.file}: ${(error as Error).message}; earlier entries are not shown`,
      });
      return;
    }
    const damaged: number[] = [];
    const lines = text.split('\n');
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      const entry = parseEntry(line);
      if (entry === undefined) damaged.push(index + 1);
      else this.keep(entry);
    });
    this.nextId = Math.max(this.nextId, ...this.entries.map((e) => e.id + 1));
    this.needsNewline = text !== '' && !text.endsWith('\n');
    if (damaged.length > 0) {
      this.record({
        action: 'activity log damaged',
        outcome: 'info',
        detail:
          `${damaged.length} line(s) of ${this.file} could not be read and were skipped ` +
          `(line ${damaged.slice(0, 10).join(', ')}${damaged.length > 10 ? ', ...' : ''})`,
      });
    }
  }

  /** Adds an entry: kept, appended to the file, and announced as an `activity` event. */
  record(record: ActivityRecord): ActivityEntry {
    const entry = capEntry({ id: this.nextId++, at: new Date().toISOString(), ...record });
    this.keep(entry);
    if (!this.isClosed) {
      this.pending.push(JSON.stringify(entry));
      this.scheduleFlush();
    }
    this.emit({ type: 'activity', entry });
    return entry;
  }

  /**
   * A page: the newest `limit` entries whose id is below `before` (all entries without it), oldest
   * first. Asking again with `before` set to the page's first id gives the page before it.
   */
  list(page: ActivityListRequest = {}): ActivityEntry[] {
    const limit = page.limit ?? ACTIVITY_LIST_LIMIT;
    const before = page.before;
    // Entries are kept in id order, so the page ends where the ids reach `before`.
    const found = before === undefined ? -1 : this.entries.findIndex((e) => e.id >= before);
    const end = found === -1 ? this.entries.length : found;
    return this.entries.slice(Math.max(0, end - limit), end);
  }

  /** Logs what an event of the service tells: jobs and their targets, SSH's questions, wizard steps. */
  observe(event: ConsoleEventBody): void {
    switch (event.type) {
      case 'job-started':
        this.jobs.set(event.job.id, new Set());
        this.record(jobStarted(event.job));
        return;
      case 'job-updated':
        this.logEndedTargets(event.job);
        return;
      case 'job-finished':
        this.logEndedTargets(event.job);
        this.jobs.delete(event.job.id);
        this.record(jobEnded(event.job));
        for (const failure of event.job.verify?.failures ?? []) {
          this.record({
            clusterId: event.job.clusterId,
            node: failure.node,
            action: 'verify could not check the node',
            outcome: 'failed',
            detail: failure.error.message,
          });
        }
        return;
      case 'prompt':
        this.record({
          action: 'SSH asks the operator',
          outcome: 'info',
          detail: asked(event.prompt),
        });
        return;
      case 'wizard-changed':
        this.wizardChanged(event.wizard);
        return;
      case 'wizard-removed': {
        const last = this.wizards.get(event.clusterId);
        this.wizards.delete(event.clusterId);
        this.record({
          clusterId: event.clusterId,
          action: last?.current === 'complete' ? 'resize wizard closed' : 'resize wizard abandoned',
          outcome: 'info',
          ...(last === undefined || last.current === 'complete'
            ? {}
            : { detail: `it was at step ${last.current} (${STEP_NAMES[last.current]})` }),
        });
        return;
      }
      default:
        return;
    }
  }

  /** Makes a wizard loaded from disk known, so its next change is logged against it. */
  knowWizard(wizard: ResizeWizard): void {
    this.wizards.set(wizard.clusterId, wizard);
  }

  /** Settles once everything recorded so far is in the file (or its failure is noted). */
  async written(): Promise<void> {
    this.scheduleFlush();
    await this.writing;
  }

  /** Writes what is pending; later entries are kept in memory only. */
  async close(): Promise<void> {
    this.isClosed = true;
    this.scheduleFlush();
    await this.writing;
  }

  private keep(entry: ActivityEntry): void {
    this.entries.push(entry);
    if (this.entries.length > ACTIVITY_MEMORY_LIMIT) {
      this.entries.splice(0, this.entries.length - ACTIVITY_MEMORY_LIMIT);
    }
  }

  private scheduleFlush(): void {
    if (this.isFlushScheduled) return;
    this.isFlushScheduled = true;
    this.writing = this.writing.then(() => this.flush());
  }

  // Everything recorded since the last flush goes in one append.
  private async flush(): Promise<void> {
    this.isFlushScheduled = false;
    const lines = this.pending.splice(0);
    if (lines.length === 0) return;
    try {
      if (this.fileBytes > this.fileLimit) {
        await this.rotate(this.fileBytes);
        // The rotation's notice goes in the new file after the lines that were waiting (older ids).
        lines.push(...this.pending.splice(0));
      }
      await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
      const text = (this.needsNewline ? '\n' : '') + lines.join('\n') + '\n';
      await appendFile(this.file, text, { mode: 0o600 });
      this.needsNewline = false;
      this.fileBytes += Buffer.byteLength(text, 'utf8');
    } catch (error) {
      if (this.hasWriteFailed) return;
      // Said once, in memory only: the entries stay visible for this run.
      this.hasWriteFailed = true;
      const entry: ActivityEntry = {
        id: this.nextId++,
        at: new Date().toISOString(),
        action: 'activity log not saved',
        outcome: 'failed',
        detail: `${this.file}: ${(error as Error).message}; this run's entries are kept in memory only`,
      };
      this.keep(entry);
      this.emit({ type: 'activity', entry });
    }
  }

  // Moves the file aside (replacing an older generation) and says so in the log; the entries in
  // memory stay, so the operator's view does not change. A failed move loses nothing: the appends
  // go on to the same file, and the move is tried again after another limit's worth.
  private async rotate(size: number): Promise<void> {
    const older = this.file.replace(/\.jsonl$/, '') + '.1.jsonl';
    this.fileBytes = 0;
    try {
      await rename(this.file, older);
    } catch (error) {
      this.record({
        action: 'activity log not rotated',
        outcome: 'failed',
        detail: `${this.file} (${formatBytes(size)}) could not be moved to ${older}: ${(error as Error).message}`,
      });
      return;
    }
    this.needsNewline = false;
    this.record({
      action: 'activity log rotated',
      outcome: 'info',
      detail: `the log had grown to ${formatBytes(size)}; its entries were moved to ${older}`,
    });
  }

  // A target's end is logged once, from whichever event first carries its summary.
  private logEndedTargets(job: JobSummary): void {
    const seen = this.jobs.get(job.id);
    if (seen === undefined) return;
    for (const resync of job.resyncs) {
      if (seen.has(resync.target)) continue;
      seen.add(resync.target);
      this.record(targetEnded(job, resync));
    }
  }

  private wizardChanged(wizard: ResizeWizard): void {
    const before = this.wizards.get(wizard.clusterId);
    this.wizards.set(wizard.clusterId, wizard);
    if (before === undefined) return;
    for (const step of wizard.steps) {
      const was = before.steps.find((s) => s.step === step.step);
      if (was?.state === step.state && was.startedAt === step.startedAt) continue;
      this.record({
        clusterId: wizard.clusterId,
        action: `step ${step.step}: ${STEP_NAMES[step.step]}`,
        outcome: STEP_OUTCOMES[step.state],
        ...describeStep(step.state, step.byHand === true, step.error?.message),
      });
    }
    if (wizard.current === 'complete' && before.current !== 'complete') {
      this.record({
        clusterId: wizard.clusterId,
        action: 'resize complete',
        outcome: 'succeeded',
        detail: `now ${namedList(SERVERS, wizard.newServers)}`,
      });
    }
  }
}

const STEP_OUTCOMES: Readonly<Record<WizardStepState, ActivityEntry['outcome']>> = {
  pending: 'info',
  running: 'started',
  succeeded: 'succeeded',
  failed: 'failed',
};

function describeStep(
  state: WizardStepState,
  isByHand: boolean,
  error: string | undefined,
): { detail?: string } {
  if (state === 'failed' && error !== undefined) return { detail: error };
  if (state === 'succeeded' && isByHand)
    return { detail: 'done by hand, confirmed by the operator' };
  if (state === 'pending') return { detail: 'waiting for the operator' };
  return {};
}

function jobStarted(job: JobSummary): ActivityRecord {
  const parts = [`job ${job.id}`];
  if (job.kind !== 'verify') {
    parts.push(namedList(TARGETS, job.targets));
    parts.push(
      job.rateLimit > 0 ? `at most ${formatBytes(job.rateLimit)}/s per target` : 'no rate limit',
    );
  }
  if (job.retryOf !== undefined) parts.push(`a retry of job ${job.retryOf}`);
  if (job.vbuckets !== undefined) parts.push(`vbuckets ${job.vbuckets.join(', ')}`);
  if (job.source !== undefined) parts.push(`from ${job.source} only`);
  return {
    clusterId: job.clusterId,
    ...(job.kind === 'resync' && job.targets[0] !== undefined ? { node: job.targets[0] } : {}),
    action: `${job.kind} started`,
    outcome: 'started',
    detail: parts.join('; '),
  };
}

function jobEnded(job: JobSummary): ActivityRecord {
  const parts = [`job ${job.id}`];
  if (job.verify !== undefined) {
    const v = job.verify;
    parts.push(
      `${formatCount(v.checked)} keys checked, ${formatCount(v.missing)} missing, ` +
        `${formatCount(v.stale)} stale, ${formatCount(v.repaired)} repaired`,
    );
  } else if (job.kind !== 'verify') {
    const complete = job.resyncs.filter((r) => r.isComplete).length;
    parts.push(`${complete} of ${job.targets.length} target(s) complete`);
  }
  if (job.error !== undefined) parts.push(job.error.message);
  return {
    clusterId: job.clusterId,
    ...(job.kind === 'resync' && job.targets[0] !== undefined ? { node: job.targets[0] } : {}),
    action: `${job.kind} ended`,
    outcome: job.state === 'running' ? 'info' : job.state,
    detail: parts.join('; '),
  };
}

function targetEnded(job: JobSummary, resync: ResyncSummaryJson): ActivityRecord {
  const parts = [
    `job ${job.id}`,
    `${resync.done} of ${resync.vbuckets} vbuckets streamed`,
    `${formatCount(resync.counts.keys)} keys, ${formatBytes(resync.counts.bytes)}`,
  ];
  if (resync.failed.length > 0) {
    const first = resync.failed[0];
    parts.push(
      `${resync.failed.length} failed (${resync.failed
        .slice(0, 12)
        .map((f) => f.vbucket)
        .join(', ')}${resync.failed.length > 12 ? ', ...' : ''})` +
        (first === undefined ? '' : `: ${first.reason}`),
    );
  }
  if (resync.targetEvictions > 0) parts.push(`${resync.targetEvictions} items evicted`);
  if (resync.error !== undefined) parts.push(resync.error.message);
  return {
    clusterId: job.clusterId,
    node: resync.target,
    action: 'target resync ended',
    outcome: resync.isComplete ? 'succeeded' : resync.cancelled ? 'cancelled' : 'failed',
    detail: parts.join('; '),
  };
}

function asked(prompt: OperatorPrompt): string {
  switch (prompt.kind) {
    case 'host-key':
      return (
        `unknown host key of ${prompt.alias} (${prompt.host}:${prompt.port}): ` +
        `${prompt.keyType} ${prompt.fingerprint}`
      );
    case 'passphrase':
      return `the passphrase of ${prompt.identityFile}`;
    case 'password':
      return `the password of ${prompt.user}@${prompt.host}`;
  }
}
