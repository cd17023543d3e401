/**
 * A cluster profile as a form: where cluster_settings lives on the nodes, how they reload it, and
 * which ~/.ssh/config host reaches each node. The raw JSON stays one click away for the fields a
 * form has no room for.
 */
import { useEffect, useId, useState, type ReactNode } from 'react';
import type { ErrorPayload, SshHostEntry } from '../../../core/console/contract.js';
import { toErrorPayload } from '../../api/console-client.js';
import { useConsoleClient } from '../console-context.js';
import { ErrorNotice } from '../error-notice.js';
import { NodeTag } from '../node-tag.js';
import {
  DEFAULT_SETTINGS_PATH,
  hiddenProfileFields,
  matchAliases,
  type EditorField,
  type ProfileFields,
} from './profile-fields.js';
import { ownEntry } from '../../../core/shared/own-entry.js';

/** Props shared by the form's controls: a field's error, if the last save named it. */
export interface FieldErrors {
  errorFor(field: EditorField): ErrorPayload | null;
}

export function ProfileSection(props: {
  readonly fields: ProfileFields;
  readonly onChange: (fields: ProfileFields) => void;
  readonly nodes: readonly string[];
  readonly errors: FieldErrors;
  /** ~/.ssh/config's hosts as given (tests); fetched from the service when absent. */
  readonly sshHosts?: SshHostsState;
}) {
  const { fields, onChange, nodes, errors } = props;
  const id = useId();
  const fetched = useSshHosts(props.sshHosts === undefined);
  const sshHosts = props.sshHosts ?? fetched;
  const hosts = sshHosts.hosts ?? [];
  const hidden = hiddenProfileFields(fields);
  const set = (change: Partial<ProfileFields>) => onChange({ ...fields, ...change });
  const indexes = new Map(nodes.map((node, index) => [node, index]));

  return (
    <div className="profile-section">
      <div className="form-row">
        <Labelled
          id={`${id}-path`}
          label="cluster_settings path on the nodes"
          field="settingsPath"
          errors={errors}
        >
          <input
            id={`${id}-path`}
            value={fields.settingsPath}
            placeholder={DEFAULT_SETTINGS_PATH}
            onChange={(event) => set({ settingsPath: event.target.value })}
            spellCheck={false}
            {...invalid(errors, 'settingsPath', `${id}-path`)}
          />
        </Labelled>
        <Labelled id={`${id}-reload`} label="Reload command" field="reloadCommand" errors={errors}>
          <input
            id={`${id}-reload`}
            value={fields.reloadCommand}
            placeholder="service clearwater-infrastructure reload"
            onChange={(event) => set({ reloadCommand: event.target.value })}
            spellCheck={false}
            aria-describedby={`${id}-reload-hint`}
            {...invalid(errors, 'reloadCommand', `${id}-reload`)}
          />
          <p id={`${id}-reload-hint`} className="hint">
            Blank: the resize asks you to reload each node by hand.
          </p>
        </Labelled>
      </div>
      <label className="check">
        <input
          type="checkbox"
          checked={fields.sudo}
          onChange={(event) => set({ sudo: event.target.checked })}
        />
        Run remote commands under <span className="mono">sudo -n</span>
      </label>

      <fieldset className="defaults">
        <legend>Nodes without a host below are reached</legend>
        <label className="check">
          <input
            type="radio"
            name={`${id}-via`}
            checked={fields.defaultVia === 'ssh'}
            onChange={() => set({ defaultVia: 'ssh' })}
          />
          over SSH, at the host part of their entry
        </label>
        <label className="check">
          <input
            type="radio"
            name={`${id}-via`}
            checked={fields.defaultVia === 'direct'}
            onChange={() => set({ defaultVia: 'direct' })}
          />
          directly (memcached only: no settings read or written on them)
        </label>
        {fields.defaultVia === 'ssh' && (
          <div className="form-row">
            <Labelled id={`${id}-user`} label="SSH user" field="user" errors={errors}>
              <input
                id={`${id}-user`}
                value={fields.user}
                placeholder="as ~/.ssh/config says"
                onChange={(event) => set({ user: event.target.value })}
                autoComplete="off"
                spellCheck={false}
                {...invalid(errors, 'user', `${id}-user`)}
              />
            </Labelled>
            <Labelled id={`${id}-jump`} label="Jump hosts" field="jump" errors={errors}>
              <input
                id={`${id}-jump`}
                value={fields.jump}
                placeholder="bastion, in order; comma-separated"
                onChange={(event) => set({ jump: event.target.value })}
                spellCheck={false}
                {...invalid(errors, 'jump', `${id}-jump`)}
              />
            </Labelled>
          </div>
        )}
        <FieldError id={`${id}-defaults`} field="defaults" errors={errors} />
      </fieldset>

      <fieldset className="node-hosts">
        <legend>SSH host per node</legend>
        {sshHosts.error !== null && (
          <ErrorNotice
            error={sshHosts.error}
            what="Could not list the hosts of ~/.ssh/config (type the aliases instead)"
          />
        )}
        {sshHosts.isLoading && <p className="muted">Reading ~/.ssh/config…</p>}
        {hosts.length > 0 && (
          <p className="hint">
            {hosts.length} hosts in ~/.ssh/config.{' '}
            <button
              type="button"
              onClick={() => set({ hosts: matchAliases(nodes, fields.hosts, hosts) })}
            >
              Fill blanks by host name
            </button>
          </p>
        )}
        {nodes.length === 0 ? (
          <p className="muted">List the servers above first.</p>
        ) : (
          <table className="data-table node-hosts-table">
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">SSH host (alias)</th>
                <th scope="col">Resolves to</th>
              </tr>
            </thead>
            <tbody>
              {nodes.map((node, index) => {
                const alias = (ownEntry(fields.hosts, node) ?? '').trim();
                const entry = hosts.find((host) => host.alias === alias);
                const inputId = `${id}-host-${index}`;
                return (
                  <tr key={node}>
                    <th scope="row">
                      <label htmlFor={inputId}>
                        <NodeTag node={node} index={indexes.get(node)} showAddress />
                      </label>
                    </th>
                    <td>
                      <input
                        id={inputId}
                        list={`${id}-aliases`}
                        value={ownEntry(fields.hosts, node) ?? ''}
                        placeholder={
                          fields.defaultVia === 'ssh' ? 'the entry’s host' : 'reached directly'
                        }
                        onChange={(event) =>
                          set({ hosts: { ...fields.hosts, [node]: event.target.value } })
                        }
                        autoComplete="off"
                        spellCheck={false}
                      />
                    </td>
                    <td className="muted">
                      {alias === '' || sshHosts.hosts === null
                        ? '—'
                        : entry === undefined
                          ? 'not in ~/.ssh/config'
                          : describeHost(entry)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        <datalist id={`${id}-aliases`}>
          {hosts.map((host) => (
            <option key={host.alias} value={host.alias}>
              {describeHost(host)}
            </option>
          ))}
        </datalist>
        <FieldError id={`${id}-nodes`} field="nodes" errors={errors} />
      </fieldset>

      {hidden.length > 0 && (
        <p className="notice" role="note">
          This profile also sets {hidden.join(', ')}: the form does not show{' '}
          {hidden.length === 1 ? 'it' : 'them'}, and saving keeps{' '}
          {hidden.length === 1 ? 'it' : 'them'} as {hidden.length === 1 ? 'it is' : 'they are'}.
          Edit as JSON to change {hidden.length === 1 ? 'it' : 'them'}.
        </p>
      )}
    </div>
  );
}

export interface SshHostsState {
  readonly isLoading: boolean;
  readonly hosts: readonly SshHostEntry[] | null;
  readonly error: ErrorPayload | null;
}

function useSshHosts(isWanted: boolean): SshHostsState {
  const client = useConsoleClient();
  const [state, setState] = useState<SshHostsState>({
    isLoading: isWanted,
    hosts: null,
    error: null,
  });
  useEffect(() => {
    if (!isWanted) return;
    let isCurrent = true;
    client.invoke('ssh:hosts', null).then(
      (hosts) => isCurrent && setState({ isLoading: false, hosts, error: null }),
      (error: unknown) =>
        isCurrent && setState({ isLoading: false, hosts: null, error: toErrorPayload(error) }),
    );
    return () => {
      isCurrent = false;
    };
  }, [client, isWanted]);
  return state;
}

function describeHost(host: SshHostEntry): string {
  const user = host.user === undefined ? '' : `${host.user}@`;
  const port = host.port === undefined ? '' : `:${host.port}`;
  return `${user}${host.hostName ?? host.alias}${port}`;
}

/** A label, its control, and the error a save named it in. */
export function Labelled(props: {
  readonly id: string;
  readonly label: string;
  readonly field: EditorField;
  readonly errors: FieldErrors;
  readonly children: ReactNode;
}) {
  const { id, label, field, errors, children } = props;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      <FieldError id={`${id}-error`} field={field} errors={errors} />
    </div>
  );
}

export function FieldError(props: {
  readonly id: string;
  readonly field: EditorField;
  readonly errors: FieldErrors;
}) {
  const error = props.errors.errorFor(props.field);
  if (error === null) return null;
  return (
    <p id={props.id} className="field-error" role="alert">
      <span aria-hidden="true">✕ </span>
      {error.message}
    </p>
  );
}

/** aria-invalid and where its message is, for the control `id` of a `Labelled` field. */
export function invalid(
  errors: FieldErrors,
  field: EditorField,
  id: string,
): { 'aria-invalid'?: true; 'aria-errormessage'?: string } {
  return errors.errorFor(field) === null
    ? {}
    : { 'aria-invalid': true, 'aria-errormessage': `${id}-error` };
}
