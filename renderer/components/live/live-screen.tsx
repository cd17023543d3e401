/**
 * The live view: one job of the selected cluster as it runs (the one the operator chose, else
 * the newest running one), its targets' vbucket grids, throughput, ETAs, failures and notices,
 * with the controls to throttle, pause or cancel it.
 */
import { useMemo, useState } from 'react';
import type { JobSummary } from '../../../core/console/contract.js';
import { selectWatchedJobId } from '../../store/jobs-slice.js';
import { useConsole, useConsoleClient } from '../console-context.js';
import { ErrorNotice } from '../error-notice.js';
import { countOf } from '../../../core/util/format-units.js';
import { useNodeIndex, type NodeIndex } from './cluster-nodes.js';
import { FailuresPanel } from './failures-panel.js';
import { JobControls } from './job-controls.js';
import { JobHeader, JobTotals, VerifyProgress } from './job-overview.js';
import { JobPicker } from './job-picker.js';
import { isTargetEnded } from './live-figures.js';
import { NodeChip } from './node-chip.js';
import { NoticesList } from './notices-list.js';
import { GridKey } from './target-grid.js';
import { arrangeTargets, standingOf, type TargetStanding } from './target-order.js';
import { TargetSection } from './target-section.js';
import type { ThroughputMetric } from './throughput-chart.js';

/** Past this many targets, their sections start closed (one line each). */
export const COMPACT_FROM = 8;

export function LiveScreen() {
  const clusterId = useConsole((state) => state.selectedClusterId);
  const jobId = useConsole(selectWatchedJobId);
  const job = useConsole((state) => (jobId === null ? undefined : state.jobsById[jobId]));
  const setView = useConsole((state) => state.setView);
  // Without the list, "no job has run" could be false: the failure is said instead.
  const jobsError = useConsole((state) => state.jobsError);
  const loadJobs = useConsole((state) => state.loadJobs);
  const client = useConsoleClient();
  return (
    <div className="live-screen">
      <JobPicker clusterId={clusterId} jobId={jobId} />
      {job === undefined && jobsError !== null ? (
        <section className="panel">
          <ErrorNotice
            error={jobsError}
            what="Could not list this cluster's jobs"
            onRetry={() => void loadJobs(client)}
          />
        </section>
      ) : job === undefined ? (
        <section className="panel empty">
          <p className="muted">No job has run on this cluster yet.</p>
          <button type="button" onClick={() => setView('resync')}>
            Resync a node…
          </button>
        </section>
      ) : (
        <LiveJob key={job.id} job={job} />
      )}
    </div>
  );
}

function LiveJob({ job }: { readonly job: JobSummary }) {
  const nodes = useNodeIndex(job.clusterId);
  const [metric, setMetric] = useState<ThroughputMetric>('bytes');
  const isCompact = job.targets.length > COMPACT_FROM;
  // A string, so that the list is arranged again only when a target's standing changes.
  const standings = useConsole((state) =>
    job.targets.map((target) => standingOf(state, job, target)).join(' '),
  );
  const arrangement = useMemo(
    () => arrangeTargets(job.targets, standings.split(' ') as TargetStanding[]),
    [job.targets, standings],
  );
  return (
    <>
      <section className="panel job-head" aria-label="Job">
        <JobHeader job={job} />
        {job.kind !== 'verify' && <JobTotals job={job} />}
        <JobControls job={job} />
      </section>
      {job.kind === 'verify' ? (
        <VerifyProgress job={job} />
      ) : (
        <section className="panel targets" aria-labelledby={`targets-${job.id}`}>
          <div className="section-head">
            <h2 id={`targets-${job.id}`}>
              {job.targets.length === 1 ? 'Target' : `${job.targets.length} targets`}
            </h2>
            <fieldset className="metric-toggle">
              <legend className="visually-hidden">Throughput in</legend>
              {(['bytes', 'keys'] as const).map((value) => (
                <label key={value}>
                  <input
                    type="radio"
                    name={`metric-${job.id}`}
                    value={value}
                    checked={metric === value}
                    onChange={() => setMetric(value)}
                  />
                  {value === 'bytes' ? 'MiB/s' : 'keys/s'}
                </label>
              ))}
            </fieldset>
          </div>
          <GridKey />
          {arrangement.listed.map((target) => (
            <TargetSection
              key={target}
              jobId={job.id}
              target={target}
              nodes={nodes}
              summary={job.resyncs.find((resync) => resync.target === target)}
              isEnded={isTargetEnded(job, target)}
              isPaused={job.isPaused}
              isCompact={isCompact}
              metric={metric}
            />
          ))}
          {arrangement.upToDate.length > 0 && (
            <UpToDate targets={arrangement.upToDate} nodes={nodes} />
          )}
        </section>
      )}
      <FailuresPanel job={job} nodes={nodes} />
      <NoticesList jobId={job.id} />
    </>
  );
}

/** Targets with nothing to fetch, as one line: they hold every vbucket they will own already. */
function UpToDate(props: { readonly targets: readonly string[]; readonly nodes: NodeIndex }) {
  const { targets, nodes } = props;
  return (
    <p className="targets-up-to-date" aria-label="Targets with nothing to fetch">
      <span aria-hidden="true">✓</span> {countOf(targets.length, 'node')} up to date, nothing to
      fetch:{' '}
      {targets.map((target) => (
        <NodeChip key={target} nodes={nodes} node={target} />
      ))}
    </p>
  );
}
