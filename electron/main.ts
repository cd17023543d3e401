/**
 * The Electron main process: one locked-down window on the console's page, served over IPC by the
 * same console service the web mode serves. It stays thin on purpose: the work lives in core/,
 * which the CLI and the tests exercise without Electron.
 */
import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import { fileURLToPath } from 'node:url';
import type { ConsoleBackend } from '../core/console/console-backend.js';
import { openConsoleSession } from '../core/console/console-session.js';
import { registerConsoleIpc } from './ipc-bridge.js';
import { parseShellArgs, type ShellOptions } from './shell-args.js';
import { lockDownSession, lockDownWindow } from './window-security.js';

// build/bundle.mjs writes the page to dist/console/ and the preload beside this file.
const PAGE_URL = new URL('../console/index.html', import.meta.url).href;
const PRELOAD_PATH = fileURLToPath(new URL('./preload.cjs', import.meta.url));

function log(line: string): void {
  process.stderr.write(`astaire: ${line}\n`);
}

function createWindow(backend: ConsoleBackend): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 560,
    title: 'Astaire Console',
    webPreferences: {
      preload: PRELOAD_PATH,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
      // A middle click would open a link in a new window without passing will-navigate.
      disableBlinkFeatures: 'Auxclick',
      // An installed console has no use for DevTools, and they would let anyone at the keyboard
      // run script with the page's rights (the contract, the clusters); a run from the source
      // tree keeps them for development.
      devTools: !app.isPackaged,
    },
  });
  lockDownWindow(window, (url) => shell.openExternal(url));
  registerConsoleIpc({ ipcMain, window, pageUrl: PAGE_URL, backend });
  window.loadURL(PAGE_URL).catch((error: unknown) => {
    log(`the console's page did not load from ${PAGE_URL} (run npm run build): ${String(error)}`);
  });
  return window;
}

function start(options: ShellOptions): void {
  const opening = openConsoleSession({
    mode: 'electron',
    dataDir: options.dataDir ?? app.getPath('userData'),
    demo: options.demoKeys === undefined ? undefined : { keys: options.demoKeys },
    log,
  });
  let window: BrowserWindow | undefined;

  void Promise.all([opening, app.whenReady()]).then(
    ([consoleSession]) => {
      lockDownSession(session.defaultSession);
      window = createWindow(consoleSession.service);
      // macOS keeps an app without windows alive; clicking its dock icon opens the console again.
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) {
          window = createWindow(consoleSession.service);
        }
      });
    },
    async (error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      log(`the console could not start: ${reason}`);
      await app.whenReady();
      dialog.showErrorBox('Astaire Console could not start', reason);
      app.exit(1);
    },
  );

  // A second launch brings this window forward rather than starting a second service.
  app.on('second-instance', () => {
    if (window === undefined || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());

  // Quitting waits, once, for the service to stop its jobs and close its connections.
  let closing: Promise<void> | undefined;
  let isClosed = false;
  app.on('before-quit', (event) => {
    if (isClosed) return;
    event.preventDefault();
    closing ??= opening
      .then((consoleSession) => consoleSession.close())
      .catch((error: unknown) => log(`closing the console's service failed: ${String(error)}`))
      .finally(() => {
        isClosed = true;
        app.quit();
      });
  });
}

function main(): void {
  let options: ShellOptions;
  try {
    options = parseShellArgs(process.argv.slice(1));
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    app.exit(2);
    return;
  }
  if (!app.requestSingleInstanceLock()) {
    log('the console is already open; bringing its window forward');
    app.quit();
    return;
  }
  start(options);
}

main();
