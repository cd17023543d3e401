/**
 * Typed memcached commands on top of a connection: what the resync, verify and status code call.
 * Keys are bytes throughout; values are bytes; client flags are Clearwater's writer timestamps.
 */
import { ProtocolError } from '../errors.js';
import type { Dialect } from './dialect.js';
import { MORE, type Collector, type MemcachedConnection } from './connection.js';
import type { DumpEntry, Reply } from './decode.js';
import {
  META_NOOP,
  VERSION_COMMAND,
  encodeMetaDelete,
  encodeMetaGet,
  encodeMetaGets,
  encodeMetaSet,
  encodeMetaSets,
  encodeMetadump,
  encodeStats,
  type MetaGetFlags,
  type MetaSetOptions,
} from './encode.js';
import { toWireKey, type WireKey } from './key-encoding.js';
import { ownEntry } from '../shared/own-entry.js';

/** What a meta get found. */
export interface ItemMeta {
  readonly value: Buffer | undefined;
  readonly clientFlags: number | undefined;
  /** Remaining seconds; -1 when it never expires. */
  readonly ttl: number | undefined;
  readonly cas: string | undefined;
  /** The value's length in bytes, when asked for without the value (the binary client: always). */
  readonly size: number | undefined;
}

/** The outcome of a meta set: stored, or why not. */
export type StoreOutcome = 'stored' | 'not-stored' | 'exists' | 'not-found';

export interface SetRequest {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  readonly options: Omit<MetaSetOptions, 'quiet' | 'opaque'>;
}

/** Why a dump could not run, with the fix an operator needs. */
export class DumpRefusedError extends ProtocolError {}

/** Another crawler request is running on the node (only one runs at a time). */
export class CrawlerBusyError extends ProtocolError {}

const STORE_OUTCOME: Readonly<Record<string, StoreOutcome>> = {
  HD: 'stored',
  NS: 'not-stored',
  EX: 'exists',
  NF: 'not-found',
};

export class MemcachedClient {
  readonly dialect = 'stock' as const satisfies Dialect;

  constructor(readonly connection: MemcachedConnection) {}

  get node(): string {
    return this.connection.node;
  }

  close(): void {
    this.connection.close();
  }

  version(): Promise<string> {
    return this.connection.request('version', VERSION_COMMAND, (reply) => {
      if (reply.kind === 'version') return reply.version;
      throw this.unexpected('version', reply);
    });
  }

  async stats(group?: string): Promise<Map<string, string>> {
    const stats = new Map<string, string>();
    const command = group === undefined ? 'stats' : `stats ${group}`;
    return this.connection.request(command, encodeStats(group), (reply) => {
      if (reply.kind === 'stat') {
        stats.set(reply.name, reply.value);
        return MORE;
      }
      if (reply.kind === 'end') return stats;
      throw this.unexpected(command, reply);
    });
  }

  /** The item's value, client flags, remaining TTL and CAS; undefined when absent. */
  async get(
    key: Uint8Array,
    flags: Omit<MetaGetFlags, 'quiet' | 'opaque' | 'key'> = ALL_ITEM_FLAGS,
  ): Promise<ItemMeta | undefined> {
    return this.connection.request('mg', encodeMetaGet(this.wireKey(key, 'mg'), flags), (reply) =>
      this.itemFrom('mg', reply),
    );
  }

  /**
   * Meta gets for many keys as one pipelined request; results in key order, undefined for a miss.
   * Keys that memcached cannot hold come back as misses without being sent.
   */
  async getMany(
    keys: readonly Uint8Array[],
    flags: Omit<MetaGetFlags, 'quiet' | 'opaque' | 'key'> = ALL_ITEM_FLAGS,
  ): Promise<(ItemMeta | undefined)[]> {
    // Filled, not sparse: a hole would be skipped by forEach, map and filter, losing the miss.
    const results = new Array<ItemMeta | undefined>(keys.length).fill(undefined);
    const wireKeys: WireKey[] = [];
    const sentIndex: number[] = [];
    keys.forEach((key, index) => {
      const wire = toWireKey(key);
      if (wire === undefined) return;
      wireKeys.push(wire);
      sentIndex.push(index);
    });
    if (wireKeys.length === 0) return results;
    let received = 0;
    let firstError: unknown;
    return this.connection.request('mg', encodeMetaGets(wireKeys, flags), (reply) => {
      // Keep consuming the batch's replies after a bad one, so the stream stays in step.
      try {
        results[sentIndex[received] as number] = this.itemFrom('mg', reply);
      } catch (error) {
        firstError ??= error;
      }
      received++;
      if (received < wireKeys.length) return MORE;
      if (firstError !== undefined) throw firstError;
      return results;
    });
  }

  async set(
    key: Uint8Array,
    value: Uint8Array,
    options: Omit<MetaSetOptions, 'quiet' | 'opaque'>,
  ): Promise<StoreOutcome> {
    return this.connection.request(
      'ms',
      encodeMetaSet(this.wireKey(key, 'ms'), value, options),
      (reply) => this.storeOutcome('ms', reply),
    );
  }

  /**
   * Many sets as one quiet batch: memcached answers only the ones that fail, and `mn` closes the
   * batch, so a batch of successes costs one reply. Returns the failures by request index.
   */
  async setManyQuiet(requests: readonly SetRequest[]): Promise<Map<number, StoreOutcome>> {
    const failures = new Map<number, StoreOutcome>();
    const sets = requests.map((request) => ({
      key: this.wireKey(request.key, 'ms'),
      value: request.value,
      options: request.options,
    }));
    const commands = [encodeMetaSets(sets, { quiet: true, opaqueIsIndex: true }), META_NOOP];
    let firstError: ProtocolError | undefined;
    return this.connection.request('ms (batch)', commands, (reply) => {
      if (reply.kind === 'meta' && reply.code === 'MN') {
        if (firstError !== undefined) throw firstError;
        return failures;
      }
      if (reply.kind === 'meta' && reply.opaque !== undefined) {
        failures.set(Number(reply.opaque), this.storeOutcome('ms', reply));
        return MORE;
      }
      // An error line carries no opaque; keep reading to the MN so the stream stays in step.
      firstError ??= this.unexpected('ms (batch)', reply);
      return MORE;
    });
  }

  async delete(key: Uint8Array, cas?: string): Promise<'deleted' | 'not-found' | 'exists'> {
    const options = cas === undefined ? {} : { cas };
    return this.connection.request(
      'md',
      encodeMetaDelete(this.wireKey(key, 'md'), options),
      (reply) => {
        if (reply.kind === 'meta' && reply.code === 'HD') return 'deleted';
        if (reply.kind === 'meta' && reply.code === 'NF') return 'not-found';
        if (reply.kind === 'meta' && reply.code === 'EX') return 'exists';
        throw this.unexpected('md', reply);
      },
    );
  }

  /**
   * Streams `lru_crawler metadump` entries to `onEntry` until the dump ends. The connection is
   * busy for the whole dump, so use a client dedicated to it. To slow the dump, pause and resume
   * the connection from `onEntry`.
   * @throws DumpRefusedError when the node does not allow dumps; CrawlerBusyError when another
   * crawler request is running there.
   */
  metadump(walk: 'hash' | 'all', onEntry: (entry: DumpEntry) => void): Promise<number> {
    const command = `lru_crawler metadump ${walk}`;
    let count = 0;
    const collect: Collector<number> = (reply) => {
      if (reply.kind === 'dump') {
        count++;
        onEntry(reply.entry);
        return MORE;
      }
      if (reply.kind === 'end') return count;
      if (reply.kind === 'busy') {
        throw new CrawlerBusyError('CRAWLER_BUSY', `the LRU crawler is busy (${reply.message})`, {
          node: this.node,
          command,
        });
      }
      if (reply.kind === 'error' && reply.type === 'BADCLASS' && walk === 'hash') {
        throw new DumpRefusedError(
          'DUMP_HASH_UNSUPPORTED',
          'this memcached cannot walk its hash table for a dump (older than 1.6)',
          { node: this.node, command },
        );
      }
      if (reply.kind === 'error') throw this.dumpRefused(command, reply.message);
      throw this.unexpected(command, reply);
    };
    return this.connection.request(command, encodeMetadump(walk), collect);
  }

  private dumpRefused(command: string, message: string): ProtocolError {
    const place = { node: this.node, command };
    if (/not allowed/i.test(message)) {
      return new DumpRefusedError(
        'DUMP_NOT_ALLOWED',
        `memcached refuses key dumps ("${message}"): it was started with -X (disable dump commands); ` +
          'restart it without -X to resync from this node',
        place,
      );
    }
    if (/disabled/i.test(message)) {
      return new DumpRefusedError(
        'CRAWLER_DISABLED',
        `memcached's LRU crawler is disabled ("${message}"): run "lru_crawler enable" on it, or ` +
          'restart it without "-o no_lru_crawler"',
        place,
      );
    }
    return new DumpRefusedError(
      'DUMP_REFUSED',
      `memcached refused the key dump: "${message}"`,
      place,
    );
  }

  private itemFrom(command: string, reply: Reply): ItemMeta | undefined {
    if (reply.kind !== 'meta') throw this.unexpected(command, reply);
    if (reply.code === 'EN') return undefined;
    if (reply.code !== 'VA' && reply.code !== 'HD') throw this.unexpected(command, reply);
    return {
      value: reply.value,
      clientFlags: reply.clientFlags,
      ttl: reply.ttl,
      cas: reply.cas,
      size: reply.size,
    };
  }

  private storeOutcome(command: string, reply: Reply): StoreOutcome {
    const outcome = reply.kind === 'meta' ? ownEntry(STORE_OUTCOME, reply.code) : undefined;
    if (outcome === undefined) throw this.unexpected(command, reply);
    return outcome;
  }

  private wireKey(key: Uint8Array, command: string): WireKey {
    // Thrown inside the async commands, so it rejects their promise like every other failure
    // rather than throwing at the call site.
    const wire = toWireKey(key);
    if (wire === undefined) {
      throw new ProtocolError(
        'KEY_NOT_STORABLE',
        `a ${key.length}-byte key cannot be sent to memcached (empty, or too long once base64-encoded)`,
        { node: this.node, command },
      );
    }
    return wire;
  }

  private unexpected(command: string, reply: Reply): ProtocolError {
    const place = { node: this.node, command };
    if (reply.kind === 'error') {
      const error = new ProtocolError(
        'NODE_ERROR',
        `memcached answered ${reply.type} ${reply.message}`.trimEnd(),
        place,
      );
      // After ERROR or CLIENT_ERROR memcached may read the rest of the command (a set's data) as
      // further commands and answer those too, so later replies can no longer be matched to
      // requests: the connection must go. SERVER_ERROR is one clean reply.
      if (reply.type !== 'SERVER_ERROR') queueMicrotask(() => this.connection.close(error));
      return error;
    }
    const what = reply.kind === 'meta' ? `${reply.code} (meta)` : reply.kind;
    return new ProtocolError(
      'UNEXPECTED_REPLY',
      `memcached answered ${what}, which does not fit the command; is this a memcached 1.6 server?`,
      place,
    );
  }
}

const ALL_ITEM_FLAGS: MetaGetFlags = { value: true, clientFlags: true, ttl: true, cas: true };
