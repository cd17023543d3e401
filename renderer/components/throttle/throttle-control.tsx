/**
 * The one throttle of the console (the resync form, the wizard's step 3, a running job): a slider
 * of stops from 64 KiB/s to 'no limit', and a box that shows the rate in force and takes any rate
 * typed. A typed rate between stops is kept exactly; the thumb sits between its neighbours, and
 * moving it goes to one of them. Rates read as everywhere else (format-units).
 */
import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { formatRateLimit } from '../../../core/util/format-units.js';
import {
  NO_LIMIT_POSITION,
  parseRateLimit,
  positionOfRate,
  rateAtStop,
  rateForKey,
} from './throttle-stops.js';
import { useRateCommit } from './use-rate-commit.js';

export function ThrottleControl(props: {
  readonly label: string;
  /** The rate in force (bytes per second; 0 for no limit). */
  readonly value: number;
  /** Called with a new rate; when its promise rejects, the rate in force is shown again. */
  onCommit(bytesPerSecond: number): Promise<void> | void;
  /** Told whether the box holds text that is not a rate (a form holds its submit meanwhile). */
  onTypo?(hasTypo: boolean): void;
  readonly isDisabled?: boolean;
  /** How long a drag must rest before its rate is sent. */
  readonly debounceMs?: number;
  readonly hint?: string;
}) {
  const { label, value, onCommit, onTypo, isDisabled = false, debounceMs = 300, hint } = props;
  const id = useId();
  const { shown, choose, flush } = useRateCommit(value, onCommit, debounceMs);
  // What the operator is typing; null while the box shows the rate.
  const [draft, setDraft] = useState<string | null>(null);
  const hasTypo = draft !== null && parseRateLimit(draft) === null;
  useEffect(() => onTypo?.(hasTypo), [hasTypo, onTypo]);

  const applyDraft = () => {
    const rate = draft === null ? null : parseRateLimit(draft);
    if (rate === null) return;
    setDraft(null);
    choose(rate, true);
  };
  const onSliderKey = (event: KeyboardEvent<HTMLInputElement>) => {
    const rate = rateForKey(event.key, shown);
    if (rate === undefined) return;
    event.preventDefault();
    if (rate !== shown) choose(rate, false);
  };
  const described = [hasTypo ? `${id}-typo` : null, hint === undefined ? null : `${id}-hint`]
    .filter((part) => part !== null)
    .join(' ');

  return (
    <div className="rate-slider throttle">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="range"
        min={0}
        max={NO_LIMIT_POSITION}
        // Any position, so that a rate between stops is drawn where it is, not on a stop.
        step="any"
        value={positionOfRate(shown)}
        disabled={isDisabled}
        aria-valuetext={formatRateLimit(shown)}
        onKeyDown={onSliderKey}
        onKeyUp={flush}
        onPointerUp={flush}
        onBlur={flush}
        onChange={(event) => {
          const rate = rateAtStop(Number(event.target.value));
          if (rate !== shown) choose(rate, false);
        }}
      />
      <input
        className="rate-value"
        aria-label={`${label} (typed)`}
        value={draft ?? (shown > 0 ? formatRateLimit(shown) : '')}
        placeholder="no limit"
        inputMode="decimal"
        spellCheck={false}
        disabled={isDisabled}
        aria-invalid={hasTypo}
        {...(described === '' ? {} : { 'aria-describedby': described })}
        onChange={(event) => setDraft(event.target.value)}
        onBlur={applyDraft}
        onKeyDown={(event) => {
          if (event.key === 'Escape') setDraft(null);
          if (event.key !== 'Enter') return;
          // Enter sets the rate here; it does not also submit the form around the control.
          event.preventDefault();
          applyDraft();
        }}
      />
      {hasTypo && (
        <p id={`${id}-typo`} className="error">
          Type a rate such as 0.3 (MiB/s), 300 KiB/s or 20M; blank for no limit.
        </p>
      )}
      {hint !== undefined && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
    </div>
  );
}
