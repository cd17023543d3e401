/**
 * One button's call to the service: a second click while the first call runs does nothing (the
 * ref blocks it before React has re-rendered the button disabled), and the failure is kept to be
 * shown beside the button.
 */
import { useCallback, useRef, useState } from 'react';
import type { ErrorPayload } from '../../../core/console/contract.js';
import { toErrorPayload } from '../../api/console-client.js';

export interface Call {
  /** Runs `call` unless one is running; resolves true when it succeeded. */
  run(call: () => Promise<unknown>): Promise<boolean>;
  readonly isRunning: boolean;
  readonly error: ErrorPayload | null;
  clearError(): void;
}

export function useCall(): Call {
  const isBusy = useRef(false);
  const [isRunning, setRunning] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const run = useCallback(async (call: () => Promise<unknown>) => {
    if (isBusy.current) return false;
    isBusy.current = true;
    setRunning(true);
    setError(null);
    try {
      await call();
      return true;
    } catch (failure) {
      setError(toErrorPayload(failure));
      return false;
    } finally {
      isBusy.current = false;
      setRunning(false);
    }
  }, []);
  const clearError = useCallback(() => setError(null), []);
  return { run, isRunning, error, clearError };
}
