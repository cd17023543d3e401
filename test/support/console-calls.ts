/** Driving the console's service in tests as the renderer does: validated calls, awaited jobs. */
import type { ConsoleBackend } from '../../core/console/console-backend.js';
import { dispatch } from '../../core/console/console-backend.js';
import type {
  Channel,
  ConsoleEvent,
  JobSummary,
  RequestOf,
  ResponseOf,
} from '../../core/console/contract.js';

/** Calls a channel through `dispatch` (validated) and unwraps it: a refusal throws its payload. */
export async function callService<C extends Channel>(
  backend: ConsoleBackend,
  channel: C,
  request: RequestOf<C>,
): Promise<ResponseOf<C>> {
  const result = await dispatch(backend, channel, request);
  if (!result.ok) throw Object.assign(new Error(result.error.message), result.error);
  return result.value as ResponseOf<C>;
}

/**
 * The job as its job-finished event told it, once `events()` holds that event; `waiters` are
 * woken by the test whenever events arrive.
 */
export function jobFinished(
  events: () => readonly ConsoleEvent[],
  waiters: (() => void)[],
  jobId: string,
  timeoutMs: number,
): Promise<JobSummary> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`job ${jobId} did not finish`)), timeoutMs);
    const check = () => {
      const event = events().find((e) => e.type === 'job-finished' && e.job.id === jobId);
      if (event?.type !== 'job-finished') {
        waiters.push(check);
        return;
      }
      clearTimeout(timer);
      resolve(event.job);
    };
    check();
  });
}
