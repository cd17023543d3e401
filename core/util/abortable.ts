/**
 * Waits for `wait`, or rejects with the signal's reason as soon as it aborts, whichever comes
 * first. The listener is removed either way, so many waits on one long-lived signal do not pile up.
 */
export function untilAborted<T>(wait: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal === undefined) return wait;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    wait.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}
