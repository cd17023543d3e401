/**
 * The cluster editor's cluster_settings lists: current and new servers, typed or imported from a
 * file, each with the port an entry without one is reached on.
 */
import { checkServerList, formatList } from '../../../core/shared/server-list.js';
import { ImpliedPortHint } from '../implied-port-hint.js';
import { invalid, Labelled, type FieldErrors } from './profile-section.js';
import { SettingsImport } from './settings-import.js';

export interface ServerListsText {
  readonly servers: string;
  readonly newServers: string;
}

export function ServerListsFields(props: {
  readonly id: string;
  readonly lists: ServerListsText;
  readonly onChange: (lists: ServerListsText) => void;
  readonly errors: FieldErrors;
}) {
  const { id, lists, onChange, errors } = props;
  const fields = [
    {
      field: 'servers',
      label: 'Servers',
      hint: 'host:port, one per line or comma-separated, in cluster_settings order.',
    },
    {
      field: 'newServers',
      label: 'New servers',
      hint: 'Only while a resize is in progress; blank otherwise.',
    },
  ] as const;
  return (
    <fieldset className="lists">
      <legend>cluster_settings</legend>
      <SettingsImport
        onImported={(settings) =>
          onChange({
            servers: formatList(settings.servers),
            newServers: formatList(settings.newServers),
          })
        }
      />
      <div className="form-row">
        {fields.map(({ field, label, hint }) => {
          const control = `${id}-${field}`;
          const implied = checkServerList(lists[field]).withImpliedPort;
          return (
            <Labelled key={field} id={control} label={label} field={field} errors={errors}>
              <textarea
                id={control}
                value={lists[field]}
                onChange={(event) => onChange({ ...lists, [field]: event.target.value })}
                aria-describedby={`${control}-hint${implied.length > 0 ? ` ${control}-ports` : ''}`}
                rows={4}
                spellCheck={false}
                {...invalid(errors, field, control)}
              />
              <p id={`${control}-hint`} className="hint">
                {hint}
              </p>
              <ImpliedPortHint id={`${control}-ports`} entries={implied} />
            </Labelled>
          );
        })}
      </div>
    </fieldset>
  );
}
