/**
 * The shape of `window.astaire`, what the preload exposes to the page: one named function per
 * channel of the contract and a subscription to the event batches. Types only, so the renderer's
 * code may be checked against it without pulling in anything that runs.
 */
import type {
  Channel,
  CHANNEL_FUNCTIONS,
  EventBatch,
  InvokeResult,
  RequestOf,
  ResponseOf,
} from '../core/console/contract.js';

/** A channel's function: channels whose request is null take no argument. */
export type ChannelFunction<C extends Channel> = [RequestOf<C>] extends [null]
  ? () => Promise<InvokeResult<ResponseOf<C>>>
  : (request: RequestOf<C>) => Promise<InvokeResult<ResponseOf<C>>>;

export type AstaireBridge = {
  readonly [C in Channel as (typeof CHANNEL_FUNCTIONS)[C]]: ChannelFunction<C>;
} & {
  /** Calls `listener` with every batch of events from now on; returns the unsubscribe. */
  readonly onEvents: (listener: (batch: EventBatch) => void) => () => void;
};
