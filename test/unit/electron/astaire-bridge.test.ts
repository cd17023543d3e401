import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CHANNEL_FUNCTIONS,
  CHANNELS,
  EVENTS_CHANNEL,
  type EventBatch,
} from '../../../core/console/contract.js';
import { createAstaireBridge, type IpcRendererLike } from '../../../electron/astaire-bridge.js';

type RendererListener = (event: unknown, ...args: unknown[]) => void;

class FakeIpcRenderer implements IpcRendererLike {
  readonly invoked: { channel: string; args: unknown[] }[] = [];
  readonly listeners = new Map<string, Set<RendererListener>>();

  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    return Promise.resolve({ ok: true, value: channel });
  }

  on(channel: string, listener: RendererListener): this {
    const set = this.listeners.get(channel) ?? new Set();
    set.add(listener);
    this.listeners.set(channel, set);
    return this;
  }

  removeListener(channel: string, listener: RendererListener): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }

  /** As Electron delivers a message: the IpcRendererEvent first, which carries the sender. */
  deliver(channel: string, ...args: unknown[]): void {
    const event = { sender: this, senderId: 0 };
    for (const listener of this.listeners.get(channel) ?? []) listener(event, ...args);
  }
}

describe('createAstaireBridge', () => {
  it('exposes one named function per channel and onEvents, nothing else', () => {
    const bridge = createAstaireBridge(new FakeIpcRenderer());
    assert.deepEqual(
      Object.keys(bridge).sort(),
      [...Object.values(CHANNEL_FUNCTIONS), 'onEvents'].sort(),
    );
    for (const value of Object.values(bridge)) assert.equal(typeof value, 'function');
    assert.ok(Object.isFrozen(bridge));
  });

  it('invokes each channel with exactly one argument, null when none is given', async () => {
    const ipc = new FakeIpcRenderer();
    const bridge = createAstaireBridge(ipc) as unknown as Record<
      string,
      (request?: unknown) => Promise<unknown>
    >;
    for (const channel of CHANNELS) {
      const call = bridge[CHANNEL_FUNCTIONS[channel]];
      assert.ok(call !== undefined, channel);
      assert.deepEqual(await call({ probe: channel }), { ok: true, value: channel });
      await call();
    }
    assert.deepEqual(
      ipc.invoked,
      CHANNELS.flatMap((channel) => [
        { channel, args: [{ probe: channel }] },
        { channel, args: [null] },
      ]),
    );
  });

  it('hands listeners the batch alone, never the IPC event, until they unsubscribe', () => {
    const ipc = new FakeIpcRenderer();
    const bridge = createAstaireBridge(ipc);
    const received: unknown[][] = [];
    const unsubscribe = bridge.onEvents((...args: unknown[]) => received.push(args));
    const batch: EventBatch = { events: [{ type: 'clusters-changed', seq: 1 }] };
    ipc.deliver(EVENTS_CHANNEL, batch);
    unsubscribe();
    ipc.deliver(EVENTS_CHANNEL, batch);
    assert.deepEqual(received, [[batch]]);
    assert.equal(ipc.listeners.get(EVENTS_CHANNEL)?.size, 0);
  });
});
