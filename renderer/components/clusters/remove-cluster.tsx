/**
 * Removing a cluster from the console, behind a confirmation that names it. Nothing on the nodes
 * changes; only the console forgets the definition and profile. Refused while a job runs on it.
 */
import { useEffect, useRef, useState } from 'react';
import type { ClusterSummary, ErrorPayload } from '../../../core/console/contract.js';
import { toErrorPayload } from '../../api/console-client.js';
import type { ConsoleState } from '../../store/console-store.js';
import { useConsole, useConsoleClient } from '../console-context.js';
import { ErrorNotice } from '../error-notice.js';

export const RUNNING_JOB_BLOCKS_REMOVAL =
  'A job is running on this cluster: wait for it to end, or cancel it, before removing the cluster.';

export function RemoveCluster(props: {
  readonly cluster: ClusterSummary;
  /** Open the confirmation at first (tests). */
  readonly isConfirming?: boolean;
}) {
  const { cluster } = props;
  const client = useConsoleClient();
  const removeCluster = useConsole((state) => state.removeCluster);
  const setView = useConsole((state) => state.setView);
  const hasRunningJob = useConsole((state: ConsoleState) =>
    Object.values(state.jobsById).some(
      (job) => job.clusterId === cluster.id && job.state === 'running',
    ),
  );
  const [isConfirming, setConfirming] = useState(props.isConfirming ?? false);
  const [isRemoving, setRemoving] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const keepButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    // The safe answer has the focus.
    if (isConfirming) keepButton.current?.focus();
  }, [isConfirming]);

  const remove = async () => {
    setRemoving(true);
    setError(null);
    try {
      await removeCluster(client, cluster.id);
      setView('overview');
    } catch (failure) {
      setError(toErrorPayload(failure));
      setRemoving(false);
    }
  };

  return (
    <section className="remove-cluster" aria-labelledby="remove-cluster-heading">
      <h3 id="remove-cluster-heading">Remove this cluster</h3>
      {hasRunningJob ? (
        <p className="notice">{RUNNING_JOB_BLOCKS_REMOVAL}</p>
      ) : !isConfirming ? (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Remove cluster…
        </button>
      ) : (
        <div className="confirm" role="group" aria-labelledby="remove-cluster-question">
          <p id="remove-cluster-question">
            Remove <strong>{cluster.name}</strong> from the console? Its definition and profile are
            forgotten; nothing on its nodes changes.
          </p>
          <div className="form-actions">
            <button
              type="button"
              ref={keepButton}
              onClick={() => setConfirming(false)}
              disabled={isRemoving}
            >
              Keep it
            </button>
            <button
              type="button"
              className="danger"
              onClick={() => void remove()}
              disabled={isRemoving}
            >
              {isRemoving ? 'Removing…' : `Remove ${cluster.name}`}
            </button>
          </div>
        </div>
      )}
      {error !== null && <ErrorNotice error={error} what={`Could not remove ${cluster.name}`} />}
    </section>
  );
}
