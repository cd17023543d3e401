/** Which client this page uses: Electron's preload bridge when present, else the web server. */
import type { ConsoleClient } from './console-client.js';
import { createElectronClient } from './electron-client.js';
import { createWebClient } from './web-client.js';

export function pickClient(page: Window): ConsoleClient {
  const bridge = page.astaire;
  if (bridge !== undefined) return createElectronClient(bridge);
  return createWebClient({ pageUrl: page.location.href });
}
