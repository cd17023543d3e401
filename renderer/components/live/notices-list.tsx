import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { selectJobNotices } from '../../store/jobs-slice.js';
import { useConsole } from '../console-context.js';

/** Notices shown per job, newest first. */
export const NOTICES_SHOWN = 50;

/** What the job said along the way (reconnects, unconfirmed keys, evictions), newest first. */
export function NoticesList({ jobId }: { readonly jobId: string }) {
  const notices = useConsole(
    useShallow(useMemo(() => selectJobNotices(jobId, NOTICES_SHOWN), [jobId])),
  );
  const isRunning = useConsole((state) => state.jobsById[jobId]?.state === 'running');
  return (
    <section className="panel notices" aria-labelledby={`notices-${jobId}`}>
      <h2 id={`notices-${jobId}`}>Notices</h2>
      {notices.length === 0 ? (
        <p className="muted">
          {isRunning ? 'Nothing to report so far.' : 'The job reported nothing along the way.'}
        </p>
      ) : (
        <ul className="notice-list">
          {notices.map((notice) => (
            <li key={notice.seq}>
              {notice.target !== undefined && <span className="mono">{notice.target}: </span>}
              {notice.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
