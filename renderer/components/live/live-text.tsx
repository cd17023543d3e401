import { useEffect, useRef } from 'react';
import type { ConsoleState } from '../../store/console-state.js';
import { useConsoleStore } from '../console-context.js';

/**
 * Text that follows the store without re-rendering anything: it subscribes, and writes its span's
 * text when the words change. For numbers that move with every batch (keys moved, rates, ETAs),
 * so that ten batches a second cost ten string compares, not ten renders of a section.
 */
export function LiveText(props: {
  readonly text: (state: ConsoleState) => string;
  readonly className?: string;
}) {
  const store = useConsoleStore();
  const span = useRef<HTMLSpanElement>(null);
  // The latest `text` is read through a ref: callers pass an inline function, and re-subscribing
  // on every render would be the work this component exists to avoid.
  const textOf = useRef(props.text);
  textOf.current = props.text;
  useEffect(() => {
    const write = (state: ConsoleState) => {
      const element = span.current;
      if (element === null) return;
      const text = textOf.current(state);
      if (element.textContent !== text) element.textContent = text;
    };
    write(store.getState());
    return store.subscribe(write);
  }, [store]);
  return (
    <span ref={span} className={props.className}>
      {props.text(store.getState())}
    </span>
  );
}
