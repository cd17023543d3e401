/**
 * The client inside Electron: the preload exposes one named function per channel on
 * `window.astaire` (never a generic invoke), each answering an `InvokeResult`.
 */
import {
  CHANNEL_FUNCTIONS,
  type Channel,
  type EventBatch,
  type InvokeResult,
  type RequestOf,
  type ResponseOf,
} from '../../core/console/contract.js';
import { ConsoleCallError, unwrapResult, type ConsoleClient } from './console-client.js';

type ChannelFunctions = typeof CHANNEL_FUNCTIONS;

/** What the preload exposes as `window.astaire`, derived from the contract's function names. */
export type AstaireBridge = {
  readonly [C in Channel as ChannelFunctions[C]]: (
    request: RequestOf<C>,
  ) => Promise<InvokeResult<ResponseOf<C>>>;
} & {
  /** Calls `listener` with every event batch; returns the unsubscribe. */
  readonly onEvents: (listener: (batch: EventBatch) => void) => () => void;
};

declare global {
  interface Window {
    /** Present only inside Electron, put there by the preload. */
    readonly astaire?: AstaireBridge;
  }
}

export function createElectronClient(bridge: AstaireBridge): ConsoleClient {
  return {
    async invoke(channel, request) {
      // The mapped type cannot tie one channel's function to its request type; the contract does.
      const call = bridge[CHANNEL_FUNCTIONS[channel]] as (
        request: unknown,
      ) => Promise<InvokeResult<unknown>>;
      let result: unknown;
      try {
        result = await call(request);
      } catch (error) {
        throw new ConsoleCallError(channel, {
          code: 'IPC_FAILED',
          message: `${channel}: the main process did not answer (${describe(error)})`,
          detail: { stage: 'io' },
        });
      }
      return unwrapResult(channel, result, 'the main process');
    },
    onEvents: (listener) => bridge.onEvents(listener),
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
