/** A resync summary as JSON (the CLI's `--json` and the console): maps become plain objects. */
import type { ResyncCounts } from './resync-counts.js';
import type { ResyncSummary } from './resync-engine.js';

export type ResyncSummaryJson = Omit<ResyncSummary, 'perVbucket'> & {
  /** vbucket (decimal string) -> its counts. */
  readonly perVbucket: Readonly<Record<string, ResyncCounts>>;
};

export function summaryToJson(summary: ResyncSummary): ResyncSummaryJson {
  return { ...summary, perVbucket: Object.fromEntries(summary.perVbucket) };
}
