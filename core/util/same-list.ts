/** True when two lists hold the same entries in the same order (server lists, where order counts). */
export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
