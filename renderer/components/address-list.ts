/** Server lists as operators type them into the cluster editor and the resize wizard. */

/** Addresses as typed: one per line, or separated by commas or spaces. */
export function parseAddressList(text: string): string[] {
  return text.split(/[\s,]+/).filter((address) => address !== '');
}

export function formatAddressList(addresses: readonly string[]): string {
  return addresses.join('\n');
}
