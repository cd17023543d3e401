/**
 * Fills a cluster's server lists from a cluster_settings file the operator picks: the page reads
 * it, the service parses it exactly as the clients do, and its error names the file and line.
 */
import { useId, useState, type ChangeEvent } from 'react';
import type { ErrorPayload, ImportedSettings } from '../../../core/console/contract.js';
import { formatBytes } from '../../../core/util/format-units.js';
import { toErrorPayload } from '../../api/console-client.js';
import { useConsoleClient } from '../console-context.js';
import { ErrorNotice } from '../error-notice.js';

/** Far past any real cluster_settings; the service refuses more than this too. */
const MAX_FILE_BYTES = 1024 * 1024;

export function SettingsImport(props: {
  readonly onImported: (settings: ImportedSettings, fileName: string) => void;
  /** An error to show at first (tests). */
  readonly initialError?: { readonly fileName: string; readonly error: ErrorPayload };
}) {
  const { onImported, initialError } = props;
  const client = useConsoleClient();
  const id = useId();
  const [isReading, setReading] = useState(false);
  const [failure, setFailure] = useState(initialError ?? null);
  const [done, setDone] = useState<string | null>(null);

  const importFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const file = input.files?.[0];
    // The same file picked again after an edit must fire change again.
    input.value = '';
    if (file === undefined) return;
    setFailure(null);
    setDone(null);
    if (file.size > MAX_FILE_BYTES) {
      setFailure({
        fileName: file.name,
        error: {
          code: 'FILE_TOO_LARGE',
          message: `${file.name} is ${formatBytes(file.size)}: a cluster_settings file is a few lines; pick the right file`,
          detail: { stage: 'usage' },
        },
      });
      return;
    }
    setReading(true);
    try {
      const text = await readText(file);
      const settings = await client.invoke('clusters:import-settings', {
        text,
        fileName: file.name,
      });
      onImported(settings, file.name);
      setDone(
        `Filled from ${file.name}: ${settings.servers.length} servers, ` +
          (settings.newServers.length === 0
            ? 'no new servers.'
            : `${settings.newServers.length} new servers.`),
      );
    } catch (error) {
      setFailure({ fileName: file.name, error: toErrorPayload(error) });
    } finally {
      setReading(false);
    }
  };

  return (
    <div className="settings-import">
      {/* The input comes first so that its focus can outline the label that stands for it. */}
      <input
        id={`${id}-file`}
        className="visually-hidden file-input"
        type="file"
        onChange={(event) => void importFile(event)}
        disabled={isReading}
        aria-describedby={`${id}-hint`}
      />
      <label htmlFor={`${id}-file`} className="file-button">
        {isReading ? 'Reading…' : 'Import from a cluster_settings file…'}
      </label>
      <p id={`${id}-hint`} className="hint">
        Replaces the servers and new servers below with the file&apos;s lists.
      </p>
      {failure !== null && (
        <ErrorNotice error={failure.error} what={`Could not import ${failure.fileName}`} />
      )}
      {done !== null && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
    </div>
  );
}

// UTF-8, as FileReader's readAsText decoded it; a failure still names the file.
async function readText(file: File): Promise<string> {
  try {
    return await file.text();
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'unknown error';
    throw new Error(`could not read ${file.name}: ${reason}`, { cause: error });
  }
}
