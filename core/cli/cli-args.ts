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
