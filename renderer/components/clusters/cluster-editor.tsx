/**
 * Adding, editing and removing a cluster: its name, its cluster_settings lists (typed, or imported
 * from a file), and how the console reaches it (directly, or through a profile built from
 * ~/.ssh/config hosts, or written as JSON). The service checks every field; its error is shown at
 * the field it names.
 */
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import type { ClusterSummary, ErrorPayload } from '../../../core/console/contract.js';
import { toErrorPayload } from '../../api/console-client.js';
import { selectClusters } from '../../store/clusters-slice.js';
import { selectClusterEditor, type ClusterEditorTarget } from '../../store/ui-slice.js';
import { useConsole, useConsoleClient } from '../console-context.js';
import { nodeOrder } from '../node-order.js';
import { invalid, Labelled, type FieldErrors, type SshHostsState } from './profile-section.js';
import {
  fieldOfError,
  messageAtField,
  NEW_PROFILE,
  profileToFields,
  type EditorField,
} from './profile-fields.js';
import { checkServerList, formatList } from '../../../core/shared/server-list.js';
import { formProblem } from './cluster-form-check.js';
import { profileToSave, ReachFields, type Reach } from './reach-fields.js';
import { RemoveCluster } from './remove-cluster.js';
import { ServerListsFields, type ServerListsText } from './server-lists-fields.js';

export const DEMO_READ_ONLY =
  'The demo cluster cannot be changed or removed: it lives only while this console runs.';

export function ClusterEditor() {
  const target = useConsole(selectClusterEditor);
  const clusters = useConsole(selectClusters);
  const setView = useConsole((state) => state.setView);
  const openClusterEditor = useConsole((state) => state.openClusterEditor);
  const cluster =
    target.mode === 'new' ? undefined : clusters.find((known) => known.id === target.clusterId);

  if (target.mode !== 'new' && cluster === undefined) {
    return (
      <section className="panel" aria-label="Cluster editor">
        <p>That cluster is no longer known to the console: it may have been removed elsewhere.</p>
        <button type="button" onClick={() => openClusterEditor({ mode: 'new' })}>
          Add a cluster
        </button>
      </section>
    );
  }
  if (target.mode === 'edit' && cluster?.origin === 'demo') {
    return (
      <section className="panel" aria-labelledby="demo-heading">
        <h2 id="demo-heading">{cluster.name}</h2>
        <p className="notice">{DEMO_READ_ONLY}</p>
        <div className="form-actions">
          <button
            type="button"
            className="primary"
            onClick={() => openClusterEditor({ mode: 'copy', clusterId: cluster.id })}
          >
            Copy as a new cluster
          </button>
          <button type="button" onClick={() => setView('overview')}>
            Back
          </button>
        </div>
      </section>
    );
  }
  return <EditorForm key={editorKey(target)} target={target} cluster={cluster} />;
}

function editorKey(target: ClusterEditorTarget): string {
  return target.mode === 'new' ? 'new' : `${target.mode} ${target.clusterId}`;
}

/** The last save's error, and the field it named (null: shown beside the Save button). */
interface SaveFailure {
  readonly field: EditorField | null;
  readonly error: ErrorPayload;
}

const PROFILE_FIELDS: ReadonlySet<EditorField> = new Set([
  'settingsPath',
  'reloadCommand',
  'sudo',
  'user',
  'jump',
  'defaults',
  'nodes',
  'profile',
]);

export function EditorForm(props: {
  readonly target: ClusterEditorTarget;
  readonly cluster: ClusterSummary | undefined;
  /** A failure to show at first (tests). */
  readonly initialFailure?: SaveFailure;
  /** ~/.ssh/config's hosts as given (tests); fetched when absent. */
  readonly sshHosts?: SshHostsState;
}) {
  const { target, cluster, initialFailure, sshHosts } = props;
  const client = useConsoleClient();
  const saveCluster = useConsole((state) => state.saveCluster);
  const setView = useConsole((state) => state.setView);
  const id = useId();
  const isEdit = target.mode === 'edit' && cluster !== undefined;
  const hasProfile = cluster?.profile !== undefined && cluster.profile !== null;

  const [name, setName] = useState(
    cluster === undefined ? '' : target.mode === 'copy' ? `${cluster.name} (copy)` : cluster.name,
  );
  const [lists, setLists] = useState<ServerListsText>(() => ({
    servers: formatList(cluster?.servers ?? []),
    newServers: formatList(cluster?.newServers ?? []),
  }));
  const [reach, setReach] = useState<Reach>(() => ({
    access: hasProfile ? 'profile' : 'direct',
    isJson: false,
    jsonText: '',
    profile: hasProfile ? profileToFields(cluster.profile) : NEW_PROFILE,
  }));
  const [failure, setFailure] = useState<SaveFailure | null>(initialFailure ?? null);
  const [isSaving, setSaving] = useState(false);
  const nameInput = useRef<HTMLInputElement>(null);

  useEffect(() => nameInput.current?.focus(), []);

  const checked = useMemo(
    () => ({
      servers: checkServerList(lists.servers),
      newServers: checkServerList(lists.newServers),
    }),
    [lists],
  );
  const nodes = useMemo(
    () => nodeOrder(checked.servers.servers, checked.newServers.servers),
    [checked],
  );

  // Where a failure shows: the field it names if that field is on screen, else by the buttons.
  const placeOf = (field: EditorField | null): EditorField | null => {
    if (field === null || !PROFILE_FIELDS.has(field)) return field;
    if (reach.access === 'direct') return null;
    if (reach.isJson) return 'profile';
    if ((field === 'user' || field === 'jump') && reach.profile.defaultVia === 'direct')
      return 'defaults';
    return field;
  };
  const failurePlace = failure === null ? null : placeOf(failure.field);
  const errors: FieldErrors = {
    errorFor: (field) =>
      failure !== null && failurePlace === field && field !== null ? failure.error : null,
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const problem = formProblem(name, checked.servers, checked.newServers);
    if (problem !== null) {
      setFailure({ field: problem.field, error: problem.error });
      return;
    }
    const toSave = profileToSave(reach, nodes);
    if ('error' in toSave) {
      setFailure({ field: 'profile', error: toSave.error });
      return;
    }
    setSaving(true);
    setFailure(null);
    try {
      await saveCluster(
        client,
        {
          name: name.trim(),
          servers: checked.servers.servers,
          newServers: checked.newServers.servers,
          ...(toSave.profile === undefined ? {} : { profile: toSave.profile }),
        },
        isEdit ? cluster.id : undefined,
      );
      setView('overview');
    } catch (error) {
      const payload = toErrorPayload(error);
      const field = fieldOfError(payload.message);
      setFailure({ field, error: { ...payload, message: messageAtField(payload.message, field) } });
      setSaving(false);
    }
  };

  const heading = isEdit ? `Edit ${cluster.name}` : 'Add a cluster';
  return (
    <section className="panel cluster-editor">
      <form aria-labelledby={`${id}-heading`} onSubmit={(event) => void submit(event)} noValidate>
        <h2 id={`${id}-heading`}>{heading}</h2>
        {target.mode === 'copy' && cluster !== undefined && (
          <p className="hint">A new cluster, filled in from {cluster.name}.</p>
        )}
        <Labelled id={`${id}-name`} label="Name" field="name" errors={errors}>
          <input
            id={`${id}-name`}
            ref={nameInput}
            value={name}
            onChange={(event) => setName(event.target.value)}
            autoComplete="off"
            {...invalid(errors, 'name', `${id}-name`)}
          />
        </Labelled>

        <ServerListsFields id={id} lists={lists} onChange={setLists} errors={errors} />

        <ReachFields
          id={id}
          reach={reach}
          onChange={setReach}
          onJsonError={(error) => setFailure(error === null ? null : { field: 'profile', error })}
          nodes={nodes}
          errors={errors}
          sshHosts={sshHosts}
        />

        {failure !== null && failurePlace === null && (
          <p className="error" role="alert">
            {failure.error.message}
          </p>
        )}
        {failure !== null && failurePlace !== null && (
          <p className="muted">Not saved: see the field marked above.</p>
        )}
        <div className="form-actions">
          <button type="submit" className="primary" disabled={isSaving}>
            {isSaving ? 'Saving…' : isEdit ? 'Save changes' : 'Add cluster'}
          </button>
          <button type="button" onClick={() => setView('overview')} disabled={isSaving}>
            Cancel
          </button>
        </div>
      </form>
      {isEdit && <RemoveCluster cluster={cluster} />}
    </section>
  );
}
