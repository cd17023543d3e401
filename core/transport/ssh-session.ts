/**
 * One SSH session to a node's SSH host, through its jump hosts, with ssh2: each hop is an SSH
 * connection carried over a direct-tcpip channel of the one before. On the last hop it opens
 * tunnels (direct-tcpip channels, one per memcached connection) and runs commands.
 *
 * Every hop's host key is checked against known_hosts before anything else is sent
 * (hop-host-key.ts): an unknown key is shown to the caller (`confirmHostKey`) and recorded only on
 * yes, unless ~/.ssh/config's StrictHostKeyChecking says otherwise; a changed or revoked key is
 * refused. Authentication tries the ssh-agent, then the identity files (asking for the passphrase
 * of an encrypted one), then a password if the caller supplies one. Secrets are used and dropped:
 * never stored, logged or put in a message.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import ssh2, { type AnyAuthMethod, type AuthenticationType, type ClientChannel } from 'ssh2';
import {
  AuthError,
  ChannelError,
  ConnectError,
  RemoteCommandError,
  TimeoutError,
  type AstaireError,
} from '../errors.js';
import { hostKeyAlgorithmsForHop, verifyHopHostKey } from './hop-host-key.js';
import type { SshHop } from './ssh-route.js';
import { shellQuote } from './shell-quote.js';

/** Questions only the operator can answer; the CLI asks on the terminal, the console in a dialog. */
export interface SshPrompts {
  /** An unknown host key: trust it (it is then recorded in known_hosts)? */
  confirmHostKey(question: HostKeyQuestion): Promise<boolean>;
  /** The passphrase of an encrypted identity file; undefined to skip that file. */
  passphrase(identityFile: string): Promise<string | undefined>;
  /** A password for user@host, after keys failed; undefined to give up. */
  password(user: string, host: string): Promise<string | undefined>;
}

/** An unknown host key, on the hop (host, port, the name the operator gave) that offered it. */
export interface HostKeyQuestion extends Pick<SshHop, 'alias' | 'host' | 'port'> {
  readonly keyType: string;
  readonly fingerprint: string;
  /** Types of key already known for this host (a new type of key for a known host). */
  readonly otherTypes: readonly string[];
}

export interface SshSessionOptions {
  /**
   * known_hosts files to check, in order, for hops ~/.ssh/config names none for; confirmed keys are
   * added to the first.
   */
  readonly knownHostsFiles: readonly string[];
  readonly prompts: SshPrompts;
  /** ssh-agent socket; default $SSH_AUTH_SOCK. */
  readonly agentSocket?: string;
  readonly readyTimeoutMs?: number;
  readonly keepaliveIntervalMs?: number;
}

// ssh2 is CommonJS: its members come off the default export.
const { Client, utils } = ssh2;
type Client = InstanceType<typeof ssh2.Client>;

/** Identity files ssh tries when none is configured, in its order. */
const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((name) =>
  join(homedir(), '.ssh', name),
);

export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class SshSession {
  private closedBy: AstaireError | undefined;

  private constructor(
    private readonly clients: readonly Client[],
    /** The node's SSH host, for messages. */
    readonly host: string,
  ) {
    clients[clients.length - 1]?.on('close', () => {
      this.closedBy ??= new ConnectError(
        'SSH_CLOSED',
        'the SSH connection closed (did the host restart, or the network drop?)',
        { node: host, command: 'ssh' },
      );
    });
  }

  /** Connects hop by hop. */
  static async open(hops: readonly SshHop[], options: SshSessionOptions): Promise<SshSession> {
    const clients: Client[] = [];
    try {
      let sock: Duplex | undefined;
      for (const hop of hops) {
        const client = await connectHop(hop, sock, options);
        clients.push(client);
        const next = hops[clients.length];
        if (next !== undefined) sock = await forward(client, hop, next.host, next.port);
      }
    } catch (error) {
      for (const client of clients.reverse()) client.end();
      throw error;
    }
    const last = hops[hops.length - 1];
    return new SshSession(clients, last === undefined ? '?' : last.alias);
  }

  get isClosed(): boolean {
    return this.closedBy !== undefined;
  }

  /** A tunnel to host:port as seen from the node's SSH host. */
  tunnel(host: string, port: number): Promise<Duplex> {
    return forward(this.lastClient(), { alias: this.host }, host, port);
  }

  /**
   * Runs a command on the node's SSH host, with `sudo -n` when asked (so a sudo that wants a
   * password fails at once instead of waiting for one). Resolves with its exit status and output.
   */
  exec(
    command: string,
    options: {
      readonly sudo?: boolean;
      readonly timeoutMs?: number;
      readonly stdin?: string;
      /** How to name the command in messages, when it is a long script. */
      readonly label?: string;
    } = {},
  ): Promise<CommandResult> {
    const line = options.sudo === true ? `sudo -n -- sh -c ${shellQuote(command)}` : command;
    const place = { node: this.host, command: options.label ?? command };
    return new Promise((resolve, reject) => {
      this.lastClient().exec(line, (error, channel) => {
        if (error !== undefined && error !== null) {
          reject(
            new ChannelError('SSH_EXEC_FAILED', `cannot run the command: ${error.message}`, place),
          );
          return;
        }
        collectCommand(channel, options.timeoutMs ?? 30_000, place, options.sudo === true).then(
          resolve,
          reject,
        );
        // The command's stdin: what was given, then end of file, so nothing waits for input.
        channel.end(options.stdin ?? '');
      });
    });
  }

  close(): void {
    for (const client of [...this.clients].reverse()) client.end();
    this.closedBy ??= new ConnectError('SSH_CLOSED', 'the SSH connection was closed by Astaire', {
      node: this.host,
    });
  }

  private lastClient(): Client {
    if (this.closedBy !== undefined) throw this.closedBy;
    return this.clients[this.clients.length - 1] as Client;
  }
}

async function connectHop(
  hop: SshHop,
  sock: Duplex | undefined,
  options: SshSessionOptions,
): Promise<Client> {
  const place = { node: hop.alias, command: 'ssh' };
  const client = new Client();
  let hostKeyError: AstaireError | undefined;
  let authError: AstaireError | undefined;
  const authTried: string[] = [];

  const hostVerifier = (blob: Buffer, verify: (valid: boolean) => void) => {
    verifyHopHostKey(hop, blob, options).then(
      () => verify(true),
      (error: AstaireError) => {
        hostKeyError = error;
        verify(false);
      },
    );
  };
  const methods = authMethods(hop, options);
  const authHandler = (
    _left: AuthenticationType[] | null,
    _partial: boolean | null,
    next: (method: AnyAuthMethod | false) => void,
  ) => {
    void (async () => {
      for (;;) {
        const method = methods.shift();
        if (method === undefined) return next(false);
        let resolved: ResolvedAuth | undefined;
        try {
          resolved = await method();
        } catch (error) {
          // A key that cannot be decrypted ends the attempt with that reason, not a generic one.
          authError = error as AstaireError;
          return next(false);
        }
        if (resolved === undefined) continue;
        authTried.push(resolved.describe);
        return next(resolved.method);
      }
    })();
  };

  return new Promise((resolve, reject) => {
    client.once('ready', () => {
      client.removeAllListeners('error');
      client.on('error', () => undefined); // later errors surface as 'close' on the session
      resolve(client);
    });
    client.once('error', (error: Error & { level?: string }) => {
      if (hostKeyError !== undefined) return reject(hostKeyError);
      if (authError !== undefined) return reject(authError);
      if (error.level === 'client-authentication') {
        return reject(
          new AuthError(
            'SSH_AUTH_FAILED',
            `${hop.user}@${hop.host}:${hop.port} accepted none of: ${authTried.join(', ') || 'no method available'}; ` +
              'add your public key to its authorized_keys, load the key into ssh-agent, or set user and ' +
              'identityFile in the profile or ~/.ssh/config',
            place,
          ),
        );
      }
      if (error.level === 'client-timeout' || /timed out/i.test(error.message)) {
        return reject(
          new TimeoutError('SSH_TIMEOUT', `no SSH handshake from ${hop.host}:${hop.port}`, place),
        );
      }
      reject(
        new ConnectError(
          'SSH_CONNECT_FAILED',
          `cannot connect to ${hop.host}:${hop.port} (${error.message}); is sshd running there, and are the ` +
            'host and port in the profile or ~/.ssh/config right?',
          place,
        ),
      );
    });
    client.connect({
      ...(sock === undefined ? { host: hop.host, port: hop.port } : { sock }),
      username: hop.user,
      algorithms: { serverHostKey: hostKeyAlgorithmsForHop(hop, options) },
      hostVerifier,
      authHandler: authHandler as never,
      readyTimeout: options.readyTimeoutMs ?? 20_000,
      keepaliveInterval: options.keepaliveIntervalMs ?? 10_000,
      keepaliveCountMax: 3,
    });
  });
}

interface ResolvedAuth {
  readonly method: AnyAuthMethod;
  /** What was tried, for the error message: never a secret. */
  readonly describe: string;
}

/** The methods to try, in ssh's order, each resolved only when its turn comes. */
function authMethods(
  hop: SshHop,
  options: SshSessionOptions,
): (() => Promise<ResolvedAuth | undefined>)[] {
  const methods: (() => Promise<ResolvedAuth | undefined>)[] = [];
  const agent = options.agentSocket ?? process.env.SSH_AUTH_SOCK;
  if (agent !== undefined && agent !== '') {
    methods.push(async () => ({
      method: { type: 'agent', username: hop.user, agent },
      describe: 'ssh-agent',
    }));
  }
  const files = hop.identityFiles.length > 0 ? hop.identityFiles : DEFAULT_IDENTITIES;
  for (const file of files) {
    methods.push(async () => {
      let data: Buffer;
      try {
        data = await readFile(file);
      } catch {
        return undefined; // as ssh: identity files that do not exist are skipped
      }
      let parsed = utils.parseKey(data);
      if (parsed instanceof Error && /passphrase|encrypted/i.test(parsed.message)) {
        const passphrase = await options.prompts.passphrase(file);
        if (passphrase === undefined) return undefined;
        parsed = utils.parseKey(data, passphrase);
        if (parsed instanceof Error) {
          throw new AuthError('SSH_BAD_PASSPHRASE', `cannot decrypt ${file}: wrong passphrase?`, {
            node: hop.alias,
            command: 'ssh',
          });
        }
      }
      if (parsed instanceof Error) return undefined;
      const key = Array.isArray(parsed) ? parsed[0] : parsed;
      if (key === undefined) return undefined;
      return { method: { type: 'publickey', username: hop.user, key }, describe: `key ${file}` };
    });
  }
  methods.push(async () => {
    const password = await options.prompts.password(hop.user, hop.host);
    return password === undefined
      ? undefined
      : { method: { type: 'password', username: hop.user, password }, describe: 'password' };
  });
  return methods;
}

function forward(
  client: Client,
  from: { alias: string },
  host: string,
  port: number,
): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, host, port, (error, channel) => {
      if (error !== undefined && error !== null) {
        reject(
          new ChannelError(
            'SSH_TUNNEL_FAILED',
            `cannot open a tunnel to ${host}:${port} (${error.message}); is it listening, and does sshd allow TCP forwarding?`,
            { node: from.alias, command: 'direct-tcpip' },
          ),
        );
        return;
      }
      // When the SSH connection goes, ssh2 ends its channels as if their far ends had closed. A
      // tunnel's reader must see a lost link instead (a TAP dump ends with a clean close: a cut
      // one would pass for whole): the channel is destroyed with an error first.
      const onLost = () =>
        (channel as Duplex).destroy(
          new ConnectError(
            'SSH_TUNNEL_LOST',
            `the SSH connection carrying the tunnel to ${host}:${port} closed`,
            { node: from.alias, command: 'direct-tcpip' },
          ),
        );
      client.once('close', onLost);
      channel.once('close', () => client.off('close', onLost));
      resolve(channel);
    });
  });
}

function collectCommand(
  channel: ClientChannel,
  timeoutMs: number,
  place: { node: string; command: string },
  isSudo: boolean,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const timer = setTimeout(() => {
      channel.close();
      reject(
        new TimeoutError(
          'SSH_COMMAND_TIMEOUT',
          `did not finish within ${timeoutMs / 1000} s`,
          place,
        ),
      );
    }, timeoutMs);
    let exitCode = -1;
    channel.on('data', (chunk: Buffer) => stdout.push(chunk));
    channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    channel.on('exit', (code: number | null) => (exitCode = code ?? -1));
    channel.on('close', () => {
      clearTimeout(timer);
      const result = {
        exitCode,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      };
      if (isSudo && exitCode !== 0 && /a password is required/i.test(result.stderr)) {
        reject(
          new RemoteCommandError(
            'SUDO_NEEDS_PASSWORD',
            'sudo wants a password; allow this command without one (NOPASSWD in sudoers) or run without sudo',
            place,
          ),
        );
        return;
      }
      resolve(result);
    });
  });
}
