/**
 * One target of a job: who it is, how far it is (vbuckets, keys, rate, ETA), what the inject rule
 * did, and, open, its grid, its sources and its throughput chart. With many targets the sections
 * start closed, so a resize of 16 nodes reads as 16 lines.
 */
import { DIALECT_LABELS } from '../../../core/memcached/dialect.js';
import { memo, useId, useMemo, useState } from 'react';
import type { ResyncSummaryJson } from '../../../core/console/contract.js';
import { countOf, formatBytes, formatCount } from '../../../core/util/format-units.js';
import type { ConsoleState } from '../../store/console-state.js';
import { selectTargetTally, type VbucketTally } from '../../store/jobs-slice.js';
import { useConsole } from '../console-context.js';
import type { NodeIndex } from './cluster-nodes.js';
import { describeProgress, readingOf, targetProgressOf } from './key-progress.js';
import { LiveBar } from './live-bar.js';
import {
  COUNT_NAMES,
  describeEta,
  describeTargetRate,
  targetEtaOf,
  targetTotals,
} from './live-figures.js';
import { LiveText } from './live-text.js';
import { NodeChip } from './node-chip.js';
import { TargetGrid } from './target-grid.js';
import { ThroughputChart, type ThroughputMetric } from './throughput-chart.js';
import { ownEntry } from '../../../core/shared/own-entry.js';

export const TargetSection = memo(function TargetSection(props: {
  readonly jobId: string;
  readonly target: string;
  readonly nodes: NodeIndex;
  /** The target's summary, once its resync has ended. */
  readonly summary: ResyncSummaryJson | undefined;
  readonly isEnded: boolean;
  readonly isPaused: boolean;
  readonly isCompact: boolean;
  readonly metric: ThroughputMetric;
}) {
  const { jobId, target, nodes, summary, isEnded, isPaused, isCompact, metric } = props;
  const id = useId();
  const [isOpen, setIsOpen] = useState(!isCompact);
  const events = useConsole(useMemo(() => selectTargetTally(jobId, target), [jobId, target]));
  // Once the target has ended, its summary is the record (events may have been missed).
  const tally = summary === undefined ? events : summaryTally(summary);
  const total = tally.pending + tally.streaming + tally.done + tally.failed;
  return (
    <section className={`target-section${isOpen ? ' is-open' : ''}`} aria-labelledby={`${id}-name`}>
      <header className={isCompact ? 'target-head has-toggle' : 'target-head'}>
        {isCompact && (
          <button
            type="button"
            className="disclosure"
            aria-expanded={isOpen}
            aria-controls={`${id}-body`}
            onClick={() => setIsOpen((open) => !open)}
          >
            <span aria-hidden="true">{isOpen ? '▾' : '▸'}</span>
            <span className="visually-hidden">{isOpen ? 'Hide' : 'Show'} details of</span>
          </button>
        )}
        <h3 id={`${id}-name`} className="target-name">
          <NodeChip nodes={nodes} node={target} />
        </h3>
        <TargetState summary={summary} isEnded={isEnded} isPaused={isPaused} tally={tally} />
        <LiveBar
          label={`Progress of ${target}`}
          reading={(state) => readingOf(targetProgressOf(state, jobId, target))}
        />
        <p className="target-figures target-vbuckets">
          <span>
            <strong>{formatCount(tally.done)}</strong> of {formatCount(total)} vbuckets done
          </span>
          {tally.streaming > 0 && <span>{formatCount(tally.streaming)} streaming</span>}
          {tally.pending > 0 && <span>{formatCount(tally.pending)} pending</span>}
          {tally.failed > 0 && (
            <span className="failed-count">✕ {formatCount(tally.failed)} failed</span>
          )}
        </p>
        <p className="target-figures target-keys">
          <LiveText text={(state) => keysText(state, jobId, target, summary)} />
          {!isEnded && <LiveText text={(state) => describeTargetRate(state, jobId, target)} />}
          <span>
            ETA:{' '}
            <LiveText
              className="eta"
              text={(state) => describeEta(targetEtaOf(state, jobId, target))}
            />
          </span>
        </p>
      </header>
      <TargetCounts jobId={jobId} target={target} summary={summary} />
      {isOpen && (
        <div className="target-body" id={`${id}-body`}>
          <TargetGrid jobId={jobId} target={target} nodes={nodes} />
          <div className="target-side">
            <SourceList jobId={jobId} target={target} nodes={nodes} summary={summary} />
            <ThroughputChart jobId={jobId} target={target} metric={metric} nodes={nodes} />
          </div>
        </div>
      )}
    </section>
  );
});

function summaryTally(summary: ResyncSummaryJson): VbucketTally {
  const failed = summary.failed.length;
  return {
    done: summary.done,
    failed,
    streaming: 0,
    pending: Math.max(0, summary.vbuckets - summary.done - failed),
  };
}

function keysText(
  state: ConsoleState,
  jobId: string,
  target: string,
  summary: ResyncSummaryJson | undefined,
): string {
  if (summary !== undefined) {
    const moved = `${countOf(summary.counts.keys, 'key')}, ${formatBytes(summary.counts.bytes)} moved`;
    return summary.resumedVbuckets === undefined
      ? moved
      : `${moved}; ${countOf(summary.resumedVbuckets, 'vbucket')} carried on from an earlier ` +
          'run’s checkpoint';
  }
  return describeProgress(targetProgressOf(state, jobId, target));
}

function TargetState(props: {
  readonly summary: ResyncSummaryJson | undefined;
  readonly isEnded: boolean;
  readonly isPaused: boolean;
  readonly tally: VbucketTally;
}) {
  const { summary, isEnded, isPaused, tally } = props;
  const [tone, glyph, words] = ((): [string, string, string] => {
    if (summary !== undefined) {
      if (summary.isComplete) {
        return ['good', '✓', summary.tagWritten ? 'complete, tag record written' : 'complete'];
      }
      if (summary.cancelled) return ['quiet', '■', 'cancelled'];
      return ['bad', '✕', `not complete: ${incompleteReason(summary)}`];
    }
    if (isEnded) return ['quiet', '■', 'stopped before it finished'];
    if (isPaused) return ['quiet', '‖', 'paused'];
    if (tally.pending + tally.streaming + tally.done + tally.failed === 0) {
      return ['quiet', '…', 'waiting to start'];
    }
    return ['busy', '▶', 'streaming'];
  })();
  return (
    <p className={`target-state tone-${tone}`}>
      <span aria-hidden="true">{glyph}</span> {words}
    </p>
  );
}

function incompleteReason(summary: ResyncSummaryJson): string {
  if (summary.error !== undefined) return summary.error.message;
  const reasons: string[] = [];
  if (summary.failed.length > 0)
    reasons.push(`${countOf(summary.failed.length, 'vbucket')} failed`);
  if (summary.targetEvictions > 0) {
    reasons.push(`the target evicted ${formatCount(summary.targetEvictions)} items`);
  }
  if (summary.unconfirmedKeys > 0) {
    reasons.push(`${countOf(summary.unconfirmedKeys, 'key')} unconfirmed`);
  }
  return reasons.join(', ') || 'see the notices';
}

/** What the inject rule did with the keys: the summary's once ended, the running totals before. */
const TargetCounts = memo(function TargetCounts(props: {
  readonly jobId: string;
  readonly target: string;
  readonly summary: ResyncSummaryJson | undefined;
}) {
  const { jobId, target, summary } = props;
  const running = useConsole((state) => targetTotals(state, jobId, target)?.counts);
  const counts = summary?.counts ?? running;
  return (
    <dl className="key-counts">
      {COUNT_NAMES.map(([name, label, meaning]) => (
        <div key={name} title={meaning}>
          <dt>{label}</dt>
          <dd>{counts === undefined ? '—' : formatCount(counts[name])}</dd>
        </div>
      ))}
    </dl>
  );
});

/** The target's sources: what each has sent, and why one failed. */
const SourceList = memo(function SourceList(props: {
  readonly jobId: string;
  readonly target: string;
  readonly nodes: NodeIndex;
  readonly summary: ResyncSummaryJson | undefined;
}) {
  const { jobId, target, nodes, summary } = props;
  const totals = useConsole((state) => ownEntry(state.totals[jobId], target));
  const sources =
    summary?.sources ??
    (totals ?? [])
      .filter((node) => node.role === 'source')
      .map((node) => ({
        node: node.node,
        keys: node.keys,
        bytes: node.bytes,
        ...(node.dialect === undefined ? {} : { dialect: node.dialect }),
      }));
  if (sources.length === 0) return <p className="muted">No source has sent anything yet.</p>;
  return (
    <ul className="source-list" aria-label={`Sources of ${target}`}>
      {sources.map((source) => (
        <li key={source.node}>
          <NodeChip nodes={nodes} node={source.node} />
          <span>
            sent {formatCount(source.keys)} keys, {formatBytes(source.bytes)}
            {source.dialect !== undefined && (
              <span className="muted"> · {DIALECT_LABELS[source.dialect]}</span>
            )}
          </span>
          {'failure' in source && source.failure !== undefined && (
            <span className="failure-reason">✕ {source.failure}</span>
          )}
        </li>
      ))}
    </ul>
  );
});
