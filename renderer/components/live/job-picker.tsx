import { useId, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { JobSummary } from '../../../core/console/contract.js';
import { selectClusterJobs } from '../../store/jobs-slice.js';
import { useConsole } from '../console-context.js';
import { formatTime } from '../format-time.js';

/** The cluster's jobs, newest first; choosing one shows it. */
export function JobPicker(props: {
  readonly clusterId: string | null;
  readonly jobId: string | null;
}) {
  const { clusterId, jobId } = props;
  const id = useId();
  const jobs = useConsole(useShallow(useMemo(() => selectClusterJobs(clusterId), [clusterId])));
  const watchJob = useConsole((state) => state.watchJob);
  if (jobs.length === 0) return null;
  return (
    <div className="job-picker">
      <label htmlFor={id}>Job</label>
      <select id={id} value={jobId ?? ''} onChange={(event) => watchJob(event.target.value)}>
        {jobs.map((job) => (
          <option key={job.id} value={job.id}>
            {jobTitle(job)} · {stateWords(job)} · {formatTime(job.startedAt)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A job in a few words: what it does, to which nodes. */
export function jobTitle(job: JobSummary): string {
  const retry = job.retryOf === undefined ? '' : ' (retry)';
  switch (job.kind) {
    case 'resync':
      return `Resync of ${job.targets.join(', ')}${retry}`;
    case 'resize':
      return `Resize: ${job.targets.length} ${job.targets.length === 1 ? 'target' : 'targets'}`;
    case 'verify':
      return 'Verify';
  }
}

export function stateWords(job: JobSummary): string {
  if (job.state === 'running') return job.isPaused ? 'paused' : 'running';
  return job.state;
}

/** A glyph per state, so the state never rests on colour alone. */
export function stateGlyph(job: JobSummary): string {
  if (job.state === 'running') return job.isPaused ? '‖' : '▶';
  return job.state === 'succeeded' ? '✓' : job.state === 'failed' ? '✕' : '■';
}
