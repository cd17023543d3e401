/** JSON text from a file, with an error that names the file and the line, as editors count. */
import { ConfigError } from '../errors.js';

/** @throws ConfigError `code`, naming `file` and the line where the JSON went wrong. */
export function parseJsonFile(text: string, file: string, code: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    // JSON.parse names a character position ("... in JSON at position 42").
    const position = /position (\d+)/.exec(message);
    const line =
      position === null ? {} : { line: text.slice(0, Number(position[1])).split('\n').length };
    throw new ConfigError(code, `not valid JSON: ${message}`, { file, ...line });
  }
}
