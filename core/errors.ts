/**
 * The error classes every part of Astaire throws. Each carries a stable `code` that scripts and
 * the console can branch on, the `stage` that failed, and where it failed (file and line, or node
 * and command), so that the message can tell an operator exactly what to fix.
 */

/** The step of the work that failed; the console groups and colours errors by it. */
export type ErrorStage =
  | 'usage'
  | 'config'
  | 'connect'
  | 'hostkey'
  | 'auth'
  | 'channel'
  | 'command'
  | 'protocol'
  | 'timeout'
  | 'restart'
  | 'io';

/** Where an error happened. Only the fields that apply are set. */
export interface ErrorPlace {
  readonly file?: string;
  readonly line?: number;
  readonly node?: string;
  readonly command?: string;
}

/** The shape an error takes when it crosses a process boundary (IPC, web mode, `--json`). */
export interface ErrorPayload {
  readonly code: string;
  readonly message: string;
  readonly detail: { readonly stage: ErrorStage } & ErrorPlace;
}

/** Base class: never thrown directly, so every error says which kind it is. */
export abstract class AstaireError extends Error {
  abstract readonly stage: ErrorStage;

  constructor(
    readonly code: string,
    message: string,
    readonly place: ErrorPlace = {},
  ) {
    super(prefixWithPlace(place, message));
    this.name = new.target.name;
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message, detail: { stage: this.stage, ...this.place } };
  }
}

/** The command line was not understood: the fix is in how the command was typed. */
export class UsageError extends AstaireError {
  readonly stage = 'usage' as const;
}

/** A configuration file (cluster_settings, profile) was rejected. */
export class ConfigError extends AstaireError {
  readonly stage = 'config' as const;
}

/** Reading or writing a local file or stream failed. */
export class LocalIoError extends AstaireError {
  readonly stage = 'io' as const;
}

/** A node could not be reached, or the connection to it was lost. */
export class ConnectError extends AstaireError {
  readonly stage = 'connect' as const;
}

/** A node sent bytes that are not the reply the protocol calls for, or refused a command. */
export class ProtocolError extends AstaireError {
  readonly stage = 'protocol' as const;
}

/** A node did not answer within its deadline. */
export class TimeoutError extends AstaireError {
  readonly stage = 'timeout' as const;
}

/** An SSH server's host key is unknown and was not confirmed, or has changed, or is revoked. */
export class HostKeyError extends AstaireError {
  readonly stage = 'hostkey' as const;
}

/** No authentication method was accepted. */
export class AuthError extends AstaireError {
  readonly stage = 'auth' as const;
}

/** An SSH channel (a tunnel or a command's session) could not be opened. */
export class ChannelError extends AstaireError {
  readonly stage = 'channel' as const;
}

/**
 * A node was restarted (a new memcached process, so an empty cache) while work that depends on
 * what it held was under way: a resync's target lost what it was sent, a source lost its data.
 */
export class NodeRestartedError extends AstaireError {
  readonly stage = 'restart' as const;
}

/** A remote command failed, or could not run. */
export class RemoteCommandError extends AstaireError {
  readonly stage = 'command' as const;
}

/** Turns anything thrown into the cross-boundary shape, keeping unknown errors' messages. */
export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof AstaireError) return error.toPayload();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message, detail: { stage: 'io' } };
}

// "file:line: message" is what compilers and linters print, so editors and terminals can jump to
// the place; a node is named the same way ("node 10.0.0.1:11211 (stats): ...").
function prefixWithPlace(place: ErrorPlace, message: string): string {
  if (place.file !== undefined) {
    return place.line === undefined
      ? `${place.file}: ${message}`
      : `${place.file}:${place.line}: ${message}`;
  }
  if (place.node !== undefined) {
    const command = place.command === undefined ? '' : ` (${place.command})`;
    return `node ${place.node}${command}: ${message}`;
  }
  return message;
}
