/**
 * Hands the store and the client to components. The client lives here, beside the store rather
 * than in it: actions that call the service take it as an argument.
 */
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { ConsoleClient } from '../api/console-client.js';
import type { ConsoleState, ConsoleStore } from '../store/console-store.js';

interface ConsoleContextValue {
  readonly store: ConsoleStore;
  readonly client: ConsoleClient;
}

const ConsoleContext = createContext<ConsoleContextValue | null>(null);

export function ConsoleProvider(props: {
  readonly store: ConsoleStore;
  readonly client: ConsoleClient;
  readonly children: ReactNode;
}) {
  const { store, client, children } = props;
  return <ConsoleContext.Provider value={{ store, client }}>{children}</ConsoleContext.Provider>;
}

function useConsoleContext(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (value === null) throw new Error('a console component was rendered outside ConsoleProvider');
  return value;
}

/** Reads the store through `selector`; re-renders when its result changes. */
export function useConsole<T>(selector: (state: ConsoleState) => T): T {
  return useStore(useConsoleContext().store, selector);
}

/**
 * The store itself, for components that show fast-changing numbers: they `subscribe` and write
 * the text through a ref instead of re-rendering on every batch.
 */
export function useConsoleStore(): ConsoleStore {
  return useConsoleContext().store;
}

/** The client, for the actions that call the service. */
export function useConsoleClient(): ConsoleClient {
  return useConsoleContext().client;
}
