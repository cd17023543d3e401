/**
 * A queue of dumped keys that never makes the dump wait. memcached's crawler writes a dump while
 * holding item locks; if the reader stops reading, the crawler blocks with a lock held and every
 * worker thread that touches that lock stalls, clients included (measured here: all gets on the
 * node stop within moments of a paused dump). So the dump is always read at once, and keys that
 * are not processed yet wait here: in memory up to a limit, beyond it in a temporary file. Memory
 * stays bounded whatever the number of keys; order is not kept (it does not matter to a resync).
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface QueuedKey {
  readonly key: Buffer;
  readonly vbucket: number;
}

/** Keys held in memory before spilling to disk: a few MB. */
export const DEFAULT_MEMORY_KEYS = 65_536;
const SPILL_BUFFER_BYTES = 1 << 20;

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

  constructor(private readonly memoryKeys: number = DEFAULT_MEMORY_KEYS) {}

  get size(): number {
    return this.memory.length - this.memoryHead + this.spilledCount;
  }

  /** Keys written to disk so far (for reports: a large number means the consumer lagged). */
  get spilled(): number {
    return this.spilledTotal;
  }

  private spilledTotal = 0;

  push(key: Buffer, vbucket: number): void {
    if (this.memory.length - this.memoryHead < this.memoryKeys && this.spilledCount === 0) {
      // A copy: the dump's key is a view into a network chunk, which it would keep alive.
      this.memory.push({ key: Buffer.from(key), vbucket });
      return;
    }
    this.spill(key, vbucket);
  }

  /** Up to `count` keys, from memory first, then from the file. */
  take(count: number): QueuedKey[] {
    const out: QueuedKey[] = [];
    while (out.length < count && this.memoryHead < this.memory.length) {
      out.push(this.memory[this.memoryHead++] as QueuedKey);
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

  // Record: vbucket (2 bytes), key length (1 byte: keys are at most 250 bytes), key.
  private spill(key: Buffer, vbucket: number): void {
    if (this.writeLength + 3 + key.length > this.writeBuffer.length) this.flush();
    this.writeBuffer.writeUInt16BE(vbucket, this.writeLength);
    this.writeBuffer[this.writeLength + 2] = key.length;
    key.copy(this.writeBuffer, this.writeLength + 3);
    this.writeLength += 3 + key.length;
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
    if (this.readBuffer.length - this.readOffset < 3 + 255) this.refill();
    const vbucket = this.readBuffer.readUInt16BE(this.readOffset);
    const length = this.readBuffer[this.readOffset + 2] as number;
    const start = this.readOffset + 3;
    const key = Buffer.from(this.readBuffer.subarray(start, start + length));
    this.readOffset = start + length;
    return { key, vbucket };
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
