/**
 * Arbitraries for hostile input: valid texts with a few bytes flipped, inserted, deleted,
 * duplicated or cut off, and byte streams split into chunks at arbitrary offsets. Shared by the
 * fuzz tests; every run is seeded by the test that uses them.
 */
import fc from 'fast-check';

type Mutation =
  | { readonly kind: 'flip'; readonly at: number; readonly byte: number }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | { readonly kind: 'duplicate'; readonly at: number; readonly length: number }
  | { readonly kind: 'truncate'; readonly at: number };

// Bytes that matter to line-based parsers are drawn more often than their share of 0..255.
const interestingByte = fc.oneof(
  fc.integer({ min: 0, max: 255 }),
  fc.constantFrom(0x0a, 0x0d, 0x20, 0x3d, 0x25, 0x2c, 0x23, 0x22, 0x7b, 0x7d, 0x30, 0x39, 0x2d),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: interestingByte }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }),
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 16 }),
  }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 40 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function apply(bytes: Buffer, change: Mutation): Buffer {
  if (bytes.length === 0) return change.kind === 'insert' ? Buffer.from(change.bytes) : bytes;
  const at = change.at % bytes.length;
  switch (change.kind) {
    case 'flip': {
      const copy = Buffer.from(bytes);
      copy[at] = change.byte;
      return copy;
    }
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), change.bytes, bytes.subarray(at)]);
    case 'delete':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + change.length)]);
    case 'duplicate':
      return Buffer.concat([
        bytes.subarray(0, at + change.length),
        bytes.subarray(at, at + change.length),
        bytes.subarray(at + change.length),
      ]);
    case 'truncate':
      return bytes.subarray(0, at);
  }
}

/** `base` with one to four random changes. */
export function mutated(base: Buffer): fc.Arbitrary<Buffer> {
  return fc
    .array(mutation, { minLength: 1, maxLength: 4 })
    .map((changes) => changes.reduce(apply, base));
}

/** Text `base` (UTF-8) with one to four random byte changes, read back as UTF-8. */
export function mutatedText(base: string): fc.Arbitrary<string> {
  return mutated(Buffer.from(base)).map((bytes) => bytes.toString('utf8'));
}

/** Cut points for `split`: up to 12 of them, anywhere. */
export const cutPoints = fc.array(fc.nat(), { maxLength: 12 });

/** `bytes` split into chunks at `cuts` (taken modulo its length); every chunk non-empty. */
export function split(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  if (bytes.length === 0) return [];
  const offsets = [...new Set(cuts.map((cut) => cut % bytes.length))]
    .filter((offset) => offset > 0)
    .sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const offset of offsets) {
    chunks.push(bytes.subarray(start, offset));
    start = offset;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}
