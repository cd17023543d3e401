/** JSON text from a file, with an error that names the file and the line, as editors count. */
import { ConfigError } from '../errors.js';

/** @throws ConfigError `code`, naming `file` and the line where the JSON went wrong. */
export function parseJsonFile(text: string, file: string, code: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    // JSON.parse names a character position ("... in JSON at position 42"), except when the text
    // ends too soon ("Unexpected end of JSON input"): then the fault is at the end.
    const position = /position (\d+)/.exec(message);
    const end = position === null ? text.length : Number(position[1]);
    const line = { line: text.slice(0, end).split('\n').length };
    throw new ConfigError(code, `not valid JSON: ${message}`, { file, ...line });
  }
}
