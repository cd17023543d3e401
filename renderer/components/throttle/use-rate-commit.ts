/**
 * The rate a throttle shows and when it is sent: the rate in force, or the one the operator is
 * choosing. While a drag moves, a rate is sent at most once per pause of `debounceMs`; a release,
 * or a typed rate, sends at once. When a send is refused, the rate in force is shown again.
 */
import { useEffect, useRef, useState } from 'react';

export interface RateCommit {
  /** The rate to show: the one being chosen, else the one in force. */
  readonly shown: number;
  /** The operator chose `rate`: shown now, sent at once when `isFinal`, else after a pause. */
  choose(rate: number, isFinal: boolean): void;
  /** Sends a chosen rate that is waiting for its pause. */
  flush(): void;
}

export function useRateCommit(
  value: number,
  onCommit: (bytesPerSecond: number) => Promise<void> | void,
  debounceMs: number,
): RateCommit {
  const [shown, setShown] = useState(value);
  const inForce = useRef(value);
  inForce.current = value;
  const sent = useRef(value);
  const waiting = useRef<number | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const commit = useRef(onCommit);
  commit.current = onCommit;

  // A new rate in force (this window's or another's) is shown unless one is being chosen.
  useEffect(() => {
    sent.current = value;
    if (waiting.current === null) setShown(value);
  }, [value]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const flush = () => {
    clearTimeout(timer.current);
    timer.current = undefined;
    const rate = waiting.current;
    waiting.current = null;
    if (rate === null || rate === sent.current) return;
    sent.current = rate;
    commit.current(rate)?.catch(() => {
      sent.current = inForce.current;
      if (waiting.current === null) setShown(inForce.current);
    });
  };
  const choose = (rate: number, isFinal: boolean) => {
    waiting.current = rate;
    setShown(rate);
    clearTimeout(timer.current);
    if (isFinal || debounceMs <= 0) flush();
    else timer.current = setTimeout(flush, debounceMs);
  };
  return { shown, choose, flush };
}
