/**
 * Electron main process (placeholder until the console shell lands): opens one locked-down window
 * on the renderer's placeholder page. It stays thin on purpose: the work lives in core/, which the
 * CLI and tests exercise without Electron.
 */
import { app, BrowserWindow, shell } from 'electron';
import { fileURLToPath } from 'node:url';

function createWindow(): void {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    title: 'Astaire Console',
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  // The console never navigates away from its own page and never opens other windows.
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void window.loadFile(fileURLToPath(new URL('../../renderer/index.html', import.meta.url)));
}

void app.whenReady().then(createWindow);
app.on('window-all-closed', () => app.quit());
