/**
 * A queue of dumped keys that never makes the dump wait. memcached's crawler writes a dump while
 * holding item locks; if the reader stops reading, the crawler blocks with a lock held and every
 * worker thread that touches that lock stalls, clients included (measured here: all gets on the
 * node stop within moments of a paused dump). So the dump is always read at once, and keys that
 * are not processed yet wait here: in memory up to a limit, beyond it in a temporary file. Memory
 * stays bounded whatever the number of keys; order is not kept (it does not matter to a resync).
 *
 * A TAP dump (Clearwater's memcached) carries each item whole, so its keys queue with their item:
 * value, client flags and TTL. Values count against a byte limit in memory as keys do against a
 * count, and spill with their keys.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An item as a dump delivered it whole; `ttl` is the seconds it had left at `readAtMs`, -1 never. */
export interface DumpedItem {
  readonly value: Buffer;
  readonly clientFlags: number;
  readonly ttl: number;
  readonly readAtMs: number;
}

export interface QueuedKey {
  readonly key: Buffer;
  readonly vbucket: number;
  /** Present when the dump carried the item (TAP): no fetch from the source is needed. */
  readonly item?: DumpedItem;
}

/** Keys held in memory before spilling to disk: a few MB. */
export const DEFAULT_MEMORY_KEYS = 65_536;
/** Value bytes held in memory before spilling to disk. */
export const DEFAULT_MEMORY_VALUE_BYTES = 32 * 1024 * 1024;
const SPILL_BUFFER_BYTES = 1 << 20;
// Spilled record: vbucket (2), key length (1), has-item (1), key; with an item, client flags (4),
// TTL + 1 (4: -1 is never), read time (8, ms), value length (4), value.
const RECORD_HEAD_BYTES = 4;
const ITEM_HEAD_BYTES = 20;

export class SpillingKeyQueue {
  private memory: QueuedKey[] = [];
  private memoryHead = 0;
  private file: { dir: string; fd: number } | undefined;
  private writeBuffer = Buffer.allocUnsafe(SPILL_BUFFER_BYTES);
  private writeLength = 0;
  private readBuffer = Buffer.alloc(0);
  private readOffset = 0;
  private fileReadPosition = 0;
  private fileWritePosition = 0;
  private spilledCount = 0;
  private memoryValueBytes = 0;

  constructor(
    private readonly memoryKeys: number = DEFAULT_MEMORY_KEYS,
    private readonly memoryValueLimit: number = DEFAULT_MEMORY_VALUE_BYTES,
  ) {}

  get size(): number {
    return this.memory.length - this.memoryHead + this.spilledCount;
  }

  /** Keys written to disk so far (for reports: a large number means the consumer lagged). */
  get spilled(): number {
    return this.spilledTotal;
  }

  private spilledTotal = 0;

  push(key: Buffer, vbucket: number, item?: DumpedItem): void {
    const valueBytes = item?.value.length ?? 0;
    if (
      this.memory.length - this.memoryHead < this.memoryKeys &&
      this.memoryValueBytes + valueBytes <= this.memoryValueLimit &&
      this.spilledCount === 0
    ) {
      // Copies: the dump's key and value are views into a network chunk, which they would keep
      // alive.
      if (item === undefined) {
        this.memory.push({ key: Buffer.from(key), vbucket });
      } else {
        this.memoryValueBytes += valueBytes;
        this.memory.push({
          key: Buffer.from(key),
          vbucket,
          item: { ...item, value: Buffer.from(item.value) },
        });
      }
      return;
    }
    this.spill(key, vbucket, item);
  }

  /** Up to `count` keys, from memory first, then from the file. */
  take(count: number): QueuedKey[] {
    const out: QueuedKey[] = [];
    while (out.length < count && this.memoryHead < this.memory.length) {
      const queued = this.memory[this.memoryHead++] as QueuedKey;
      this.memoryValueBytes -= queued.item?.value.length ?? 0;
      out.push(queued);
    }
    if (this.memoryHead > 4096 && this.memoryHead * 2 > this.memory.length) {
      this.memory = this.memory.slice(this.memoryHead);
      this.memoryHead = 0;
    }
    while (out.length < count && this.spilledCount > 0) {
      const key = this.readSpilled();
      out.push(key);
      this.spilledCount--;
    }
    return out;
  }

  /** Deletes the spill file, if any. */
  close(): void {
    if (this.file !== undefined) {
      closeSync(this.file.fd);
      rmSync(this.file.dir, { recursive: true, force: true });
      this.file = undefined;
    }
  }

  private spill(key: Buffer, vbucket: number, item: DumpedItem | undefined): void {
    const length =
      RECORD_HEAD_BYTES +
      key.length +
      (item === undefined ? 0 : ITEM_HEAD_BYTES + item.value.length);
    if (this.writeLength + length > this.writeBuffer.length) this.flush();
    // A record larger than the buffer (a value near 1 MB) gets a buffer of its own size.
    if (length > this.writeBuffer.length) this.writeBuffer = Buffer.allocUnsafe(length);
    const out = this.writeBuffer;
    let at = this.writeLength;
    out.writeUInt16BE(vbucket, at);
    out[at + 2] = key.length;
    out[at + 3] = item === undefined ? 0 : 1;
    key.copy(out, at + RECORD_HEAD_BYTES);
    at += RECORD_HEAD_BYTES + key.length;
    if (item !== undefined) {
      out.writeUInt32BE(item.clientFlags, at);
      out.writeUInt32BE(item.ttl + 1, at + 4);
      out.writeDoubleBE(item.readAtMs, at + 8);
      out.writeUInt32BE(item.value.length, at + 16);
      item.value.copy(out, at + ITEM_HEAD_BYTES);
      at += ITEM_HEAD_BYTES + item.value.length;
    }
    this.writeLength = at;
    this.spilledCount++;
    this.spilledTotal++;
  }

  private flush(): void {
    if (this.writeLength === 0) return;
    if (this.file === undefined) {
      const dir = mkdtempSync(join(tmpdir(), 'astaire-keys-'));
      this.file = { dir, fd: openSync(join(dir, 'keys'), 'w+', 0o600) };
    }
    writeSync(this.file.fd, this.writeBuffer, 0, this.writeLength, this.fileWritePosition);
    this.fileWritePosition += this.writeLength;
    this.writeLength = 0;
  }

  private readSpilled(): QueuedKey {
    this.ensureReadable(RECORD_HEAD_BYTES);
    let at = this.readOffset;
    const vbucket = this.readBuffer.readUInt16BE(at);
    const keyLength = this.readBuffer[at + 2] as number;
    const hasItem = this.readBuffer[at + 3] === 1;
    this.ensureReadable(RECORD_HEAD_BYTES + keyLength + (hasItem ? ITEM_HEAD_BYTES : 0));
    at = this.readOffset + RECORD_HEAD_BYTES;
    const key = Buffer.from(this.readBuffer.subarray(at, at + keyLength));
    at += keyLength;
    if (!hasItem) {
      this.readOffset = at;
      return { key, vbucket };
    }
    const clientFlags = this.readBuffer.readUInt32BE(at);
    const ttl = this.readBuffer.readUInt32BE(at + 4) - 1;
    const readAtMs = this.readBuffer.readDoubleBE(at + 8);
    const valueLength = this.readBuffer.readUInt32BE(at + 16);
    const headBytes = at + ITEM_HEAD_BYTES - this.readOffset;
    this.ensureReadable(headBytes + valueLength);
    at = this.readOffset + headBytes;
    const value = Buffer.from(this.readBuffer.subarray(at, at + valueLength));
    this.readOffset = at + valueLength;
    return { key, vbucket, item: { value, clientFlags, ttl, readAtMs } };
  }

  /** Makes at least `bytes` bytes from `readOffset` on readable (the caller knows they exist). */
  private ensureReadable(bytes: number): void {
    while (this.readBuffer.length - this.readOffset < bytes) {
      const before = this.readBuffer.length - this.readOffset;
      this.refill();
      if (this.readBuffer.length - this.readOffset === before) {
        throw new Error('the spilled key file ends inside a record');
      }
    }
  }

  private refill(): void {
    const rest = this.readBuffer.subarray(this.readOffset);
    this.readOffset = 0;
    if (this.fileReadPosition === this.fileWritePosition) {
      // Everything on disk has been read: what is left sits in the write buffer.
      this.readBuffer = Buffer.concat([rest, this.writeBuffer.subarray(0, this.writeLength)]);
      this.writeLength = 0;
      return;
    }
    const chunk = Buffer.allocUnsafe(
      Math.min(SPILL_BUFFER_BYTES, this.fileWritePosition - this.fileReadPosition),
    );
    const read = readSync(
      (this.file as { fd: number }).fd,
      chunk,
      0,
      chunk.length,
      this.fileReadPosition,
    );
    this.fileReadPosition += read;
    this.readBuffer = Buffer.concat([rest, chunk.subarray(0, read)]);
  }
}
