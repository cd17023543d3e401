/**
 * Text that came from outside (a reply, a line of a file) as an error message may show it: only
 * printable ASCII, each other character as '?', and only the first `max` characters, so a hostile
 * or binary input can neither flood a terminal nor drive it with escape sequences.
 */
export function clipForMessage(text: string, max = 80): string {
  const printable = text.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > max ? printable.slice(0, max) + '...' : printable;
}
