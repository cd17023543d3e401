/**
 * What the Electron IPC bridge and the web server both serve: a backend that answers channels and
 * pushes events, and `dispatch`, the one place where a call from outside is checked (known channel,
 * valid request) and its outcome, error or not, is put in the envelope that crosses the boundary.
 */
import { toErrorPayload, UsageError } from '../errors.js';
import {
  isChannel,
  type Channel,
  type ConsoleEvent,
  type InvokeResult,
  type RequestOf,
  type ResponseOf,
} from './contract.js';
import { describeIssue, REQUEST_SCHEMAS } from './contract-schemas.js';

export interface ConsoleBackend {
  handle<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  /** Calls `listener` with every event from now on, in order; returns the unsubscribe. */
  subscribe(listener: (event: ConsoleEvent) => void): () => void;
}

/**
 * Validates and runs one call from outside the process. Never throws: an unknown channel, a request
 * that fails validation (nothing runs then) and a failure of the work itself all come back as
 * `{ ok: false, error }` with a stable code.
 */
export async function dispatch(
  backend: ConsoleBackend,
  channel: unknown,
  request: unknown,
): Promise<InvokeResult<unknown>> {
  try {
    if (!isChannel(channel)) {
      throw new UsageError('UNKNOWN_CHANNEL', `no such console channel: ${describeName(channel)}`);
    }
    const parsed = REQUEST_SCHEMAS[channel].safeParse(request);
    if (!parsed.success) {
      throw new UsageError('BAD_REQUEST', `${channel}: ${describeIssue(parsed.error)}`);
    }
    return { ok: true, value: await backend.handle(channel, parsed.data as RequestOf<Channel>) };
  } catch (error) {
    return { ok: false, error: toErrorPayload(error) };
  }
}

function describeName(channel: unknown): string {
  if (typeof channel !== 'string') return `(a ${typeof channel}, not a name)`;
  return JSON.stringify(channel.length > 60 ? channel.slice(0, 60) + '...' : channel);
}
