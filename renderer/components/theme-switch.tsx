/**
 * Light or dark: the system's choice unless the operator picks one here. The choice is applied as
 * data-theme on <html> (00-base.css reads it) and remembered in this page's localStorage.
 */
import { useEffect, useId, useRef } from 'react';
import { selectTheme, type ThemeChoice } from '../store/ui-slice.js';
import { useConsole } from './console-context.js';

const STORAGE_KEY = 'astaire-console.theme';
const CHOICES: readonly { readonly value: ThemeChoice; readonly label: string }[] = [
  { value: 'system', label: 'As the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

export function ThemeSwitch() {
  const theme = useConsole(selectTheme);
  const setTheme = useConsole((state) => state.setTheme);
  const id = useId();
  const hasRestored = useRef(false);

  useEffect(() => {
    if (!hasRestored.current) {
      hasRestored.current = true;
      const saved = readSavedTheme();
      if (saved !== null && saved !== theme) {
        setTheme(saved);
        return;
      }
    }
    applyTheme(document.documentElement, theme);
    saveTheme(theme);
  }, [theme, setTheme]);

  return (
    <p className="theme-switch">
      <label htmlFor={id}>Theme</label>
      <select
        id={id}
        value={theme}
        onChange={(event) => setTheme(event.target.value as ThemeChoice)}
      >
        {CHOICES.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
    </p>
  );
}

/** 'system' leaves the attribute off, so prefers-color-scheme decides. */
export function applyTheme(root: HTMLElement, theme: ThemeChoice): void {
  if (theme === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', theme);
}

function readSavedTheme(): ThemeChoice | null {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    return saved === 'light' || saved === 'dark' || saved === 'system' ? saved : null;
  } catch {
    // Storage can be refused (a locked-down profile): the choice then lasts for this page only.
    return null;
  }
}

function saveTheme(theme: ThemeChoice): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, theme);
  } catch {
    // As above: not remembered, still applied.
  }
}
