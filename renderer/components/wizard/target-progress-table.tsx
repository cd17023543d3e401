/**
 * Step 3's progress inside the wizard, with the live view's figures (keys and bytes against the
 * estimate, rate, ETA), so that an operator need not leave the wizard to see how far it is.
 */
import type { JobSummary } from '../../../core/console/contract.js';
import type { JobProgress } from '../../store/jobs-slice.js';
import {
  describeProgress,
  jobProgressOf,
  readingOf,
  targetProgressOf,
} from '../live/key-progress.js';
import { LiveBar } from '../live/live-bar.js';
import {
  describeEta,
  describeTargetRate,
  isTargetEnded,
  jobEtaOf,
  targetEtaOf,
} from '../live/live-figures.js';
import { LiveText } from '../live/live-text.js';
import { GlyphText, TALLY_STATES, tallyTarget } from './target-tally.js';
import { ownEntry } from '../../../core/shared/own-entry.js';

/** The whole job: one bar, its words and its ETA. */
export function JobBar({ jobId }: { readonly jobId: string }) {
  return (
    <div className="job-overall">
      <LiveBar
        label="Progress of the whole resync"
        className="job-bar"
        reading={(state) => readingOf(jobProgressOf(state, jobId))}
      />
      <p className="job-overall-words">
        <LiveText text={(state) => describeProgress(jobProgressOf(state, jobId))} />
        <span>
          ETA: <LiveText className="eta" text={(state) => describeEta(jobEtaOf(state, jobId))} />
        </span>
      </p>
    </div>
  );
}

export function TargetProgressTable(props: {
  readonly jobId: string;
  readonly job: JobSummary | undefined;
  readonly progress: JobProgress | undefined;
  readonly targets: readonly string[];
}) {
  const { jobId, job, progress, targets } = props;
  return (
    <table className="node-table wizard-targets">
      <caption>Resync of each target</caption>
      <thead>
        <tr>
          <th scope="col">Target</th>
          <th scope="col">State</th>
          <th scope="col">Keys and data</th>
          <th scope="col">Rate</th>
          <th scope="col">ETA</th>
          <th scope="col" className="number">
            vbuckets done
          </th>
          <th scope="col" className="number">
            Failed
          </th>
        </tr>
      </thead>
      <tbody>
        {targets.map((target) => {
          const tally = tallyTarget(target, job, ownEntry(progress?.targets, target));
          const isRunning = job !== undefined && !isTargetEnded(job, target);
          return (
            <tr key={target} className={`tally-${tally.state}`}>
              <th scope="row" className="mono">
                {target}
              </th>
              <td>
                <span className={`tally-state tally-state-${tally.state}`}>
                  <GlyphText glyphText={TALLY_STATES[tally.state]} />
                </span>
              </td>
              <td className="target-progress-cell">
                <LiveBar
                  label={`Progress of ${target}`}
                  reading={(state) => readingOf(targetProgressOf(state, jobId, target))}
                />
                <LiveText
                  text={(state) => describeProgress(targetProgressOf(state, jobId, target))}
                />
              </td>
              <td>
                {isRunning ? (
                  <LiveText text={(state) => describeTargetRate(state, jobId, target)} />
                ) : (
                  '—'
                )}
              </td>
              <td>
                <LiveText
                  className="eta"
                  text={(state) => describeEta(targetEtaOf(state, jobId, target))}
                />
              </td>
              <td className="number">
                {tally.done} of {tally.worklist}
              </td>
              <td className={`number${tally.failed > 0 ? ' has-failed' : ''}`}>{tally.failed}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
