/** Renders a console component to HTML inside a ConsoleProvider, for assertions on the markup. */
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { ConsoleStore } from '../../../../renderer/store/console-store.js';
import { ConsoleProvider } from '../../../../renderer/components/console-context.js';
import { fakeClient } from '../fake-client.js';

export function renderMarkup(store: ConsoleStore, element: ReactElement): string {
  // Rendering on the server, zustand reads the store's initial state (getServerSnapshot), not the
  // state the test set: this view of the store has the current state as its initial one.
  const current: ConsoleStore = { ...store, getInitialState: () => store.getState() };
  return renderToStaticMarkup(
    <ConsoleProvider store={current} client={fakeClient()}>
      {element}
    </ConsoleProvider>,
  );
}

/** The opening tag of the first button whose text is `text` (exactly), or undefined. */
export function buttonTag(html: string, text: string): string | undefined {
  for (const match of html.matchAll(/<button([^>]*)>(.*?)<\/button>/g)) {
    if (stripTags(match[2] ?? '') === text) return match[1];
  }
  return undefined;
}

export function isDisabled(html: string, text: string): boolean {
  const tag = buttonTag(html, text);
  if (tag === undefined) throw new Error(`no button "${text}" in the markup`);
  return / disabled=""/.test(tag);
}

/** The markup's text, tags removed and entities decoded, for reading like an operator. */
export function stripTags(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replaceAll('&quot;', '"')
    .replaceAll('&#x27;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}
