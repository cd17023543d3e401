import { useId, useState, type FormEvent } from 'react';
import { toErrorPayload } from '../api/console-client.js';
import { useConsole, useConsoleClient } from './console-context.js';

/** Addresses as typed: one per line, or separated by commas or spaces. */
export function parseAddressList(text: string): string[] {
  return text.split(/[\s,]+/).filter((address) => address !== '');
}

export function ClusterForm() {
  const client = useConsoleClient();
  const saveCluster = useConsole((state) => state.saveCluster);
  const [name, setName] = useState('');
  const [servers, setServers] = useState('');
  const [newServers, setNewServers] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [isSaving, setIsSaving] = useState(false);
  const id = useId();

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setIsSaving(true);
    setError(null);
    try {
      await saveCluster(client, {
        name: name.trim(),
        servers: parseAddressList(servers),
        newServers: parseAddressList(newServers),
      });
      setName('');
      setServers('');
      setNewServers('');
    } catch (failure) {
      setError(toErrorPayload(failure).message);
    } finally {
      setIsSaving(false);
    }
  };

  return (
    <form
      className="panel cluster-form"
      aria-labelledby={`${id}-heading`}
      onSubmit={(event) => void submit(event)}
    >
      <h2 id={`${id}-heading`}>Add a cluster</h2>
      <label htmlFor={`${id}-name`}>Name</label>
      <input
        id={`${id}-name`}
        value={name}
        onChange={(event) => setName(event.target.value)}
        required
        autoComplete="off"
      />
      <label htmlFor={`${id}-servers`}>Servers</label>
      <textarea
        id={`${id}-servers`}
        value={servers}
        onChange={(event) => setServers(event.target.value)}
        aria-describedby={`${id}-servers-hint`}
        rows={3}
        required
        spellCheck={false}
      />
      <p id={`${id}-servers-hint`} className="hint">
        host:port, one per line or comma-separated, as in cluster_settings.
      </p>
      <label htmlFor={`${id}-new-servers`}>New servers</label>
      <textarea
        id={`${id}-new-servers`}
        value={newServers}
        onChange={(event) => setNewServers(event.target.value)}
        aria-describedby={`${id}-new-servers-hint`}
        rows={2}
        spellCheck={false}
      />
      <p id={`${id}-new-servers-hint`} className="hint">
        Only while a resize is in progress.
      </p>
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={isSaving}>
        {isSaving ? 'Adding…' : 'Add cluster'}
      </button>
    </form>
  );
}
