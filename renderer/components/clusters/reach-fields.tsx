/**
 * How the console reaches a cluster's nodes, in the cluster editor: directly at their addresses,
 * or through a cluster profile (SSH) edited as a form or as JSON.
 */
import type { ErrorPayload } from '../../../core/console/contract.js';
import { toErrorPayload } from '../../api/console-client.js';
import { fieldsToProfile, profileToFields, type ProfileFields } from './profile-fields.js';
import {
  FieldError,
  invalid,
  Labelled,
  ProfileSection,
  type FieldErrors,
  type SshHostsState,
} from './profile-section.js';

export interface Reach {
  readonly access: 'direct' | 'profile';
  readonly isJson: boolean;
  readonly jsonText: string;
  readonly profile: ProfileFields;
}

export function ReachFields(props: {
  readonly id: string;
  readonly reach: Reach;
  readonly onChange: (reach: Reach) => void;
  /** A profile whose JSON could not be read (null: it was read). */
  readonly onJsonError: (error: ErrorPayload | null) => void;
  /** The cluster's entries, whose SSH hosts the form asks for. */
  readonly nodes: readonly string[];
  readonly errors: FieldErrors;
  readonly sshHosts: SshHostsState | undefined;
}) {
  const { id, reach, onChange, onJsonError, nodes, errors, sshHosts } = props;
  const set = (change: Partial<Reach>) => onChange({ ...reach, ...change });
  const toJson = () =>
    set({ isJson: true, jsonText: JSON.stringify(fieldsToProfile(reach.profile, nodes), null, 2) });
  const toForm = () => {
    const parsed = parseProfileJson(reach.jsonText);
    onJsonError('error' in parsed ? parsed.error : null);
    if (!('error' in parsed)) set({ isJson: false, profile: profileToFields(parsed.profile) });
  };
  return (
    <fieldset className="access">
      <legend>How the console reaches the nodes</legend>
      <label className="check">
        <input
          type="radio"
          name={`${id}-access`}
          checked={reach.access === 'direct'}
          onChange={() => set({ access: 'direct' })}
        />
        Directly, at their cluster_settings addresses (no profile: settings are not read or written
        on the nodes)
      </label>
      <label className="check">
        <input
          type="radio"
          name={`${id}-access`}
          checked={reach.access === 'profile'}
          onChange={() => set({ access: 'profile' })}
        />
        Through a cluster profile (SSH)
      </label>
      {reach.access === 'profile' && (
        <>
          <div className="profile-mode">
            <button type="button" onClick={reach.isJson ? toForm : toJson}>
              {reach.isJson ? 'Back to the form' : 'Edit as JSON'}
            </button>
          </div>
          {reach.isJson ? (
            <Labelled id={`${id}-profile`} label="Profile JSON" field="profile" errors={errors}>
              <textarea
                id={`${id}-profile`}
                value={reach.jsonText}
                onChange={(event) => set({ jsonText: event.target.value })}
                rows={14}
                spellCheck={false}
                {...invalid(errors, 'profile', `${id}-profile`)}
              />
            </Labelled>
          ) : (
            <>
              <ProfileSection
                fields={reach.profile}
                onChange={(profile) => set({ profile })}
                nodes={nodes}
                errors={errors}
                {...(sshHosts === undefined ? {} : { sshHosts })}
              />
              <FieldError id={`${id}-profile-error`} field="profile" errors={errors} />
            </>
          )}
        </>
      )}
    </fieldset>
  );
}

/** The profile to save for `reach` (none when nodes are reached directly), or why there is none. */
export function profileToSave(
  reach: Reach,
  nodes: readonly string[],
): { readonly profile: unknown } | { readonly error: ErrorPayload } {
  if (reach.access === 'direct') return { profile: undefined };
  return reach.isJson
    ? parseProfileJson(reach.jsonText)
    : { profile: fieldsToProfile(reach.profile, nodes) };
}

/** The profile textarea's JSON, or an error that says where it stops being JSON. */
function parseProfileJson(text: string): { profile: unknown } | { error: ErrorPayload } {
  if (text.trim() === '') {
    return {
      error: {
        code: 'PROFILE_EMPTY',
        message: 'Profile JSON: empty; write a profile, or choose to reach the nodes directly',
        detail: { stage: 'usage' },
      },
    };
  }
  try {
    return { profile: JSON.parse(text) };
  } catch (error) {
    return {
      error: {
        code: 'PROFILE_NOT_JSON',
        message: `Profile JSON: ${toErrorPayload(error).message}`,
        detail: { stage: 'usage' },
      },
    };
  }
}
