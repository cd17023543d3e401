/**
 * IP address literals, checked by hand so that the page can use the same rule as the CLI: this
 * layer has no node:net. The rules are those of inet_pton, which Node's isIP follows: dotted
 * decimal IPv4 without leading zeros (a leading zero reads as octal to some resolvers), and RFC
 * 4291's IPv6 text forms, with an optional zone (fe80::1%eth0).
 */

const IPV4_PART = /^(?:0|[1-9][0-9]{0,2})$/;

/** Whether `text` is a dotted-decimal IPv4 address: four numbers from 0 to 255. */
export function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((part) => IPV4_PART.test(part) && Number(part) <= 255);
}

const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
const ZONE = /^[0-9A-Za-z._~-]+$/;

/** Whether `text` is an IPv6 address as written inside brackets (no brackets, no port). */
export function isIPv6(text: string): boolean {
  const percent = text.indexOf('%');
  const address = percent < 0 ? text : text.slice(0, percent);
  if (percent >= 0 && !ZONE.test(text.slice(percent + 1))) return false;
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groups = halves.map((half) => (half === '' ? [] : half.split(':')));
  // An embedded IPv4 address may end the address, standing for its last two groups.
  const last = groups.at(-1)?.at(-1);
  const hasIPv4Tail = last !== undefined && last.includes('.');
  if (hasIPv4Tail && !isIPv4(last)) return false;
  const all = groups.flat();
  const hexGroups = hasIPv4Tail ? all.slice(0, -1) : all;
  if (!hexGroups.every((group) => HEX_GROUP.test(group))) return false;
  const width = hexGroups.length + (hasIPv4Tail ? 2 : 0);
  // "::" stands for at least one group of zeros.
  return halves.length === 2 ? width <= 7 : width === 8;
}
