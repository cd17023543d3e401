import { useRef } from 'react';
import type { ConsoleState } from '../../store/console-state.js';
import { useConsoleStore } from '../console-context.js';
import { useStoreWriter } from './use-store-writer.js';

export interface BarReading {
  /** From 0 to 1; undefined while it is not known (the bar then shows it is working). */
  readonly fraction: number | undefined;
  /** What a screen reader says, and the bar's tooltip. */
  readonly text: string;
}

/**
 * A progress bar that follows the store without re-rendering anything (see useStoreWriter): it
 * sets its fill's width and its ARIA values when the reading changes.
 */
export function LiveBar(props: {
  readonly reading: (state: ConsoleState) => BarReading;
  readonly label: string;
  readonly className?: string;
}) {
  const store = useConsoleStore();
  const bar = useRef<HTMLDivElement>(null);
  const fill = useRef<HTMLSpanElement>(null);
  useStoreWriter((state) => {
    if (bar.current === null || fill.current === null) return;
    paint(bar.current, fill.current, props.reading(state));
  });
  const first = props.reading(store.getState());
  const percent = first.fraction === undefined ? undefined : Math.round(first.fraction * 100);
  return (
    <div
      ref={bar}
      className={`key-progress${percent === undefined ? ' is-unknown' : ''}${props.className === undefined ? '' : ` ${props.className}`}`}
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={first.text}
      title={first.text}
    >
      <span ref={fill} className="key-progress-fill" style={{ width: `${percent ?? 0}%` }} />
    </div>
  );
}

function paint(bar: HTMLDivElement, fill: HTMLSpanElement, reading: BarReading): void {
  const percent = reading.fraction === undefined ? undefined : Math.round(reading.fraction * 100);
  const width = `${percent ?? 0}%`;
  if (fill.style.width !== width) fill.style.width = width;
  bar.classList.toggle('is-unknown', percent === undefined);
  if (percent === undefined) bar.removeAttribute('aria-valuenow');
  else if (bar.getAttribute('aria-valuenow') !== String(percent)) {
    bar.setAttribute('aria-valuenow', String(percent));
  }
  if (bar.getAttribute('aria-valuetext') !== reading.text) {
    bar.setAttribute('aria-valuetext', reading.text);
    bar.title = reading.text;
  }
}
