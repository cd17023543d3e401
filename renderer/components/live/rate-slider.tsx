/**
 * A rate limit in MiB/s on a slider of round steps, ending at 'no limit'. While the operator drags,
 * the value is sent at most once per pause in the drag; on release it is sent at once.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { formatRateLimit, MIB } from './live-figures.js';

/** The slider's stops in MiB/s; the position past the last is 'no limit' (0). */
export const RATE_STEPS_MIB = [1, 2, 5, 10, 20, 50, 100, 200, 500] as const;
const NO_LIMIT_POSITION = RATE_STEPS_MIB.length;

export function rateAtPosition(position: number): number {
  const mib = RATE_STEPS_MIB[position];
  return mib === undefined ? 0 : mib * MIB;
}

/** The stop nearest a rate (bytes per second; 0 is no limit). */
export function positionOfRate(bytesPerSecond: number): number {
  if (bytesPerSecond <= 0) return NO_LIMIT_POSITION;
  const mib = bytesPerSecond / MIB;
  let best = 0;
  RATE_STEPS_MIB.forEach((step, position) => {
    const nearest = RATE_STEPS_MIB[best] ?? step;
    if (Math.abs(Math.log(step / mib)) < Math.abs(Math.log(nearest / mib))) best = position;
  });
  return best;
}

export function RateSlider(props: {
  readonly label: string;
  /** The rate in force (bytes per second; 0 for no limit). */
  readonly value: number;
  /**
   * Called with a new rate: debounced while dragging, at once on release. When it returns a
   * promise that rejects, the thumb goes back to the rate in force.
   */
  onCommit(bytesPerSecond: number): Promise<void> | void;
  readonly isDisabled?: boolean;
  /** How long a drag must rest before its value is sent. */
  readonly debounceMs?: number;
  readonly hint?: string;
}) {
  const { label, value, onCommit, isDisabled = false, debounceMs = 300, hint } = props;
  const id = useId();
  const [position, setPosition] = useState(() => positionOfRate(value));
  const latest = useRef(position);
  const inForce = useRef(value);
  inForce.current = value;
  const isDragging = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const sent = useRef(value);
  const commit = useRef(onCommit);
  commit.current = onCommit;

  // The rate in force moves the thumb, unless the operator is holding it.
  useEffect(() => {
    sent.current = value;
    if (!isDragging.current) moveTo(positionOfRate(value));
  }, [value]);
  useEffect(() => () => clearTimeout(timer.current), []);

  function moveTo(at: number) {
    latest.current = at;
    setPosition(at);
  }
  const send = (at: number) => {
    clearTimeout(timer.current);
    timer.current = undefined;
    const rate = rateAtPosition(at);
    if (rate === sent.current) return;
    sent.current = rate;
    const outcome = commit.current(rate);
    outcome?.catch(() => {
      sent.current = inForce.current;
      if (!isDragging.current) moveTo(positionOfRate(inForce.current));
    });
  };
  const release = () => {
    isDragging.current = false;
    send(latest.current);
  };

  return (
    <div className="rate-slider">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="range"
        min={0}
        max={NO_LIMIT_POSITION}
        step={1}
        value={position}
        disabled={isDisabled}
        aria-valuetext={formatRateLimit(rateAtPosition(position))}
        {...(hint === undefined ? {} : { 'aria-describedby': `${id}-hint` })}
        onPointerDown={() => (isDragging.current = true)}
        onPointerUp={release}
        onKeyUp={release}
        onBlur={() => {
          if (timer.current !== undefined) release();
        }}
        onChange={(event) => {
          const next = Number(event.target.value);
          moveTo(next);
          clearTimeout(timer.current);
          timer.current = setTimeout(() => send(next), debounceMs);
        }}
      />
      <output htmlFor={id} className="rate-value">
        {formatRateLimit(rateAtPosition(position))}
      </output>
      {hint !== undefined && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
    </div>
  );
}
