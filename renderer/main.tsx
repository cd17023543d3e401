/**
 * The renderer's entry, bundled into dist/console/app.js: picks the client (Electron's preload
 * bridge or the web server), creates the store, starts syncing it with the service, and renders.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { pickClient } from './api/pick-client.js';
import { App } from './components/app.js';
import { ConsoleProvider } from './components/console-context.js';
import { createConsoleStore } from './store/console-store.js';
import { syncWithService } from './store/sync-with-service.js';

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element');

const client = pickClient(window);
const store = createConsoleStore();
syncWithService(store, client);

createRoot(container).render(
  <StrictMode>
    <ConsoleProvider store={store} client={client}>
      <App />
    </ConsoleProvider>
  </StrictMode>,
);
