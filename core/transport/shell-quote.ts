/** Single-quotes a string for a POSIX shell: it reaches the command as one word, unexpanded. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
