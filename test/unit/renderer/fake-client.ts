/** A ConsoleClient stand-in for renderer tests: each channel answers from a handler, or throws. */
import type { Channel, RequestOf, ResponseOf } from '../../../core/console/contract.js';
import { ConsoleCallError, type ConsoleClient } from '../../../renderer/api/console-client.js';

export type Handlers = { [C in Channel]?: (request: RequestOf<C>) => Promise<ResponseOf<C>> };

export interface FakeClient extends ConsoleClient {
  /** Every call made, in order. */
  readonly calls: { readonly channel: Channel; readonly request: unknown }[];
}

export function fakeClient(handlers: Handlers = {}): FakeClient {
  const calls: { channel: Channel; request: unknown }[] = [];
  return {
    calls,
    invoke(channel, request) {
      calls.push({ channel, request });
      const handler = handlers[channel] as ((request: unknown) => Promise<never>) | undefined;
      if (handler === undefined) return Promise.reject(notYet(channel));
      return handler(request);
    },
    onEvents: () => () => {},
  };
}

/** What the service answers on a channel not built yet. */
export function notYet(channel: Channel): ConsoleCallError {
  return new ConsoleCallError(channel, {
    code: 'NOT_YET',
    message: `${channel} is not built yet`,
    detail: { stage: 'usage' },
  });
}

/** A promise to be settled by the test, to hold a call open while events arrive. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}
