/**
 * What keeps the console's window to its own page: no navigation, no new windows, no webviews, no
 * permissions, and a strict Content-Security-Policy on every response as well as the page's meta
 * tag. The page loads from file://, where Chromium may not run response-header hooks at all, so
 * the meta tag is the policy that always applies; the header is for anything else that loads.
 */
import type { BrowserWindow, Session } from 'electron';

/**
 * Stricter than the page's own meta policy (both apply): in Electron the page talks to the main
 * process over IPC only, so it may connect nowhere.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Only web pages go to the operator's browser: never file:, javascript: or custom schemes. */
export function isWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/** Response headers with our policy added; a policy already there still applies too. */
export function withContentSecurityPolicy(
  headers: Record<string, string[]> | undefined,
): Record<string, string[]> {
  return { ...headers, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] };
}

/**
 * Denies every permission (camera, notifications, ...) and every device (HID, serial, USB; their
 * checks do not go through the permission handlers) and sets the policy header.
 */
export function lockDownSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) }),
  );
}

/** The window never leaves its page and never opens another; http(s) links open in a browser. */
export function lockDownWindow(
  window: BrowserWindow,
  openExternal: (url: string) => Promise<void>,
): void {
  const contents = window.webContents;
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isWebUrl(url)) openExternal(url).catch(() => undefined);
    return { action: 'deny' };
  });
}
