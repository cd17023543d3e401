/**
 * The head of a watched job: what it is, where it stands, how far all its targets are together
 * (vbuckets, keys, ETA, what the inject rule did), and the controls.
 */
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { JobSummary, NodeCounters } from '../../../core/console/contract.js';
import { formatCount, formatDuration } from '../../../core/util/format-units.js';
import type { ConsoleState } from '../../store/console-state.js';
import { EMPTY_TALLY } from '../../store/jobs-slice.js';
import { useConsole } from '../console-context.js';
import { formatTime } from '../format-time.js';
import { jobTitle, stateGlyph, stateWords } from './job-picker.js';
import { describeProgress, jobProgressOf, readingOf } from './key-progress.js';
import { LiveBar } from './live-bar.js';
import {
  COUNT_NAMES,
  describeEta,
  formatRateLimit,
  jobEtaOf,
  targetTotals,
} from './live-figures.js';
import { LiveText } from './live-text.js';
import { ownEntry } from '../../../core/shared/own-entry.js';

type CountName = (typeof COUNT_NAMES)[number][0];

export function JobHeader({ job }: { readonly job: JobSummary }) {
  const watchJob = useConsole((state) => state.watchJob);
  const original = useConsole((state) =>
    job.retryOf === undefined ? undefined : state.jobsById[job.retryOf],
  );
  return (
    <div className="job-header">
      <h2>{jobTitle(job)}</h2>
      <p
        className={`job-state state-${job.isPaused && job.state === 'running' ? 'paused' : job.state}`}
      >
        <span aria-hidden="true">{stateGlyph(job)}</span> {stateWords(job)}
      </p>
      <p className="muted job-times">
        Started {formatTime(job.startedAt)}
        {job.finishedAt !== undefined &&
          `, ended ${formatTime(job.finishedAt)} (${formatDuration(
            Date.parse(job.finishedAt) - Date.parse(job.startedAt),
          )})`}
        {job.kind !== 'verify' && ` · rate limit ${formatRateLimit(job.rateLimit)}`}
        {job.vbuckets !== undefined && ` · only vbuckets ${listVbuckets(job.vbuckets)}`}
        {job.source !== undefined && ` · only from ${job.source}`}
      </p>
      {job.retryOf !== undefined && (
        <p className="job-retry">
          Retries part of{' '}
          {original === undefined ? (
            <span className="mono">{job.retryOf}</span>
          ) : (
            <button type="button" className="link" onClick={() => watchJob(original.id)}>
              {jobTitle(original)}, {formatTime(original.startedAt)}
            </button>
          )}
        </p>
      )}
    </div>
  );
}

function listVbuckets(vbuckets: readonly number[]): string {
  const shown = vbuckets.slice(0, 8).join(', ');
  return vbuckets.length > 8 ? `${shown} and ${vbuckets.length - 8} more` : shown;
}

/** All targets together. */
export function JobTotals({ job }: { readonly job: JobSummary }) {
  const tally = useConsole(
    useShallow((state: ConsoleState) => {
      const sum = { ...EMPTY_TALLY };
      for (const target of job.targets) {
        const part = ownEntry(state.jobProgress[job.id]?.targets, target)?.tally;
        if (part === undefined) continue;
        sum.pending += part.pending;
        sum.streaming += part.streaming;
        sum.done += part.done;
        sum.failed += part.failed;
      }
      return sum;
    }),
  );
  const total = tally.pending + tally.streaming + tally.done + tally.failed;
  const counts = useConsole(useShallow(useMemo(() => selectJobCounts(job), [job])));
  return (
    <div className="job-totals">
      <div className="job-overall">
        <LiveBar
          label="Progress of the whole job"
          className="job-bar"
          reading={(state) => readingOf(jobProgressOf(state, job.id))}
        />
        <p className="job-overall-words">
          <LiveText text={(state) => describeProgress(jobProgressOf(state, job.id))} />
          <span>
            ETA: <LiveText className="eta" text={(state) => describeEta(jobEtaOf(state, job.id))} />
          </span>
        </p>
      </div>
      <dl className="job-figures">
        <div>
          <dt>vbuckets done</dt>
          <dd>
            {formatCount(tally.done)} <span className="muted">of {formatCount(total)}</span>
            {tally.failed > 0 && (
              <span className="failed-count"> ✕ {formatCount(tally.failed)} failed</span>
            )}
          </dd>
        </div>
      </dl>
      <dl className="key-counts">
        {COUNT_NAMES.map(([name, label, meaning]) => (
          <div key={name} title={meaning}>
            <dt>{label}</dt>
            <dd>{formatCount(counts[name])}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

/** The inject rule's counts over all targets: summaries once ended, running totals before. */
function selectJobCounts(job: JobSummary) {
  return (state: ConsoleState): Record<CountName, number> => {
    // The counts the page shows, named once in COUNT_NAMES.
    const sum = Object.fromEntries(COUNT_NAMES.map(([name]) => [name, 0])) as Record<
      CountName,
      number
    >;
    for (const target of job.targets) {
      const counts: NodeCounters['counts'] =
        job.resyncs.find((resync) => resync.target === target)?.counts ??
        targetTotals(state, job.id, target)?.counts;
      if (counts === undefined) continue;
      for (const name of Object.keys(sum) as CountName[]) sum[name] += counts[name];
    }
    return sum;
  };
}

/** A verify job: keys checked so far, and its report once done. */
export function VerifyProgress({ job }: { readonly job: JobSummary }) {
  const checked = useConsole((state) => state.jobProgress[job.id]?.checkedKeys ?? 0);
  const report = job.verify;
  return (
    <section className="panel verify-progress" aria-label="Verify">
      <p>
        Checked <strong>{formatCount(report?.checked ?? checked)}</strong> keys
      </p>
      {report !== undefined && (
        <p className={report.isClean ? 'tone-good' : 'tone-bad'}>
          {report.isClean
            ? '✓ Clean: every key is where it should be.'
            : `✕ ${formatCount(report.missing)} missing, ${formatCount(report.stale)} stale, ${formatCount(report.repaired)} repaired; ${report.failures.length} nodes could not be checked.`}
        </p>
      )}
    </section>
  );
}
