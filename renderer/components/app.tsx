import { AppHeader } from './app-header.js';
import { ClusterForm } from './cluster-form.js';
import { ClusterList } from './cluster-list.js';
import { ClusterStatus } from './cluster-status.js';

export function App() {
  return (
    <>
      <AppHeader />
      <div className="app-body">
        <aside className="sidebar">
          <ClusterList />
          <ClusterForm />
        </aside>
        <main className="content">
          <ClusterStatus />
        </main>
      </div>
    </>
  );
}
