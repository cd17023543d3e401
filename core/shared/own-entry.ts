/**
 * `record[key]` when `key` is the record's own: a name from outside (a server, a target, a
 * command, a wire code) must never reach an inherited member such as `constructor` or `toString`,
 * which a plain object or one parsed from JSON answers for any name it does not hold.
 */
export function ownEntry<T>(
  record: Readonly<Record<string, T>> | undefined,
  key: string,
): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
