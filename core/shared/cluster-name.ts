/** A cluster's name in the console: what the editor asks for and the service insists on. */

export const MAX_CLUSTER_NAME_LENGTH = 200;

/** The message for a blank name, the same from the page, the service and clusters.json. */
export const GIVE_A_NAME = 'Give the cluster a name.';

export const NAME_TOO_LONG = `Keep the cluster's name to ${MAX_CLUSTER_NAME_LENGTH} characters.`;

/** What is wrong with a name as typed (it is saved trimmed); null when nothing. */
export function clusterNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return GIVE_A_NAME;
  if (trimmed.length > MAX_CLUSTER_NAME_LENGTH) return NAME_TOO_LONG;
  return unsafeCharacterProblem(trimmed);
}

/**
 * A name is shown in lists, logs and confirmations where the operator picks the cluster to
 * resize: a control character can break a log line or a terminal, and a direction mark or override
 * can make one name read as another ("prod" shown for "dorp"). Neither belongs in a name.
 */
function unsafeCharacterProblem(name: string): string | null {
  let position = 0;
  for (const character of name) {
    position += 1;
    const code = character.codePointAt(0) ?? 0;
    if (isControl(code) || isDirectionMark(code)) {
      const hex = code.toString(16).toUpperCase().padStart(4, '0');
      return (
        `Take U+${hex} out of the cluster's name (character ${position}): control and ` +
        'text-direction characters are not allowed in a name.'
      );
    }
  }
  return null;
}

/** C0 controls (tab and newline among them), DEL and the C1 controls. */
function isControl(code: number): boolean {
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

/**
 * The marks and the embeddings, overrides and isolates of the bidirectional algorithm: U+061C,
 * U+200E-U+200F, U+202A-U+202E and U+2066-U+2069.
 */
function isDirectionMark(code: number): boolean {
  return (
    code === 0x061c ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}
