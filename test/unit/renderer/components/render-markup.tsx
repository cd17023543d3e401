/** Renders a console component to HTML inside a ConsoleProvider, for assertions on the markup. */
import type { ReactElement } from 'react';
import type { ConsoleStore } from '../../../../renderer/store/console-store.js';
import { renderStatic } from './render-static.js';

export function renderMarkup(store: ConsoleStore, element: ReactElement): string {
  return renderStatic(store, element);
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
