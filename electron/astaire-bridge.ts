/**
 * Builds `window.astaire` on top of an ipcRenderer. Kept apart from preload.ts, which only hands
 * the result to contextBridge, so it can be tested without Electron.
 */
import {
  CHANNEL_FUNCTIONS,
  CHANNELS,
  EVENTS_CHANNEL,
  type EventBatch,
} from '../core/console/contract.js';
import type { AstaireBridge } from './preload-api.js';

/** The part of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * Named functions only: the page never gets `ipcRenderer` or a generic invoke, so it can reach
 * no channel but the contract's, and sends each exactly one argument (null for none).
 */
export function createAstaireBridge(ipcRenderer: IpcRendererLike): AstaireBridge {
  const functions = Object.fromEntries(
    CHANNELS.map((channel) => [
      CHANNEL_FUNCTIONS[channel],
      (request?: unknown) => ipcRenderer.invoke(channel, request ?? null),
    ]),
  );
  const onEvents = (listener: (batch: EventBatch) => void): (() => void) => {
    // The IpcRendererEvent stays here: it carries `sender`, the ipcRenderer itself.
    const forward = (_event: unknown, batch: unknown): void => listener(batch as EventBatch);
    ipcRenderer.on(EVENTS_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(EVENTS_CHANNEL, forward);
    };
  };
  // The functions are built from the contract's own table, which is what the type maps over.
  return Object.freeze({ ...functions, onEvents }) as unknown as AstaireBridge;
}
