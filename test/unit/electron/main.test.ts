/**
 * The main process's wiring, run without Electron's binary: 'electron' resolves to the fakes below
 * (a module hook), then electron/main.js starts as it would in the app. Where the binary exists,
 * test/e2e/electron-app.test.ts checks the same window for real.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { InvokeResult } from '../../../core/console/contract.js';
import type { IpcInvokeEvent } from '../../../electron/ipc-bridge.js';
import { REPO_ROOT } from '../../support/repo-paths.js';

type Handler = (event: IpcInvokeEvent, ...args: unknown[]) => Promise<InvokeResult<unknown>>;
type Prevented = { isPrevented: boolean; preventDefault(): void };

function preventable(): Prevented {
  return {
    isPrevented: false,
    preventDefault() {
      this.isPrevented = true;
    },
  };
}

class FakeApp extends EventEmitter {
  readonly quits: boolean[] = [];
  // As an installed app: the packaged build is the one an operator runs.
  readonly isPackaged = true;
  constructor(private readonly userData: string) {
    super();
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  requestSingleInstanceLock(): boolean {
    return true;
  }
  getPath(name: string): string {
    assert.equal(name, 'userData');
    return this.userData;
  }
  /** As Electron: before-quit may cancel the quit; records whether it did. */
  quit(): void {
    const event = preventable();
    this.emit('before-quit', event);
    this.quits.push(event.isPrevented);
  }
  exit(code: number): void {
    assert.fail(`app.exit(${code})`);
  }
}

class FakeWebContents extends EventEmitter {
  readonly mainFrame = { url: '' };
  readonly sent: unknown[] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  isDestroyed(): boolean {
    return false;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args]);
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
}

class FakeBrowserWindow extends EventEmitter {
  static readonly created: FakeBrowserWindow[] = [];
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.created;
  }
  readonly webContents = new FakeWebContents();
  constructor(readonly options: { webPreferences?: Record<string, unknown> }) {
    super();
    FakeBrowserWindow.created.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
  isDestroyed(): boolean {
    return false;
  }
}

const handlers = new Map<string, Handler>();
const openedExternally: string[] = [];
const session = {
  permissionRequest: undefined as unknown,
  permissionCheck: undefined as unknown,
  devicePermission: undefined as unknown,
  headers: undefined as unknown,
};

const userData = mkdtempSync(join(tmpdir(), 'astaire-main-'));
const app = new FakeApp(userData);
Object.assign(globalThis, {
  astaireFakeElectron: {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain: {
      handle: (channel: string, handler: Handler) => handlers.set(channel, handler),
      removeHandler: (channel: string) => handlers.delete(channel),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: unknown) => (session.permissionRequest = handler),
        setPermissionCheckHandler: (handler: unknown) => (session.permissionCheck = handler),
        setDevicePermissionHandler: (handler: unknown) => (session.devicePermission = handler),
        webRequest: { onHeadersReceived: (handler: unknown) => (session.headers = handler) },
      },
    },
    shell: { openExternal: async (url: string) => void openedExternally.push(url) },
    dialog: {
      showErrorBox: (title: string, message: string) => assert.fail(`${title}: ${message}`),
    },
  },
});

const FAKE_ELECTRON = `const fake = globalThis.astaireFakeElectron;
export const { app, BrowserWindow, ipcMain, session, shell, dialog } = fake;`;
const HOOKS = `export async function resolve(specifier, context, next) {
  if (specifier !== 'electron') return next(specifier, context);
  return { url: ${JSON.stringify('data:text/javascript,' + encodeURIComponent(FAKE_ELECTRON))}, shortCircuit: true };
}`;

describe('electron/main.js', () => {
  let window: FakeBrowserWindow;

  before(async () => {
    register('data:text/javascript,' + encodeURIComponent(HOOKS));
    await import('../../../electron/main.js');
    for (let waited = 0; FakeBrowserWindow.created.length === 0; waited += 10) {
      if (waited > 5000) assert.fail('no window was created');
      await sleep(10);
    }
    window = FakeBrowserWindow.created[0] as FakeBrowserWindow;
  });
  after(() => rmSync(userData, { recursive: true, force: true }));

  it('opens one window with isolation, the sandbox and no Node in the page', () => {
    assert.equal(FakeBrowserWindow.created.length, 1);
    assert.deepEqual(window.options.webPreferences, {
      preload: join(REPO_ROOT, 'dist', 'electron', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick',
      devTools: false,
    });
  });

  it('loads the built page and serves it the contract, as an electron-mode console', async () => {
    const pageUrl = window.webContents.mainFrame.url;
    assert.equal(fileURLToPath(pageUrl), join(REPO_ROOT, 'dist', 'console', 'index.html'));
    const appInfo = handlers.get('app:info');
    assert.ok(appInfo !== undefined);
    const event = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
    const result = await appInfo(event, null);
    assert.equal(result.ok && (result.value as { mode: string }).mode, 'electron');
  });

  it('denies navigation, webviews and new windows; only http(s) goes to the browser', () => {
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const event = preventable();
      window.webContents.emit(name, event, 'https://attacker.example/');
      assert.ok(event.isPrevented, name);
    }
    const open = window.webContents.windowOpenHandler;
    assert.ok(open !== undefined);
    assert.deepEqual(open({ url: 'https://example.com/' }), { action: 'deny' });
    assert.deepEqual(open({ url: 'file:///etc/passwd' }), { action: 'deny' });
    assert.deepEqual(openedExternally, ['https://example.com/']);
  });

  it('denies every permission and device and adds the policy header to responses', () => {
    const granted: boolean[] = [];
    const request = session.permissionRequest as (...args: unknown[]) => void;
    for (const permission of ['media', 'geolocation', 'clipboard-read', 'hid', 'openExternal']) {
      request(window.webContents, permission, (ok: boolean) => granted.push(ok), {});
    }
    const check = session.permissionCheck as (...args: unknown[]) => boolean;
    const device = session.devicePermission as (details: unknown) => boolean;
    assert.deepEqual(
      [
        ...granted,
        check(null, 'notifications', 'file:///', {}),
        device({ deviceType: 'usb', origin: 'file:///', device: {} }),
        device({ deviceType: 'serial', origin: 'file:///', device: {} }),
      ],
      [false, false, false, false, false, false, false, false],
    );
    const onHeaders = session.headers as (details: unknown, callback: (r: unknown) => void) => void;
    let response: { responseHeaders?: Record<string, string[]> } = {};
    onHeaders(
      { responseHeaders: { 'Content-Type': ['text/html'] } },
      (r) => (response = r as never),
    );
    assert.match(response.responseHeaders?.['Content-Security-Policy']?.[0] ?? '', /default-src/);
  });

  it("holds the first quit until the console's session has closed, then quits", async () => {
    window.emit('closed');
    assert.equal(handlers.size, 0);
    app.emit('window-all-closed');
    for (let waited = 0; app.quits.length < 2; waited += 10) {
      if (waited > 5000) assert.fail(`quit attempts: ${JSON.stringify(app.quits)}`);
      await sleep(10);
    }
    assert.deepEqual(app.quits, [true, false]);
  });
});
