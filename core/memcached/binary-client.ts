/**
 * Typed commands for Clearwater's memcached fork, over the binary protocol: the same operations
 * the meta client offers (what resync, verify and status call), plus the TAP dump that takes the
 * place of the LRU crawler there. Keys, values and client flags are as in the meta client; a CAS
 * travels as its decimal digits, so the two clients' items compare and pass around alike.
 */
import { ProtocolError } from '../errors.js';
import type { Dialect } from './dialect.js';
import { MORE, type MemcachedConnection } from './connection.js';
import {
  flagsOf,
  type BinaryPacket,
  type BinaryResponse,
  type TapMutation,
} from './binary-decode.js';
import {
  BINARY_NOOP,
  BINARY_VERSION,
  encodeGets,
  encodeSimple,
  encodeStat,
  encodeStores,
  encodeTapDump,
  type BinaryStore,
  type StoreOpcode,
} from './binary-encode.js';
import { refusedBy, storeOutcomeOf } from './binary-errors.js';
import { MAX_BINARY_KEY_BYTES, Opcode, Status } from './binary-protocol.js';
import type { ItemMeta, SetRequest, StoreOutcome } from './client.js';
import type { MetaGetFlags, MetaSetOptions } from './encode.js';

const QUIET_STORE: Readonly<Record<MetaSetOptions['mode'], StoreOpcode>> = {
  set: Opcode.SETQ,
  add: Opcode.ADDQ,
  replace: Opcode.REPLACEQ,
};
const LOUD_STORE: Readonly<Record<MetaSetOptions['mode'], StoreOpcode>> = {
  set: Opcode.SET,
  add: Opcode.ADD,
  replace: Opcode.REPLACE,
};

let tapDumps = 0;
// Every TAP dump still being read, by any client of this process.
const drainingDumps = new Set<Promise<void>>();

/**
 * Settles once every TAP dump this process started has been read to its end (or its link is
 * gone). Whatever carries dumps (an SSH session, the process itself) must outlive them: the fork
 * aborts soon after a TAP client leaves mid-dump.
 */
export async function whenTapDumpsDrained(): Promise<void> {
  while (drainingDumps.size > 0) await Promise.all(drainingDumps);
}

/** How many TAP dumps are still being read. */
export function tapDumpsDraining(): number {
  return drainingDumps.size;
}

export class BinaryClient {
  readonly dialect = 'clearwater' as const satisfies Dialect;
  // Set while a TAP dump runs: stops handing its items on, and fails its caller.
  private abandonDump: (() => void) | undefined;
  private dumpDrained: Promise<void> = Promise.resolve();

  constructor(readonly connection: MemcachedConnection<BinaryPacket>) {}

  get node(): string {
    return this.connection.node;
  }

  /**
   * Closes the connection, except under a TAP dump: the fork aborts (an assertion in its LRU code)
   * soon after a TAP client leaves before the dump's end, so a dump is read to its end and thrown
   * away instead; the node then closes the connection itself. The dump's caller is told at once.
   */
  close(): void {
    if (this.abandonDump !== undefined) this.abandonDump();
    else this.connection.close();
  }

  version(): Promise<string> {
    return this.connection.request('version', BINARY_VERSION, (packet) => {
      const response = this.responseTo('version', Opcode.VERSION, packet);
      if (response.status !== Status.SUCCESS) throw refusedBy(this.node, 'version', response);
      return response.value.toString('latin1');
    });
  }

  /** Statistics: one response per statistic, ended by one with an empty key. */
  stats(group?: string): Promise<Map<string, string>> {
    const stats = new Map<string, string>();
    const command = group === undefined ? 'stats' : `stats ${group}`;
    return this.connection.request(command, encodeStat(group), (packet) => {
      const response = this.responseTo(command, Opcode.STAT, packet);
      if (response.status !== Status.SUCCESS) throw refusedBy(this.node, command, response);
      if (response.key.length === 0) return stats;
      stats.set(response.key.toString('latin1'), response.value.toString('latin1'));
      return MORE;
    });
  }

  /** The item's value, client flags and CAS; undefined when absent. The TTL is not known here. */
  async get(
    key: Uint8Array,
    _flags?: Omit<MetaGetFlags, 'quiet' | 'opaque' | 'key'>,
  ): Promise<ItemMeta | undefined> {
    return (await this.getMany([key]))[0];
  }

  /**
   * GETKQ for every key, ended by a NOOP: only hits answer, each naming its request by opaque.
   * Results in key order, undefined for a miss; keys the fork cannot hold are misses, unsent.
   * The binary protocol always returns the value; the flags argument is accepted for the meta
   * client's sake.
   */
  async getMany(
    keys: readonly Uint8Array[],
    _flags?: Omit<MetaGetFlags, 'quiet' | 'opaque' | 'key'>,
  ): Promise<(ItemMeta | undefined)[]> {
    const results = new Array<ItemMeta | undefined>(keys.length).fill(undefined);
    const sendable: Uint8Array[] = [];
    const sentIndex: number[] = [];
    keys.forEach((key, index) => {
      if (key.length === 0 || key.length > MAX_BINARY_KEY_BYTES) return;
      sendable.push(key);
      sentIndex.push(index);
    });
    if (sendable.length === 0) return results;
    let firstError: ProtocolError | undefined;
    const payload = [encodeGets(Opcode.GETKQ, sendable), BINARY_NOOP];
    return this.connection.request('get (batch)', payload, (packet) => {
      const response = this.responseTo('get (batch)', undefined, packet);
      if (response.opcode === Opcode.NOOP) {
        if (firstError !== undefined) throw firstError;
        return results;
      }
      const index = sentIndex[response.opaque];
      if (response.opcode !== Opcode.GETKQ || index === undefined) {
        firstError ??= this.unexpected('get (batch)', response);
      } else if (response.status === Status.SUCCESS) {
        results[index] = itemOf(response);
      } else if (response.status !== Status.KEY_NOT_FOUND) {
        firstError ??= refusedBy(this.node, 'get (batch)', response);
      }
      return MORE;
    });
  }

  async set(
    key: Uint8Array,
    value: Uint8Array,
    options: Omit<MetaSetOptions, 'quiet' | 'opaque'>,
  ): Promise<StoreOutcome> {
    this.checkStorable([key], options.mode);
    const opcode = LOUD_STORE[options.mode];
    const command = options.mode;
    return this.connection.request(
      command,
      encodeStores(opcode, [storeOf({ key, value, options })]),
      (packet) =>
        storeOutcomeOf(this.node, command, options.mode, this.responseTo(command, opcode, packet)),
    );
  }

  /**
   * Many stores as one quiet batch (ADDQ/SETQ/REPLACEQ, each carrying its index as opaque), ended
   * by a NOOP: only failures answer. Returns the failures by request index.
   */
  async setManyQuiet(requests: readonly SetRequest[]): Promise<Map<number, StoreOutcome>> {
    const failures = new Map<number, StoreOutcome>();
    if (requests.length === 0) return failures;
    this.checkStorable(
      requests.map((request) => request.key),
      'set (batch)',
    );
    // One opcode per batch: Astaire's batches are all adds or all CAS replaces.
    const mode = (requests[0] as SetRequest).options.mode;
    if (requests.some((request) => request.options.mode !== mode)) {
      throw new RangeError('a quiet batch of stores must use one mode');
    }
    const command = `${mode} (batch)`;
    let firstError: ProtocolError | undefined;
    const payload = [encodeStores(QUIET_STORE[mode], requests.map(storeOf)), BINARY_NOOP];
    return this.connection.request(command, payload, (packet) => {
      const response = this.responseTo(command, undefined, packet);
      if (response.opcode === Opcode.NOOP) {
        if (firstError !== undefined) throw firstError;
        return failures;
      }
      if (response.opcode !== QUIET_STORE[mode] || response.opaque >= requests.length) {
        firstError ??= this.unexpected(command, response);
        return MORE;
      }
      try {
        failures.set(response.opaque, storeOutcomeOf(this.node, command, mode, response));
      } catch (error) {
        firstError ??= error as ProtocolError;
      }
      return MORE;
    });
  }

  async delete(key: Uint8Array, cas?: string): Promise<'deleted' | 'not-found' | 'exists'> {
    const payload = encodeSimple(Opcode.DELETE, key, 0, cas === undefined ? 0n : BigInt(cas));
    return this.connection.request('delete', payload, (packet) => {
      const response = this.responseTo('delete', Opcode.DELETE, packet);
      if (response.status === Status.SUCCESS) return 'deleted';
      if (response.status === Status.KEY_NOT_FOUND) return 'not-found';
      if (response.status === Status.KEY_EXISTS) return 'exists';
      throw refusedBy(this.node, 'delete', response);
    });
  }

  /**
   * A TAP dump: every item the node holds comes as a TAP_MUTATION, handed to `onItem` as it
   * arrives, until the node closes the connection, which ends the dump. The connection is used
   * for nothing else afterwards. `vbuckets` goes out as the original Astaire sent it; the fork's
   * engine ignores it, so the caller filters. Resolves with the number of items.
   *
   * The fork aborts soon after a TAP client leaves mid-dump, so nothing here ends a dump early:
   * `close()`, an `onItem` that throws, or a message that does not belong in a dump make the rest
   * of the dump be read and dropped, and fail the call at once; the connection ends when the node
   * closes it (see `whenTapDumpsDrained`). A connection that closes cleanly between two items
   * also looks like the end of a dump (the node may have died there): the caller checks that the
   * node's process is still the one it dumped before trusting the dump as whole.
   */
  tapDump(vbuckets: readonly number[], onItem: (item: TapMutation) => void): Promise<number> {
    const command = 'tap dump';
    let count = 0;
    let stoppedBy: Error | undefined;
    let failCaller!: (error: Error) => void;
    const stopped = new Promise<never>((_, reject) => (failCaller = reject));
    const stop = (reason: Error) => {
      if (stoppedBy !== undefined) return;
      stoppedBy = reason;
      failCaller(reason);
    };
    this.abandonDump = () =>
      stop(
        new ProtocolError(
          'DUMP_STOPPED',
          'the TAP dump was stopped by Astaire; it is read to its end and dropped, since the ' +
            'node would abort if it were left mid-dump',
          { node: this.node, command },
        ),
      );
    const name = `astaire-${process.pid}-${++tapDumps}`;
    // The collector never throws once the dump runs: a throw would end the request, and the
    // next item, belonging to no request, would close the connection mid-dump.
    const dumped = this.connection.request(
      command,
      encodeTapDump(name, vbuckets),
      (packet) => {
        if (packet.kind === 'tap-mutation') {
          count++;
          if (stoppedBy !== undefined) return MORE;
          try {
            onItem(packet);
          } catch (error) {
            stop(error instanceof Error ? error : new Error(String(error)));
          }
          return MORE;
        }
        if (packet.kind === 'tap-message') {
          // A dump of the default engine sends only mutations; a delete or opaque message
          // carries no item to copy, and nothing else is expected.
          if (packet.opcode !== Opcode.TAP_DELETE && packet.opcode !== Opcode.TAP_OPAQUE) {
            stop(
              new ProtocolError(
                'TAP_UNEXPECTED',
                `the TAP dump sent ${packet.name}, which a dump of Clearwater's memcached does ` +
                  'not send; is this node running another engine?',
                { node: this.node, command },
              ),
            );
          }
          return MORE;
        }
        // The node answers TAP_CONNECT only to refuse it: no dump runs.
        if (packet.status === Status.NOT_SUPPORTED) {
          throw new ProtocolError(
            'TAP_REFUSED',
            'the node refused a TAP dump: it serves at most 10 TAP connections at once; are ' +
              'other dumps of it running (another Astaire)? Try again once they end',
            { node: this.node, command },
          );
        }
        throw refusedBy(this.node, command, this.responseTo(command, Opcode.TAP_CONNECT, packet));
      },
      { atClose: () => count },
    );
    const drained = dumped.then(
      () => undefined,
      () => undefined,
    );
    drainingDumps.add(drained);
    void drained.then(() => {
      drainingDumps.delete(drained);
      this.abandonDump = undefined;
    });
    this.dumpDrained = drained;
    return Promise.race([dumped, stopped]);
  }

  /** Settles once this client's TAP dump (if any) has been read to its end, or its link is gone. */
  whenDumpDrained(): Promise<void> {
    return this.dumpDrained;
  }

  /** @throws ProtocolError KEY_NOT_STORABLE for a key the fork cannot hold (1 to 250 bytes). */
  private checkStorable(keys: readonly Uint8Array[], command: string): void {
    const bad = keys.find((key) => key.length === 0 || key.length > MAX_BINARY_KEY_BYTES);
    if (bad === undefined) return;
    throw new ProtocolError(
      'KEY_NOT_STORABLE',
      `a ${bad.length}-byte key cannot be stored (memcached keys are 1 to ` +
        `${MAX_BINARY_KEY_BYTES} bytes)`,
      { node: this.node, command },
    );
  }

  private responseTo(
    command: string,
    opcode: number | undefined,
    packet: BinaryPacket,
  ): BinaryResponse {
    if (packet.kind !== 'response' || (opcode !== undefined && packet.opcode !== opcode)) {
      throw this.unexpected(command, packet);
    }
    return packet;
  }

  private unexpected(command: string, packet: BinaryPacket): ProtocolError {
    const what =
      packet.kind === 'response'
        ? `a reply to opcode 0x${packet.opcode.toString(16).padStart(2, '0')}`
        : packet.kind === 'tap-mutation'
          ? 'a TAP_MUTATION'
          : `a ${packet.name}`;
    const error = new ProtocolError(
      'UNEXPECTED_REPLY',
      `memcached answered ${what}, which does not fit the command`,
      { node: this.node, command },
    );
    // Replies no longer match requests: the connection cannot be trusted any further.
    queueMicrotask(() => this.connection.close(error));
    return error;
  }
}

function itemOf(response: BinaryResponse): ItemMeta {
  return {
    value: response.value,
    clientFlags: flagsOf(response),
    ttl: undefined,
    // A CAS of 0 (a server run without CAS) would make a SET with it unconditional: none is given,
    // and the inject rule refuses to replace without one.
    cas: response.cas === 0n ? undefined : response.cas.toString(),
    size: response.value.length,
  };
}

function storeOf(request: SetRequest): BinaryStore {
  const { key, value, options } = request;
  const store = { key, value, clientFlags: options.clientFlags, exptime: options.exptime };
  return options.cas === undefined ? store : { ...store, cas: BigInt(options.cas) };
}
