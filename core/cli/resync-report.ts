/**
 * How the CLI shows a resync: a live progress line and a closing summary for people, or one JSON
 * object per line (events, then the summary) for scripts.
 */
import type { ResyncObserver, ResyncSummary, VbucketState } from '../resync/resync-engine.js';
import type { CliIo } from './cli-io.js';
import {
  countOf,
  formatBytes,
  formatCount,
  formatDuration,
  formatKeysIntoNodes,
  formatRate,
} from '../util/format-units.js';
import { ProgressLine, progressBar, type ProgressStream } from './progress-line.js';

/** Prints every event as one JSON line on stdout. */
export function jsonResyncObserver(io: CliIo, target: string): ResyncObserver {
  const emit = (event: string, fields: Record<string, unknown>) =>
    io.stdout.write(JSON.stringify({ event, target, ...fields }) + '\n');
  return {
    onVbucketState: (vbucket, state) => emit('vbucket', { vbucket, ...state }),
    onThroughput: (samples, totals) => emit('throughput', { samples, totals }),
    onPass: (report) => emit('pass', { ...report }),
    onNotice: (message) => emit('notice', { message }),
    onEstimate: (estimatedKeys) => emit('estimate', { estimatedKeys }),
  };
}

/** Live progress for one or more resyncs sharing one terminal line. */
export class HumanResyncProgress {
  private readonly line: ProgressLine;
  private readonly jobs = new Map<string, JobProgress>();
  private readonly startedAt = Date.now();

  constructor(stream: ProgressStream) {
    this.line = new ProgressLine(stream);
  }

  observerFor(target: string, vbuckets: number): ResyncObserver {
    // A node that holds all its vbuckets already only gets its tag record: nothing to draw.
    if (vbuckets === 0) return { onNotice: (message) => this.line.log(`${target}: ${message}`) };
    const job: JobProgress = {
      vbuckets,
      done: 0,
      failed: 0,
      keys: 0,
      bytes: 0,
      keysPerSecond: 0,
      bytesPerSecond: 0,
      estimate: 0,
      states: new Map(),
    };
    this.jobs.set(target, job);
    const prefix = (message: string) => (this.jobs.size > 1 ? `${target}: ${message}` : message);
    return {
      onVbucketState: (vbucket, state) => {
        this.countState(job, vbucket, state);
        this.redraw();
      },
      onThroughput: (samples, totals) => {
        const mine = samples.find((s) => s.role === 'target');
        const total = totals.find((t) => t.role === 'target');
        job.keysPerSecond = mine?.keysPerSecond ?? 0;
        job.bytesPerSecond = mine?.bytesPerSecond ?? 0;
        job.keys = total?.keys ?? job.keys;
        job.bytes = total?.bytes ?? job.bytes;
        this.redraw();
      },
      onEstimate: (estimate) => {
        job.estimate = estimate;
      },
      onNotice: (message) => this.line.log(prefix(message)),
    };
  }

  log(message: string): void {
    this.line.log(message);
  }

  clear(): void {
    this.line.clear();
  }

  private countState(job: JobProgress, vbucket: number, state: VbucketState): void {
    const before = job.states.get(vbucket);
    if (before === 'done') job.done--;
    if (before === 'failed') job.failed--;
    job.states.set(vbucket, state.state);
    if (state.state === 'done') job.done++;
    if (state.state === 'failed') job.failed++;
  }

  private redraw(): void {
    let vbuckets = 0;
    let done = 0;
    let failed = 0;
    let keys = 0;
    let bytes = 0;
    let keysPerSecond = 0;
    let bytesPerSecond = 0;
    let estimate = 0;
    for (const job of this.jobs.values()) {
      vbuckets += job.vbuckets;
      done += job.done;
      failed += job.failed;
      keys += job.keys;
      bytes += job.bytes;
      keysPerSecond += job.keysPerSecond;
      bytesPerSecond += job.bytesPerSecond;
      estimate += job.estimate;
    }
    const remaining = Math.max(0, estimate - keys);
    const eta = keysPerSecond > 0 ? (1000 * remaining) / keysPerSecond : Infinity;
    const fraction = vbuckets === 0 ? 1 : done / vbuckets;
    this.line.update(
      `${progressBar(fraction)} ${done}/${vbuckets} vbuckets${failed > 0 ? ` (${failed} failed)` : ''}` +
        ` | ${formatCount(keys)} keys | ${formatBytes(bytes)}` +
        ` | ${formatRate(keysPerSecond)} keys/s ${formatBytes(bytesPerSecond)}/s` +
        ` | ETA ${remaining === 0 && done < vbuckets ? 'confirming' : formatDuration(eta)}` +
        ` | ${formatDuration(Date.now() - this.startedAt)} elapsed`,
    );
  }
}

interface JobProgress {
  readonly vbuckets: number;
  done: number;
  failed: number;
  keys: number;
  bytes: number;
  keysPerSecond: number;
  bytesPerSecond: number;
  estimate: number;
  readonly states: Map<number, VbucketState['state']>;
}

/** The closing summary of one resync, for people. */
export function renderResyncSummary(summary: ResyncSummary): string {
  const lines: string[] = [];
  const { counts } = summary;
  const verdict = summary.isComplete ? 'complete' : summary.cancelled ? 'CANCELLED' : 'INCOMPLETE';
  lines.push(
    `${summary.target}: resync ${verdict} in ${(summary.durationMs / 1000).toFixed(1)} s ` +
      `(${summary.full ? 'full' : 'minimal'}): ${summary.done} of ${summary.vbuckets} vbuckets streamed`,
  );
  lines.push(
    `  ${formatCount(counts.keys)} keys, ${formatBytes(counts.bytes)}: ${formatCount(counts.added)} added, ` +
      `${formatCount(counts.replaced)} replaced (older on target), ${formatCount(counts.skippedNewer)} kept ` +
      `(newer on target), ${formatCount(counts.alreadyThere)} already there, ` +
      `${formatCount(counts.raced)} CAS races, ${formatCount(counts.vanished)} vanished`,
  );
  if (summary.resumedVbuckets !== undefined) {
    lines.push(
      `  ${formatCount(summary.resumedVbuckets)} vbuckets were streamed by an earlier run ` +
        '(its checkpoint) and not streamed again',
    );
  }
  for (const source of summary.sources) {
    const passes = summary.passes.filter((p) => p.source === source.node);
    const passText = passes
      .map((p) => `pass ${p.pass}: ${formatCount(p.missing)} missing`)
      .join(', ');
    lines.push(
      `  from ${source.node}${source.dialect === 'clearwater' ? ' (TAP)' : ''}: ` +
        `${formatCount(source.keys)} keys, ${formatBytes(source.bytes)}` +
        (passText === '' ? '' : ` (${passText})`) +
        (source.failure === undefined ? '' : `; FAILED: ${source.failure}`),
    );
  }
  if (summary.unconfirmedKeys > 0) {
    lines.push(
      `  warning: ${formatCount(summary.unconfirmedKeys)} keys were still missing in the last pass; ` +
        'run "astaire verify --repair" and check the target for evictions',
    );
  }
  for (const failure of summary.failed.slice(0, 20)) {
    lines.push(`  vbucket ${failure.vbucket} FAILED: ${failure.reason}`);
  }
  if (summary.failed.length > 20)
    lines.push(`  ... and ${summary.failed.length - 20} more failed vbuckets`);
  if (summary.targetEvictions > 0) {
    lines.push(
      `  FAILED: ${summary.target} evicted ${formatCount(summary.targetEvictions)} items while it was ` +
        'filled; raise its memory limit (-m) and run the resync again',
    );
  }
  if (summary.error !== undefined) lines.push(`  error: ${summary.error.message}`);
  lines.push(
    summary.tagWritten
      ? '  tag record written'
      : summary.restrictedTo !== undefined
        ? `  tag record not written (a retry of ${summary.restrictedTo.vbuckets.length} of the ` +
          `worklist's ${summary.restrictedTo.worklistSize} vbuckets)`
        : '  tag record NOT written (the resync is not complete)',
  );
  return lines.join('\n') + '\n';
}

/**
 * The keys a resize's resyncs moved, in all and into each node, in `targets`' order (summaries
 * come in finishing order); a target without a summary (the run was stopped first) is left out.
 */
export function renderKeysMoved(
  targets: readonly string[],
  summaries: readonly ResyncSummary[],
): string {
  const intakes = targets.flatMap((target) => {
    const summary = summaries.find((s) => s.target === target);
    return summary === undefined
      ? []
      : [{ node: target, keys: summary.counts.keys, bytes: summary.counts.bytes }];
  });
  const keys = intakes.reduce((sum, intake) => sum + intake.keys, 0);
  const bytes = intakes.reduce((sum, intake) => sum + intake.bytes, 0);
  return `Keys moved: ${countOf(keys, 'key')}, ${formatBytes(bytes)}: ${formatKeysIntoNodes(intakes)}\n`;
}
