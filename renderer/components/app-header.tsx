import type { ConnectionChange } from '../api/console-client.js';
import { selectAppInfo, selectConnection } from '../store/ui-slice.js';
import { useConsole } from './console-context.js';
import { ThemeSwitch } from './theme-switch.js';

export function AppHeader() {
  const appInfo = useConsole(selectAppInfo);
  const connection = useConsole(selectConnection);
  return (
    <header className="app-header">
      <h1>Astaire Console</h1>
      {appInfo !== null && (
        <p className="app-mode">
          <span className="badge">{appInfo.mode === 'web' ? 'Web mode' : 'Desktop'}</span>
          <span className="muted">v{appInfo.version}</span>
        </p>
      )}
      <p className={`connection connection-${connection.state}`} role="status">
        <span className="connection-dot" aria-hidden="true" />
        {describeConnection(connection)}
      </p>
      <ThemeSwitch />
    </header>
  );
}

function describeConnection(connection: ConnectionChange): string {
  switch (connection.state) {
    case 'connecting':
      return 'Connecting…';
    case 'connected':
      return 'Connected';
    case 'disconnected':
      return connection.retryInMs === undefined
        ? 'Disconnected'
        : `Disconnected, retrying in ${Math.max(1, Math.round(connection.retryInMs / 1000))} s`;
  }
}
