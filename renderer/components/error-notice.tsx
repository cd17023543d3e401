/**
 * An error from the service where the thing that failed would have been: its message (which
 * names the file, node or field) and its code. A channel the service does not offer yet is said
 * calmly, as a notice rather than an alarm.
 */
import type { ErrorPayload } from '../../core/console/contract.js';

export function ErrorNotice(props: {
  readonly error: ErrorPayload;
  /** What could not be done, e.g. "Could not estimate the work". */
  readonly what: string;
  readonly id?: string;
  /** Offers "Try again" (for a read that may succeed on a second go: a dropped link, a restart). */
  readonly onRetry?: () => void;
}) {
  const { error, what, id, onRetry } = props;
  if (error.code === 'NOT_YET') {
    return (
      <p className="notice" role="status" id={id}>
        {what}: this console service does not offer it yet ({error.message}).
      </p>
    );
  }
  return (
    <p className="error" role="alert" id={id}>
      {what}: {error.message} <span className="error-code">{error.code}</span>
      {onRetry !== undefined && (
        <>
          {' '}
          <button type="button" onClick={onRetry}>
            Try again
          </button>
        </>
      )}
    </p>
  );
}
