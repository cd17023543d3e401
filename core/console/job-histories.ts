/**
 * Every job's history (job-history.ts), for windows that connect late: a running job's always, a
 * finished job's until JOB_REPLAY_LIMITS.finishedJobs newer jobs have finished, so that a console
 * left open for weeks holds a bounded number of them.
 */
import type { ConsoleEvent, JobsReplay } from './contract.js';
import { JOB_REPLAY_LIMITS } from './contract.js';
import { JobHistory } from './job-history.js';

export class JobHistories {
  private readonly histories = new Map<string, JobHistory>();
  /** Finished jobs' ids, in the order they finished. */
  private readonly finished: string[] = [];

  /** Folds in one event of the service's, in `seq` order. */
  observe(event: ConsoleEvent): void {
    switch (event.type) {
      case 'job-started':
        this.histories.set(event.job.id, new JobHistory(event.job.id));
        break;
      case 'job-finished':
        this.finish(event.job.id);
        break;
      case 'vbucket-state':
      case 'throughput':
      case 'estimate':
      case 'pass':
      case 'verify-progress':
      case 'notice':
        this.histories.get(event.jobId)?.observe(event);
        break;
      default:
        break;
    }
  }

  /** The kept jobs' histories as of event `seq` (the last the service numbered). */
  replay(seq: number): JobsReplay {
    return { seq, jobs: [...this.histories.values()].map((history) => history.snapshot()) };
  }

  private finish(jobId: string): void {
    if (!this.histories.has(jobId) || this.finished.includes(jobId)) return;
    this.finished.push(jobId);
    while (this.finished.length > JOB_REPLAY_LIMITS.finishedJobs) {
      const oldest = this.finished.shift();
      if (oldest !== undefined) this.histories.delete(oldest);
    }
  }
}
