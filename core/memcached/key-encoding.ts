/**
 * How a key's bytes travel in memcached's meta protocol. A key is sent as text when memcached's
 * tokenizer would take it unchanged (1 to 250 bytes, no space, control character or DEL); any other
 * key is sent base64-encoded with the `b` flag, which memcached decodes before storing. metadump
 * lists keys URI-encoded (%XX for every byte outside the unreserved set), which decodes back to the
 * same bytes.
 */

/** memcached's KEY_MAX_LENGTH, which also bounds a base64 key's encoded token. */
export const MAX_KEY_TOKEN = 250;

export interface WireKey {
  /** The key token as it appears on the command line. */
  readonly token: string;
  /** True when the token is base64 and the command needs the `b` flag. */
  readonly isBase64: boolean;
}

/** The wire form of a key, or undefined when memcached cannot hold it in either form. */
export function toWireKey(key: Uint8Array): WireKey | undefined {
  if (isTextSafe(key)) return { token: Buffer.from(key).toString('latin1'), isBase64: false };
  const token = Buffer.from(key).toString('base64');
  if (key.length === 0 || token.length > MAX_KEY_TOKEN) return undefined;
  return { token, isBase64: true };
}

export function isTextSafe(key: Uint8Array): boolean {
  if (key.length === 0 || key.length > MAX_KEY_TOKEN) return false;
  for (const byte of key) {
    if (byte <= 0x20 || byte === 0x7f) return false;
  }
  return true;
}

/**
 * Decodes metadump's URI-encoded key into bytes. Not decodeURIComponent: a key need not be UTF-8,
 * and '+' is a literal plus here. Returns undefined for a malformed escape.
 */
export function decodeUriKey(encoded: string): Buffer | undefined {
  const bytes = Buffer.from(encoded, 'latin1');
  return decodeUriKeyBytes(bytes, 0, bytes.length);
}

/** decodeUriKey on a slice of a buffer, without making a string of it (the dump's hot path). */
export function decodeUriKeyBytes(source: Buffer, start: number, end: number): Buffer | undefined {
  const bytes = Buffer.allocUnsafe(end - start);
  let length = 0;
  for (let i = start; i < end; i++) {
    const byte = source[i] as number;
    if (byte !== 0x25) {
      bytes[length++] = byte;
      continue;
    }
    const high = i + 2 < end ? hexValue(source[i + 1] as number) : -1;
    const low = i + 2 < end ? hexValue(source[i + 2] as number) : -1;
    if (high < 0 || low < 0) return undefined;
    bytes[length++] = (high << 4) | low;
    i += 2;
  }
  return bytes.subarray(0, length);
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}
