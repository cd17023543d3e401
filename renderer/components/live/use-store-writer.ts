import { useEffect, useRef } from 'react';
import type { ConsoleState } from '../../store/console-state.js';
import { useConsoleStore } from '../console-context.js';

/**
 * Calls `write` with the store's state now and after every change, without re-rendering: for
 * elements that follow numbers moving with every batch (LiveText's words, LiveBar's fill), so that
 * ten batches a second cost ten compares, not ten renders of a section. The latest `write` is read
 * through a ref: callers pass an inline function, and re-subscribing on every render would be the
 * work this hook exists to avoid.
 */
export function useStoreWriter(write: (state: ConsoleState) => void): void {
  const store = useConsoleStore();
  const latest = useRef(write);
  latest.current = write;
  useEffect(() => {
    const run = (state: ConsoleState) => latest.current(state);
    run(store.getState());
    return store.subscribe(run);
  }, [store]);
}
