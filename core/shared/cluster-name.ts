/** A cluster's name in the console: what the editor asks for and the service insists on. */

export const MAX_CLUSTER_NAME_LENGTH = 200;

/** The message for a blank name, the same from the page, the service and clusters.json. */
export const GIVE_A_NAME = 'Give the cluster a name.';

export const NAME_TOO_LONG = `Keep the cluster's name to ${MAX_CLUSTER_NAME_LENGTH} characters.`;

/** What is wrong with a name as typed (it is saved trimmed); null when nothing. */
export function clusterNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return GIVE_A_NAME;
  return trimmed.length > MAX_CLUSTER_NAME_LENGTH ? NAME_TOO_LONG : null;
}
