/**
 * A test server that answers as Clearwater's memcached fork does (1.6.0_beta1, default engine,
 * `-t 1 -e "ignore_vbucket=true;cache_size=N"`), for CI, which cannot install the fork. Its
 * answers are checked byte for byte against the recording in test/fixtures/ref/clearwater-memcached
 * (test/integration/clearwater/fork-server-fidelity.test.ts) and, where a build of the fork is
 * given, against the fork itself.
 *
 * What it plays, from the recording:
 * - memcached fixes a connection's protocol at its first byte: 0x80 is binary, anything else text;
 * - text: `version`, `stats` (the fork's statistics, in its order), `get` and `gets`; anything
 *   else, meta commands and the LRU crawler included, is `ERROR`;
 * - binary: GET/GETQ/GETK/GETKQ, SET/ADD/REPLACE and their quiet forms (CAS honoured), DELETE,
 *   NOOP, VERSION, STAT, and TAP_CONNECT: a dump of every item as TAP_MUTATION, then the
 *   connection is closed; an unknown opcode gets status 0x81;
 * - a TAP dump walks the slab classes in order (chunk sizes from 96 bytes, factor 1.25, 8-byte
 *   aligned; an item takes its key, value and 56 bytes of header), each from its oldest item,
 *   live: an item rewritten meanwhile is sent again, or missed when its new size puts it in a
 *   class already walked, as the fork does;
 *
 * - and its failures: a TAP client that leaves before the dump's walk has ended leaves the fork's
 *   LRU damaged, and the next dump or rewrite of an item aborts the process (exit status 134);
 *   items removed by a flush stay in the LRU, so a TAP dump still sends them.
 *
 * Text storage commands are not played: Astaire and its tests write to the fork in binary.
 */
import { createServer, type Server, type Socket } from 'node:net';
import {
  HEADER_BYTES,
  MAGIC_REQUEST,
  MAGIC_RESPONSE,
  MAX_BINARY_KEY_BYTES,
  Opcode,
  Status,
} from '../../core/memcached/binary-protocol.js';
import { MAX_RELATIVE_EXPTIME } from '../../core/resync/expiry.js';

export const FORK_VERSION = '1.6.0_beta1_111_g4ab8b87';

export interface ForkServerOptions {
  readonly host: string;
  readonly port: number;
  /** `-m`: what `limit_maxbytes` reports. */
  readonly memoryMb: number;
  /** The engine's `cache_size`: items beyond it are evicted, oldest first. */
  readonly cacheSizeBytes: number;
}

interface Item {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly flags: number;
  /** Absolute expiry in Unix seconds, 0 for never. */
  readonly expiresAt: number;
  readonly cas: bigint;
  /** Store order: a TAP dump walks each slab class from its oldest item. */
  readonly seq: number;
  readonly slabClass: number;
}

// The engine's item header, CAS included, as the slab classes of the recording show it.
const ITEM_HEADER_BYTES = 56;
const ITEM_SIZE_MAX = 1024 * 1024;
const SLAB_CHUNK_SIZES = slabChunkSizes();

function slabChunkSizes(): number[] {
  const sizes: number[] = [];
  for (let size = 96; size <= ITEM_SIZE_MAX / 1.25; size = Math.floor(size * 1.25)) {
    if (size % 8 !== 0) size += 8 - (size % 8);
    sizes.push(size);
  }
  sizes.push(ITEM_SIZE_MAX);
  return sizes;
}

function slabClassOf(totalBytes: number): number {
  const index = SLAB_CHUNK_SIZES.findIndex((size) => totalBytes <= size);
  return index < 0 ? -1 : index;
}

const STORE_OPCODES = new Set<number>([
  Opcode.SET,
  Opcode.SETQ,
  Opcode.ADD,
  Opcode.ADDQ,
  Opcode.REPLACE,
  Opcode.REPLACEQ,
]);
const QUIET_OPCODES = new Set<number>([
  Opcode.GETQ,
  Opcode.GETKQ,
  Opcode.SETQ,
  Opcode.ADDQ,
  Opcode.REPLACEQ,
  Opcode.DELETEQ,
]);

/** The fork's state: items and the counters its `stats` reports. */
class ForkStore {
  readonly items = new Map<string, Item>();
  /**
   * Each slab class's LRU, oldest first: items in store order. A rewritten or removed item's old
   * entry stays until the list is compacted (never while a dump walks it): it is skipped as stale.
   */
  private readonly lrus: Item[][] = SLAB_CHUNK_SIZES.map(() => []);
  private walking = 0;
  private nextCas = 1n;
  private nextSeq = 0;
  bytes = 0;
  readonly counters = {
    cmd_get: 0,
    cmd_set: 0,
    get_hits: 0,
    get_misses: 0,
    delete_misses: 0,
    delete_hits: 0,
    cas_misses: 0,
    cas_hits: 0,
    cas_badval: 0,
    evictions: 0,
    total_items: 0,
  };

  /** Set when a TAP client left mid-walk: the fork's LRU is damaged from then on. */
  isDamaged = false;
  /** Items stored before this sequence number were flushed: gets miss them, dumps still send them. */
  private flushedBelow = 0;

  constructor(private readonly cacheSizeBytes: number) {}

  /** What the fork does on its next touch of a damaged LRU: abort. */
  failIfDamaged(): void {
    if (!this.isDamaged) return;
    process.stderr.write(
      'memcached: items.c: item_unlink_q: Assertion failed (a TAP dump was left before its end)\n',
    );
    process.exit(134);
  }

  flush(): void {
    this.flushedBelow = this.nextSeq;
  }

  /** The live item under `key`; an expired one is removed, as the fork does on access. */
  get(key: Buffer): Item | undefined {
    const item = this.items.get(key.toString('latin1'));
    if (item === undefined) return undefined;
    if (isExpired(item) || item.seq < this.flushedBelow) {
      this.remove(item);
      return undefined;
    }
    return item;
  }

  store(key: Buffer, value: Buffer, flags: number, exptime: number): Item | 'too-large' {
    const total = ITEM_HEADER_BYTES + key.length + value.length;
    const slabClass = slabClassOf(total);
    if (slabClass < 0) return 'too-large';
    const existing = this.items.get(key.toString('latin1'));
    if (existing !== undefined) {
      this.failIfDamaged();
      this.remove(existing);
    }
    const item: Item = {
      key: Buffer.from(key),
      value: Buffer.from(value),
      flags,
      expiresAt: absoluteExpiry(exptime),
      cas: this.nextCas++,
      seq: this.nextSeq++,
      slabClass,
    };
    this.items.set(item.key.toString('latin1'), item);
    (this.lrus[slabClass] as Item[]).push(item);
    this.bytes += itemBytes(item);
    this.counters.total_items++;
    this.evictIfFull();
    return item;
  }

  remove(item: Item): void {
    if (this.items.delete(item.key.toString('latin1'))) this.bytes -= itemBytes(item);
  }

  isCurrent(item: Item): boolean {
    return this.items.get(item.key.toString('latin1')) === item;
  }

  /**
   * Walks the LRUs as the fork's TAP dump does: slab class by slab class from the smallest, each
   * from its oldest item, live, one item at a time, handing each to `send`, which may wait (for
   * the client to read). Items stored meanwhile join the end of their class: a rewrite into the
   * class being walked or a later one is met (again), one into a class already walked is missed.
   * Expired and flushed items are sent too (the fork's walk checks neither).
   */
  async walk(send: (item: Item) => Promise<boolean>): Promise<boolean> {
    this.walking++;
    try {
      for (const lru of this.lrus) {
        for (let at = 0; at < lru.length; at++) {
          const item = lru[at] as Item;
          if (this.isCurrent(item) && !(await send(item))) return false;
        }
      }
      return true;
    } finally {
      this.walking--;
      if (this.walking === 0) this.compact();
    }
  }

  private compact(): void {
    for (const [index, lru] of this.lrus.entries()) {
      if (lru.length > 1024) this.lrus[index] = lru.filter((item) => this.isCurrent(item));
    }
  }

  private evictIfFull(): void {
    while (this.bytes > this.cacheSizeBytes) {
      // The oldest item of any class: the smallest store order among the classes' oldest.
      let oldest: Item | undefined;
      for (const lru of this.lrus) {
        const head = lru.find((item) => this.isCurrent(item));
        if (head !== undefined && (oldest === undefined || head.seq < oldest.seq)) oldest = head;
      }
      if (oldest === undefined) return;
      this.remove(oldest);
      this.counters.evictions++;
    }
  }
}

function itemBytes(item: Item): number {
  return ITEM_HEADER_BYTES + item.key.length + item.value.length;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function absoluteExpiry(exptime: number): number {
  if (exptime === 0) return 0;
  return exptime > MAX_RELATIVE_EXPTIME ? exptime : nowSeconds() + exptime;
}

function isExpired(item: Item): boolean {
  return item.expiresAt !== 0 && item.expiresAt <= nowSeconds();
}

/** A running test fork. */
export interface ForkServer {
  readonly address: string;
  close(): Promise<void>;
}

export async function startForkServer(options: ForkServerOptions): Promise<ForkServer> {
  const store = new ForkStore(options.cacheSizeBytes);
  const startedAt = nowSeconds();
  const sockets = new Set<Socket>();
  const connections = { accepted: 0, open: 0, most: 0, bytesRead: 0, bytesWritten: 0 };

  const stats = () => forkStats(store, connections, options, startedAt);

  const server: Server = createServer((socket) => {
    connections.accepted++;
    connections.open++;
    connections.most = Math.max(connections.most, connections.open);
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      connections.open--;
      sockets.delete(socket);
    });
    const send = (bytes: Buffer | string): boolean => {
      connections.bytesWritten += Buffer.byteLength(bytes);
      return socket.write(bytes);
    };
    let pending: Buffer = Buffer.alloc(0);
    let protocol: 'text' | 'binary' | undefined;
    let isTap = false;
    socket.on('data', (chunk: Buffer) => {
      if (isTap) return; // a TAP connection reads nothing more from its client
      connections.bytesRead += chunk.length;
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      protocol ??= pending[0] === MAGIC_REQUEST ? 'binary' : 'text';
      const consumed =
        protocol === 'text'
          ? serveText(pending, store, send, stats)
          : serveBinary(pending, store, send, stats, socket, () => (isTap = true));
      pending = pending.subarray(consumed);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    address: `${options.host}:${options.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The fork's general statistics, in its order (as `stats` lists them over text). */
function forkStats(
  store: ForkStore,
  connections: ConnectionCounts,
  options: ForkServerOptions,
  startedAt: number,
): [string, string][] {
  const usage = process.cpuUsage();
  const seconds = (micros: number) =>
    `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  // The fork counts its two listening connections (TCP and UDP) as connections too.
  const c = store.counters;
  return [
    ['pid', String(process.pid)],
    ['uptime', String(nowSeconds() - startedAt)],
    ['time', String(nowSeconds())],
    ['version', FORK_VERSION],
    ['libevent', '2.1.12-stable'],
    ['pointer_size', '64'],
    ['rusage_user', seconds(usage.user)],
    ['rusage_system', seconds(usage.system)],
    ['daemon_connections', '2'],
    ['curr_connections', String(connections.open + 2)],
    ['total_connections', String(connections.accepted + 2)],
    ['connection_structures', String(connections.most + 2)],
    ['cmd_get', String(c.cmd_get)],
    ['cmd_set', String(c.cmd_set)],
    ['cmd_flush', '0'],
    ['auth_cmds', '0'],
    ['auth_errors', '0'],
    ['get_hits', String(c.get_hits)],
    ['get_misses', String(c.get_misses)],
    ['delete_misses', String(c.delete_misses)],
    ['delete_hits', String(c.delete_hits)],
    ['incr_misses', '0'],
    ['incr_hits', '0'],
    ['decr_misses', '0'],
    ['decr_hits', '0'],
    ['cas_misses', String(c.cas_misses)],
    ['cas_hits', String(c.cas_hits)],
    ['cas_badval', String(c.cas_badval)],
    ['bytes_read', String(connections.bytesRead)],
    ['bytes_written', String(connections.bytesWritten)],
    ['limit_maxbytes', String(options.memoryMb * 1024 * 1024)],
    ['accepting_conns', '1'],
    ['listen_disabled_num', '0'],
    ['rejected_conns', '0'],
    ['threads', '1'],
    ['conn_yields', '0'],
    ['evictions', String(c.evictions)],
    ['curr_items', String(store.items.size)],
    ['total_items', String(c.total_items)],
    ['bytes', String(store.bytes)],
    ['reclaimed', '0'],
    ['engine_maxbytes', String(options.cacheSizeBytes)],
  ];
}

interface ConnectionCounts {
  readonly accepted: number;
  readonly open: number;
  readonly most: number;
  readonly bytesRead: number;
  readonly bytesWritten: number;
}

type Send = (bytes: Buffer | string) => boolean;

/** Serves every whole line in `input`; returns the bytes consumed. */
function serveText(
  input: Buffer,
  store: ForkStore,
  send: Send,
  stats: () => [string, string][],
): number {
  let consumed = 0;
  for (;;) {
    const newline = input.indexOf(0x0a, consumed);
    if (newline < 0) return consumed;
    const line = input.toString('latin1', consumed, newline).replace(/\r$/, '');
    consumed = newline + 1;
    const [command, ...args] = line.split(' ').filter((token) => token !== '');
    if (command === 'version' && args.length === 0) {
      send(`VERSION ${FORK_VERSION}\r\n`);
    } else if (command === 'stats' && args.length === 0) {
      send(
        stats()
          .map(([name, value]) => `STAT ${name} ${value}\r\n`)
          .join('') + 'END\r\n',
      );
    } else if ((command === 'get' || command === 'gets') && args.length > 0) {
      const parts: Buffer[] = [];
      for (const key of args) {
        store.counters.cmd_get++;
        const item = store.get(Buffer.from(key, 'latin1'));
        if (item === undefined) {
          store.counters.get_misses++;
          continue;
        }
        store.counters.get_hits++;
        const cas = command === 'gets' ? ` ${item.cas}` : '';
        parts.push(
          Buffer.from(`VALUE ${key} ${item.flags} ${item.value.length}${cas}\r\n`, 'latin1'),
          item.value,
          Buffer.from('\r\n'),
        );
      }
      parts.push(Buffer.from('END\r\n'));
      send(Buffer.concat(parts));
    } else {
      send('ERROR\r\n');
    }
  }
}

interface Request {
  readonly opcode: number;
  readonly opaque: number;
  readonly cas: bigint;
  readonly extras: Buffer;
  readonly key: Buffer;
  readonly value: Buffer;
}

/** Serves every whole request in `input`; returns the bytes consumed. */
function serveBinary(
  input: Buffer,
  store: ForkStore,
  send: Send,
  stats: () => [string, string][],
  socket: Socket,
  becomeTap: () => void,
): number {
  let at = 0;
  while (input.length - at >= HEADER_BYTES) {
    const bodyLength = input.readUInt32BE(at + 8);
    if (input.length - at < HEADER_BYTES + bodyLength) break;
    const keyLength = input.readUInt16BE(at + 2);
    const extrasLength = input[at + 4] as number;
    const magic = input[at];
    const bodyAt = at + HEADER_BYTES;
    const request: Request = {
      opcode: input[at + 1] as number,
      opaque: input.readUInt32BE(at + 12),
      cas: input.readBigUInt64BE(at + 16),
      extras: input.subarray(bodyAt, bodyAt + extrasLength),
      key: input.subarray(bodyAt + extrasLength, bodyAt + extrasLength + keyLength),
      value: input.subarray(bodyAt + extrasLength + keyLength, bodyAt + bodyLength),
    };
    at = bodyAt + bodyLength;
    if (magic !== MAGIC_REQUEST || keyLength > MAX_BINARY_KEY_BYTES) {
      send(response(request, Status.INVALID_ARGUMENTS, { value: 'Invalid arguments' }));
      socket.end();
      return input.length;
    }
    if (request.opcode === Opcode.TAP_CONNECT) {
      becomeTap();
      void tapDump(store, socket, send);
      return input.length;
    }
    serveRequest(request, store, send, stats);
  }
  return at;
}

function serveRequest(
  request: Request,
  store: ForkStore,
  send: Send,
  stats: () => [string, string][],
): void {
  const quiet = QUIET_OPCODES.has(request.opcode);
  const { opcode } = request;
  if (opcode === Opcode.NOOP) {
    send(response(request, Status.SUCCESS));
  } else if (opcode === Opcode.VERSION) {
    send(response(request, Status.SUCCESS, { value: FORK_VERSION }));
  } else if (opcode === Opcode.STAT) {
    // Over binary the fork sends its engine's statistics first, then the server's.
    const all = stats();
    const engineFrom = all.findIndex(([name]) => name === 'evictions');
    const engineFirst = [...all.slice(engineFrom), ...all.slice(0, engineFrom)];
    const parts = engineFirst.map(([name, value]) =>
      response(request, Status.SUCCESS, { key: Buffer.from(name), value }),
    );
    parts.push(response(request, Status.SUCCESS));
    send(Buffer.concat(parts));
  } else if (
    opcode === Opcode.GET ||
    opcode === Opcode.GETQ ||
    opcode === Opcode.GETK ||
    opcode === Opcode.GETKQ
  ) {
    const withKey = opcode === Opcode.GETK || opcode === Opcode.GETKQ;
    store.counters.cmd_get++;
    const item = store.get(request.key);
    if (item === undefined) {
      store.counters.get_misses++;
      if (quiet) return;
      send(
        withKey
          ? response(request, Status.KEY_NOT_FOUND, { key: request.key })
          : response(request, Status.KEY_NOT_FOUND, { value: 'Not found' }),
      );
      return;
    }
    store.counters.get_hits++;
    const extras = Buffer.alloc(4);
    extras.writeUInt32BE(item.flags);
    send(
      response(request, Status.SUCCESS, {
        extras,
        ...(withKey ? { key: item.key } : {}),
        value: item.value,
        cas: item.cas,
      }),
    );
  } else if (STORE_OPCODES.has(opcode)) {
    serveStore(request, quiet, store, send);
  } else if (opcode === Opcode.FLUSH) {
    store.flush();
    send(response(request, Status.SUCCESS));
  } else if (opcode === Opcode.DELETE || opcode === Opcode.DELETEQ) {
    const item = store.get(request.key);
    if (item === undefined || (request.cas !== 0n && request.cas !== item.cas)) {
      if (item === undefined) store.counters.delete_misses++;
      send(
        item === undefined
          ? response(request, Status.KEY_NOT_FOUND, { value: 'Not found' })
          : response(request, Status.KEY_EXISTS, { value: 'Data exists for key' }),
      );
      return;
    }
    store.counters.delete_hits++;
    store.remove(item);
    if (!quiet) send(response(request, Status.SUCCESS));
  } else {
    send(response(request, Status.UNKNOWN_COMMAND));
  }
}

function serveStore(request: Request, quiet: boolean, store: ForkStore, send: Send): void {
  const { opcode } = request;
  store.counters.cmd_set++;
  const flags = request.extras.length >= 4 ? request.extras.readUInt32BE(0) : 0;
  const exptime = request.extras.length >= 8 ? request.extras.readUInt32BE(4) : 0;
  const current = store.get(request.key);
  const isAdd = opcode === Opcode.ADD || opcode === Opcode.ADDQ;
  const isReplace = opcode === Opcode.REPLACE || opcode === Opcode.REPLACEQ;
  if (isAdd && current !== undefined) {
    send(response(request, Status.KEY_EXISTS, { value: 'Data exists for key' }));
    return;
  }
  if ((isReplace || request.cas !== 0n) && current === undefined) {
    if (request.cas !== 0n) store.counters.cas_misses++;
    send(response(request, Status.KEY_NOT_FOUND, { value: 'Not found' }));
    return;
  }
  if (request.cas !== 0n && current !== undefined && current.cas !== request.cas) {
    store.counters.cas_badval++;
    send(response(request, Status.KEY_EXISTS, { value: 'Data exists for key' }));
    return;
  }
  if (request.cas !== 0n) store.counters.cas_hits++;
  const stored = store.store(request.key, request.value, flags, exptime);
  if (stored === 'too-large') {
    send(response(request, Status.VALUE_TOO_LARGE, { value: 'Too large.' }));
    return;
  }
  if (!quiet) send(response(request, Status.SUCCESS, { cas: stored.cas }));
}

/** Sends every item as a TAP_MUTATION, waiting for the socket to drain, then closes. */
async function tapDump(store: ForkStore, socket: Socket, send: Send): Promise<void> {
  store.failIfDamaged();
  const isWalked = await store.walk(async (item) => {
    if (socket.destroyed) return false;
    if (!send(tapMutation(item))) {
      await new Promise<void>((resolve) => {
        socket.once('drain', resolve);
        socket.once('close', resolve);
      });
    }
    return !socket.destroyed;
  });
  if (isWalked) socket.end();
  else store.isDamaged = true;
}

function tapMutation(item: Item): Buffer {
  const extras = Buffer.alloc(16);
  extras[4] = 0xff; // the TAP TTL the fork sends
  extras.writeUInt32BE(item.flags, 8);
  extras.writeUInt32BE(item.expiresAt, 12);
  return packet(MAGIC_REQUEST, Opcode.TAP_MUTATION, 0, 0, item.cas, extras, item.key, item.value);
}

function response(
  request: Request,
  status: number,
  body: { extras?: Buffer; key?: Buffer; value?: Buffer | string; cas?: bigint } = {},
): Buffer {
  const value = typeof body.value === 'string' ? Buffer.from(body.value, 'latin1') : body.value;
  return packet(
    MAGIC_RESPONSE,
    request.opcode,
    status,
    request.opaque,
    body.cas ?? 0n,
    body.extras ?? EMPTY,
    body.key ?? EMPTY,
    value ?? EMPTY,
  );
}

const EMPTY = Buffer.alloc(0);

function packet(
  magic: number,
  opcode: number,
  status: number,
  opaque: number,
  cas: bigint,
  extras: Buffer,
  key: Buffer,
  value: Buffer,
): Buffer {
  const out = Buffer.alloc(HEADER_BYTES + extras.length + key.length + value.length);
  out[0] = magic;
  out[1] = opcode;
  out.writeUInt16BE(key.length, 2);
  out[4] = extras.length;
  out.writeUInt16BE(status, 6);
  out.writeUInt32BE(extras.length + key.length + value.length, 8);
  out.writeUInt32BE(opaque, 12);
  out.writeBigUInt64BE(cas, 16);
  extras.copy(out, HEADER_BYTES);
  key.copy(out, HEADER_BYTES + extras.length);
  value.copy(out, HEADER_BYTES + extras.length + key.length);
  return out;
}
