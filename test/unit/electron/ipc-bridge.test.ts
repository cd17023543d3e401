import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeEach, describe, it } from 'node:test';
import type { ConsoleBackend } from '../../../core/console/console-backend.js';
import {
  CHANNELS,
  EVENTS_CHANNEL,
  type Channel,
  type ConsoleEvent,
  type EventBatch,
  type InvokeResult,
  type RequestOf,
  type ResponseOf,
} from '../../../core/console/contract.js';
import {
  registerConsoleIpc,
  type IpcFrame,
  type IpcInvokeEvent,
  type IpcInvokeRegistry,
  type IpcWindow,
} from '../../../electron/ipc-bridge.js';

const PAGE_URL = 'file:///opt/astaire/dist/console/index.html';
const BATCH_INTERVAL_MS = 20;

/** One request each channel accepts. */
const VALID_REQUESTS: { readonly [C in Channel]: RequestOf<C> } = {
  'app:info': null,
  'clusters:list': null,
  'clusters:save': { definition: { name: 'lab', servers: ['10.0.0.1:11211'], newServers: [] } },
  'clusters:remove': { id: 'c1' },
  'cluster:status': { clusterId: 'c1' },
  'clusters:import-settings': { text: 'servers=10.0.0.1:11211\n', fileName: 'cluster_settings' },
  'ssh:hosts': null,
  'plan:preview': { clusterId: 'c1' },
  'plan:estimate': { clusterId: 'c1', full: true },
  'jobs:start': { kind: 'resync', clusterId: 'c1', target: '10.0.0.4:11211', full: false },
  'jobs:list': null,
  'jobs:replay': null,
  'jobs:cancel': { jobId: 'j1' },
  'jobs:set-rate': { jobId: 'j1', bytesPerSecond: 1024 },
  'jobs:pause': { jobId: 'j1' },
  'jobs:resume': { jobId: 'j1' },
  'wizard:get': { clusterId: 'c1' },
  'wizard:begin': { clusterId: 'c1', newServers: ['10.0.0.1:11211'] },
  'wizard:preview-settings': { clusterId: 'c1', step: 1 },
  'wizard:run-step': { clusterId: 'c1', step: 3, full: false },
  'wizard:override': { clusterId: 'c1', reason: 'node retired; its keys are not needed' },
  'wizard:repair': { clusterId: 'c1', action: 'verify' },
  'wizard:abandon': { clusterId: 'c1' },
  // A page of the log; null (the newest page) is valid too.
  'activity:list': { limit: 100, before: 7 },
  'prompts:list': null,
  'prompts:answer': { promptId: 'p1', answer: true },
};

/**
 * Requests each channel must refuse, derived from its valid one: no argument at all, the wrong
 * kind of value, an unknown field, and each field in turn given a value of the wrong type.
 */
function badRequests(channel: Channel): { readonly label: string; readonly args: unknown[] }[] {
  const valid: unknown = VALID_REQUESTS[channel];
  const bad: { label: string; args: unknown[] }[] = [{ label: 'no argument', args: [] }];
  if (valid === null) {
    bad.push({ label: 'an empty object', args: [{}] }, { label: 'a string', args: ['x'] });
    return bad;
  }
  if (channel !== 'activity:list') bad.push({ label: 'null', args: [null] });
  bad.push(
    { label: 'a string', args: ['x'] },
    { label: 'an unknown field', args: [{ ...(valid as object), extra: 1 }] },
  );
  for (const [field, value] of Object.entries(valid as object)) {
    // No field of the contract takes both an object and a primitive, so this is always wrong.
    const wrong = typeof value === 'object' && value !== null ? 42 : { nested: true };
    bad.push({ label: `${field} mistyped`, args: [{ ...(valid as object), [field]: wrong }] });
  }
  return bad;
}

type Listener = (event: IpcInvokeEvent, ...args: unknown[]) => Promise<InvokeResult<unknown>>;

/** Behaves as Electron's ipcMain does for handle/removeHandler, and lets the test invoke. */
class FakeIpcMain implements IpcInvokeRegistry {
  readonly handlers = new Map<string, Listener>();

  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) {
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    }
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  invoke(channel: string, event: IpcInvokeEvent, ...args: unknown[]): Promise<unknown> {
    const listener = this.handlers.get(channel);
    if (listener === undefined) throw new Error(`no handler for ${channel}`);
    return listener(event, ...args);
  }
}

class FakeWindow implements IpcWindow {
  readonly sent: { channel: string; args: unknown[] }[] = [];
  isContentsDestroyed = false;
  private readonly closedListeners: (() => void)[] = [];
  readonly webContents: IpcWindow['webContents'] & { mainFrame: { url: string } };

  constructor(url = PAGE_URL) {
    this.webContents = {
      mainFrame: { url },
      isDestroyed: () => this.isContentsDestroyed,
      send: (channel, ...args) => {
        if (this.isContentsDestroyed) throw new Error('Object has been destroyed');
        this.sent.push({ channel, args });
      },
    };
  }

  once(event: 'closed', listener: () => void): this {
    assert.equal(event, 'closed');
    this.closedListeners.push(listener);
    return this;
  }

  close(): void {
    for (const listener of this.closedListeners.splice(0)) listener();
    this.isContentsDestroyed = true;
  }

  /** What Electron passes to a handler for a call from this window's main frame. */
  mainFrameEvent(): IpcInvokeEvent {
    return { sender: this.webContents, senderFrame: this.webContents.mainFrame };
  }

  batches(): EventBatch[] {
    return this.sent.map(({ channel, args }) => {
      assert.equal(channel, EVENTS_CHANNEL);
      assert.equal(args.length, 1);
      return args[0] as EventBatch;
    });
  }
}

class FakeBackend implements ConsoleBackend {
  readonly calls: { channel: Channel; request: unknown }[] = [];
  private readonly listeners = new Set<(event: ConsoleEvent) => void>();
  private seq = 0;

  handle<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    this.calls.push({ channel, request });
    return Promise.resolve({ answered: channel } as unknown as ResponseOf<C>);
  }

  subscribe(listener: (event: ConsoleEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  emit(count: number): void {
    for (let i = 0; i < count; i += 1) {
      const event: ConsoleEvent = { type: 'clusters-changed', seq: (this.seq += 1) };
      for (const listener of this.listeners) listener(event);
    }
  }
}

describe('registerConsoleIpc', () => {
  let ipcMain: FakeIpcMain;
  let window: FakeWindow;
  let backend: FakeBackend;

  beforeEach(() => {
    ipcMain = new FakeIpcMain();
    window = new FakeWindow();
    backend = new FakeBackend();
  });

  const register = () =>
    registerConsoleIpc({
      ipcMain,
      window,
      pageUrl: PAGE_URL,
      backend,
      batchIntervalMs: BATCH_INTERVAL_MS,
    });

  it('registers a handler for every channel of the contract and nothing else', () => {
    register();
    assert.deepEqual([...ipcMain.handlers.keys()].sort(), [...CHANNELS].sort());
  });

  it('passes a valid call from the main frame to the backend, in the envelope', async () => {
    register();
    for (const channel of CHANNELS) {
      const request = VALID_REQUESTS[channel];
      const result = await ipcMain.invoke(channel, window.mainFrameEvent(), request);
      assert.deepEqual(result, { ok: true, value: { answered: channel } }, channel);
    }
    assert.deepEqual(
      backend.calls,
      CHANNELS.map((channel) => ({ channel, request: VALID_REQUESTS[channel] })),
    );
  });

  it('still trusts the main frame after an in-page anchor change', async () => {
    register();
    window.webContents.mainFrame.url = `${PAGE_URL}#/jobs`;
    const result = await ipcMain.invoke('app:info', window.mainFrameEvent(), null);
    assert.deepEqual(result, { ok: true, value: { answered: 'app:info' } });
  });

  const untrustedSenders: { readonly label: string; readonly event: (w: FakeWindow) => unknown }[] =
    [
      {
        label: 'no frame (it navigated or was destroyed)',
        event: (w) => ({ ...w.mainFrameEvent(), senderFrame: null }),
      },
      {
        label: 'a subframe on the same page URL',
        event: (w) => ({ sender: w.webContents, senderFrame: { url: PAGE_URL } }),
      },
      {
        label: 'the main frame on another page',
        event: (w) => {
          w.webContents.mainFrame.url = 'https://attacker.example/';
          return w.mainFrameEvent();
        },
      },
      {
        label: 'the main frame on another file of the app',
        event: (w) => {
          w.webContents.mainFrame.url = 'file:///opt/astaire/dist/console/other.html';
          return w.mainFrameEvent();
        },
      },
      {
        label: 'another window',
        event: (w) => ({
          sender: new FakeWindow().webContents,
          senderFrame: w.webContents.mainFrame,
        }),
      },
      {
        label: 'a frame disposed while the call was in flight',
        event: (w) => {
          const disposed: IpcFrame = {
            get url(): string {
              throw new Error('Render frame was disposed before WebFrameMain could be accessed');
            },
          };
          return { sender: w.webContents, senderFrame: disposed };
        },
      },
    ];

  for (const { label, event } of untrustedSenders) {
    it(`refuses every channel from ${label}, running nothing`, async () => {
      register();
      const senderEvent = event(window) as IpcInvokeEvent;
      for (const channel of CHANNELS) {
        const result = await ipcMain.invoke(channel, senderEvent, VALID_REQUESTS[channel]);
        assert.deepEqual(
          result,
          {
            ok: false,
            error: {
              code: 'UNTRUSTED_SENDER',
              message: `${channel}: refused a call that did not come from the console's own page`,
              detail: { stage: 'usage' },
            },
          },
          channel,
        );
      }
      assert.deepEqual(backend.calls, []);
    });
  }

  it('answers BAD_REQUEST to every malformed request on every channel, running nothing', async () => {
    register();
    let checked = 0;
    for (const channel of CHANNELS) {
      for (const { label, args } of badRequests(channel)) {
        const result = (await ipcMain.invoke(channel, window.mainFrameEvent(), ...args)) as
          InvokeResult<unknown> | undefined;
        assert.equal(result?.ok, false, `${channel} with ${label}`);
        if (result?.ok !== false) continue;
        assert.equal(result.error.code, 'BAD_REQUEST', `${channel} with ${label}`);
        assert.equal(result.error.detail.stage, 'usage');
        assert.ok(result.error.message.startsWith(`${channel}: `), result.error.message);
        checked += 1;
      }
    }
    assert.deepEqual(backend.calls, []);
    assert.ok(checked > CHANNELS.length * 3, `only ${checked} malformed requests were checked`);
  });

  it('sends a burst of events as a few batches, in seq order', async () => {
    register();
    backend.emit(1);
    backend.emit(40);
    await sleep(BATCH_INTERVAL_MS / 2);
    backend.emit(60);
    await sleep(BATCH_INTERVAL_MS * 4);
    const batches = window.batches();
    const seqs = batches.flatMap((batch) => batch.events.map((event) => event.seq));
    assert.deepEqual(
      seqs,
      Array.from({ length: 101 }, (_, i) => i + 1),
    );
    assert.ok(batches.length <= 3, `${batches.length} sends for 101 events`);
  });

  it('stops sending events and unsubscribes once the window closes', async () => {
    register();
    backend.emit(5);
    await sleep(BATCH_INTERVAL_MS * 3);
    const sentBeforeClose = window.sent.length;
    assert.ok(sentBeforeClose > 0);
    window.close();
    assert.equal(backend.listenerCount, 0);
    backend.emit(5);
    await sleep(BATCH_INTERVAL_MS * 3);
    assert.equal(window.sent.length, sentBeforeClose);
    assert.equal(ipcMain.handlers.size, 0);
  });

  it('drops events when the window contents are already destroyed', async () => {
    register();
    window.isContentsDestroyed = true;
    backend.emit(3);
    await sleep(BATCH_INTERVAL_MS * 3);
    assert.deepEqual(window.sent, []);
  });

  it('removes every handler on dispose, once, so a new window can register again', () => {
    const bridge = register();
    bridge.dispose();
    bridge.dispose();
    assert.equal(ipcMain.handlers.size, 0);
    assert.equal(backend.listenerCount, 0);
    window = new FakeWindow();
    register();
    assert.equal(ipcMain.handlers.size, CHANNELS.length);
  });
});
