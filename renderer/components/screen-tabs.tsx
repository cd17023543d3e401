/**
 * The tabs of a selected cluster, as the WAI-ARIA tabs pattern has them: one tab stop for the
 * whole list (the selected tab; the others take focus only from the arrow keys), Left and Right
 * move to the previous and next tab (wrapping round), Home and End to the first and last, and a tab
 * is shown as soon as it has focus. The panel is labelled by its tab.
 */
import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import type { ConsoleView } from '../store/ui-slice.js';

export type ScreenView = Exclude<ConsoleView, 'edit-cluster'>;

/** The tabs in the order an operator works through a resize. */
const TABS: readonly { readonly view: ScreenView; readonly label: string }[] = [
  { view: 'overview', label: 'Overview' },
  { view: 'plan', label: 'Plan' },
  { view: 'wizard', label: 'Resize' },
  { view: 'resync', label: 'Resync a node' },
  { view: 'live', label: 'Live' },
  { view: 'activity', label: 'Activity' },
];

const tabId = (view: ScreenView) => `screen-tab-${view}`;
const panelId = (view: ScreenView) => `screen-panel-${view}`;

/** Where each key moves from tab `index` of `count`; undefined for keys the list leaves alone. */
export function tabIndexAfterKey(key: string, index: number, count: number): number | undefined {
  switch (key) {
    case 'ArrowLeft':
      return (index - 1 + count) % count;
    case 'ArrowRight':
      return (index + 1) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return undefined;
  }
}

export function ScreenTabs(props: {
  readonly view: ScreenView;
  onSelect(view: ScreenView): void;
  readonly children: ReactNode;
}) {
  const { view, onSelect, children } = props;
  const buttons = useRef(new Map<ScreenView, HTMLButtonElement>());
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const next = TABS[tabIndexAfterKey(event.key, index, TABS.length) ?? -1];
    if (next === undefined) return;
    event.preventDefault();
    onSelect(next.view);
    buttons.current.get(next.view)?.focus();
  };
  return (
    <>
      <div className="tabs" role="tablist" aria-label="Screens">
        {TABS.map((tab, index) => {
          const isSelected = tab.view === view;
          return (
            <button
              key={tab.view}
              ref={(element) => {
                if (element === null) buttons.current.delete(tab.view);
                else buttons.current.set(tab.view, element);
              }}
              id={tabId(tab.view)}
              type="button"
              role="tab"
              aria-selected={isSelected}
              // Only the shown panel exists: a reference to an absent one would point nowhere.
              aria-controls={isSelected ? panelId(tab.view) : undefined}
              tabIndex={isSelected ? 0 : -1}
              onClick={() => onSelect(tab.view)}
              onKeyDown={(event) => onKeyDown(event, index)}
            >
              {tab.label}
            </button>
          );
        })}
      </div>
      <div
        className="screen-panel"
        role="tabpanel"
        id={panelId(view)}
        aria-labelledby={tabId(view)}
      >
        {children}
      </div>
    </>
  );
}
