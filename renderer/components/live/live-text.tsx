import { useRef } from 'react';
import type { ConsoleState } from '../../store/console-state.js';
import { useConsoleStore } from '../console-context.js';
import { useStoreWriter } from './use-store-writer.js';

/** Text that follows the store without re-rendering anything (see useStoreWriter). */
export function LiveText(props: {
  readonly text: (state: ConsoleState) => string;
  readonly className?: string;
}) {
  const store = useConsoleStore();
  const span = useRef<HTMLSpanElement>(null);
  useStoreWriter((state) => {
    const element = span.current;
    if (element === null) return;
    const text = props.text(state);
    if (element.textContent !== text) element.textContent = text;
  });
  return (
    <span ref={span} className={props.className}>
      {props.text(store.getState())}
    </span>
  );
}
