import { selectSelectedCluster } from '../store/clusters-slice.js';
import { selectView } from '../store/ui-slice.js';
import { ActivityScreen } from './activity/activity-screen.js';
import { AppHeader } from './app-header.js';
import { ClusterList } from './cluster-list.js';
import { ClusterEditor } from './clusters/cluster-editor.js';
import { useConsole } from './console-context.js';
import { LiveScreen } from './live/live-screen.js';
import { OverviewScreen } from './overview/overview-screen.js';
import { PlanScreen } from './plan/plan-screen.js';
import { PromptDialog } from './prompts/prompt-dialog.js';
import { ResyncScreen } from './resync/resync-screen.js';
import { ScreenTabs, type ScreenView } from './screen-tabs.js';
import { WizardScreen } from './wizard/wizard-screen.js';

export function App() {
  const cluster = useConsole(selectSelectedCluster);
  const view = useConsole(selectView);
  const setView = useConsole((state) => state.setView);
  return (
    <>
      <AppHeader />
      <div className="app-body">
        <aside className="sidebar">
          <ClusterList />
        </aside>
        <main className="content">
          {view === 'edit-cluster' ? (
            <ClusterEditor />
          ) : cluster === undefined && view !== 'activity' ? (
            <section className="panel empty">
              <p className="muted">Select a cluster, or add one, to see its nodes.</p>
            </section>
          ) : (
            <ScreenTabs view={view} onSelect={setView}>
              <Screen view={view} />
            </ScreenTabs>
          )}
        </main>
      </div>
      <PromptDialog />
    </>
  );
}

// The cluster editor replaces the tabs (App shows it before them), so it is not one of these.
function Screen({ view }: { readonly view: ScreenView }) {
  switch (view) {
    case 'overview':
      return <OverviewScreen />;
    case 'plan':
      return <PlanScreen />;
    case 'wizard':
      return <WizardScreen />;
    case 'resync':
      return <ResyncScreen />;
    case 'live':
      return <LiveScreen />;
    case 'activity':
      return <ActivityScreen />;
  }
}
