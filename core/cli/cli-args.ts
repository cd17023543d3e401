/**
 * Command-line parsing on top of node's util.parseArgs, with errors that name the command and say
 * how to get help.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<T extends OptionSpec>(
  command: string,
  args: readonly string[],
  options: T,
  allowPositionals: boolean,
) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals, strict: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(
      'BAD_ARGUMENTS',
      `${command}: ${reason} (see "astaire ${command} --help")`,
    );
  }
}

/** A whole number from an option's text, or undefined when the option was not given. */
export function integerOption(
  command: string,
  name: string,
  text: string | undefined,
): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]+$/.test(text)) {
    throw new UsageError(
      'BAD_ARGUMENTS',
      `${command}: --${name} must be a whole number, not "${text}"`,
    );
  }
  return Number(text);
}

/** A byte rate such as 500000, 64K, 50M or 1G (powers of 1024), or undefined when not given. */
export function byteRateOption(
  command: string,
  name: string,
  text: string | undefined,
): number | undefined {
  if (text === undefined) return undefined;
  const match = /^([0-9]+)([KMG]?)$/i.exec(text);
  if (match === null) {
    throw new UsageError(
      'BAD_ARGUMENTS',
      `${command}: --${name} must be bytes per second such as 500000, 64K or 50M, not "${text}"`,
    );
  }
  const scale = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[(match[2] ?? '').toUpperCase()] ?? 1;
  return Number(match[1]) * scale;
}
