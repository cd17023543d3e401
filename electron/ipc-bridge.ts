/**
 * Serves the console contract to one window over Electron IPC: a handler per channel that answers
 * only our window's main frame on our own page, validates the request and runs it (`dispatch`),
 * and the service's events pushed to the window in batches. Electron's objects are taken as narrow
 * structural types, so the unit tests drive the bridge with hand-made ones, without the binary.
 */
import { dispatch, type ConsoleBackend } from '../core/console/console-backend.js';
import { CHANNELS, EVENTS_CHANNEL, type InvokeResult } from '../core/console/contract.js';
import { EventBatcher } from '../core/console/event-batcher.js';
import { UsageError } from '../core/errors.js';

/** The part of a frame (Electron's WebFrameMain) the sender check reads. */
export interface IpcFrame {
  readonly url: string;
}

/** The part of an IpcMainInvokeEvent the sender check reads. */
export interface IpcInvokeEvent {
  readonly sender: unknown;
  readonly senderFrame: IpcFrame | null;
}

/** The part of Electron's ipcMain the bridge uses. */
export interface IpcInvokeRegistry {
  handle(
    channel: string,
    listener: (event: IpcInvokeEvent, ...args: unknown[]) => Promise<InvokeResult<unknown>>,
  ): void;
  removeHandler(channel: string): void;
}

/** The part of a BrowserWindow the bridge uses. */
export interface IpcWindow {
  readonly webContents: {
    readonly mainFrame: IpcFrame;
    isDestroyed(): boolean;
    send(channel: string, ...args: unknown[]): void;
  };
  once(event: 'closed', listener: () => void): unknown;
}

export interface ConsoleIpcOptions {
  readonly ipcMain: IpcInvokeRegistry;
  readonly window: IpcWindow;
  /** The page the window loads; a frame on any other URL is refused. */
  readonly pageUrl: string;
  readonly backend: ConsoleBackend;
  readonly batchIntervalMs?: number;
}

export interface ConsoleIpc {
  /** Removes every handler and stops the events; also done when the window closes. */
  dispose(): void;
}

/**
 * Registers a handler for every channel of the contract and streams events to `window` until it
 * closes. There is one window, and ipcMain allows one handler per channel: dispose before
 * registering for another window.
 */
export function registerConsoleIpc(options: ConsoleIpcOptions): ConsoleIpc {
  const { ipcMain, window, pageUrl, backend } = options;
  // Read once: a BrowserWindow's webContents getter throws once the window is destroyed.
  const contents = window.webContents;
  const isTrusted = (event: IpcInvokeEvent): boolean => {
    try {
      const frame = event.senderFrame;
      return (
        event.sender === contents &&
        frame !== null &&
        frame === contents.mainFrame &&
        withoutFragment(frame.url) === pageUrl
      );
    } catch {
      // A frame disposed while its call was in flight throws on access: it is no longer ours.
      return false;
    }
  };

  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (event, request) => {
      if (!isTrusted(event)) return untrustedSender(channel);
      return await dispatch(backend, channel, request);
    });
  }

  const batcher = new EventBatcher((batch) => {
    if (!contents.isDestroyed()) contents.send(EVENTS_CHANNEL, batch);
  }, options.batchIntervalMs);
  const unsubscribe = backend.subscribe((event) => batcher.push(event));

  let isDisposed = false;
  const dispose = (): void => {
    if (isDisposed) return;
    isDisposed = true;
    unsubscribe();
    batcher.close();
    for (const channel of CHANNELS) ipcMain.removeHandler(channel);
  };
  window.once('closed', dispose);
  return { dispose };
}

// The renderer may move between in-page anchors; that is still our page.
function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

function untrustedSender(channel: string): InvokeResult<never> {
  const error = new UsageError(
    'UNTRUSTED_SENDER',
    `${channel}: refused a call that did not come from the console's own page`,
  );
  return { ok: false, error: error.toPayload() };
}
