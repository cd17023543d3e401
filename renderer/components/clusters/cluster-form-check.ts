/**
 * The editor's own check before a save, by the rules the service applies (imported from the shared
 * layer, not re-derived): a name, at least one server, and every entry an address. The first
 * problem is shown at its field in plain words; the service checks again on save.
 */
import type { ErrorPayload } from '../../../core/console/contract.js';
import { clusterNameProblem } from '../../../core/shared/cluster-name.js';
import type { ServerListCheck } from '../../../core/shared/server-list.js';
import type { EditorField } from './profile-fields.js';

export interface FormProblem {
  readonly field: EditorField;
  readonly error: ErrorPayload;
}

export function formProblem(
  name: string,
  servers: ServerListCheck,
  newServers: ServerListCheck,
): FormProblem | null {
  const nameProblem = clusterNameProblem(name);
  if (nameProblem !== null) return problemAt('name', nameProblem);
  if (servers.servers.length === 0) {
    return problemAt('servers', 'List at least one server, as host:port.');
  }
  if (servers.problems.length > 0) return problemAt('servers', servers.problems.join(' '));
  if (newServers.problems.length > 0) return problemAt('newServers', newServers.problems.join(' '));
  return null;
}

function problemAt(field: EditorField, message: string): FormProblem {
  return { field, error: { code: 'CLUSTER_INVALID', message, detail: { stage: 'usage' } } };
}
