/**
 * Wire facts of memcached's binary protocol and of TAP, as Clearwater's memcached fork speaks them
 * (recorded in test/fixtures/ref/clearwater-memcached). Shared by the encoder, the decoder and the
 * test server that plays the fork, so that the three never disagree on a number.
 *
 * Every packet is a 24-byte header, then extras, key and value:
 *   0 magic  1 opcode  2-3 key length  4 extras length  5 data type  6-7 vbucket (request) or
 *   status (response)  8-11 total body length  12-15 opaque  16-23 CAS.
 * Numbers are big-endian.
 */

export const HEADER_BYTES = 24;

export const MAGIC_REQUEST = 0x80;
export const MAGIC_RESPONSE = 0x81;

export const Opcode = {
  GET: 0x00,
  SET: 0x01,
  ADD: 0x02,
  REPLACE: 0x03,
  DELETE: 0x04,
  QUIT: 0x07,
  FLUSH: 0x08,
  GETQ: 0x09,
  NOOP: 0x0a,
  VERSION: 0x0b,
  GETK: 0x0c,
  GETKQ: 0x0d,
  STAT: 0x10,
  SETQ: 0x11,
  ADDQ: 0x12,
  REPLACEQ: 0x13,
  DELETEQ: 0x14,
  TAP_CONNECT: 0x40,
  TAP_MUTATION: 0x41,
  TAP_DELETE: 0x42,
  TAP_FLUSH: 0x43,
  TAP_OPAQUE: 0x44,
  TAP_VBUCKET_SET: 0x45,
  TAP_CHECKPOINT_START: 0x46,
  TAP_CHECKPOINT_END: 0x47,
} as const;

/** The TAP messages a server may send on a TAP connection, by opcode. */
export const TAP_MESSAGE_NAMES: Readonly<Record<number, string>> = {
  [Opcode.TAP_MUTATION]: 'TAP_MUTATION',
  [Opcode.TAP_DELETE]: 'TAP_DELETE',
  [Opcode.TAP_FLUSH]: 'TAP_FLUSH',
  [Opcode.TAP_OPAQUE]: 'TAP_OPAQUE',
  [Opcode.TAP_VBUCKET_SET]: 'TAP_VBUCKET_SET',
  [Opcode.TAP_CHECKPOINT_START]: 'TAP_CHECKPOINT_START',
  [Opcode.TAP_CHECKPOINT_END]: 'TAP_CHECKPOINT_END',
};

export const Status = {
  SUCCESS: 0x00,
  KEY_NOT_FOUND: 0x01,
  /** A SET's CAS no longer matches; for an ADD, the key is present (what the fork answers). */
  KEY_EXISTS: 0x02,
  VALUE_TOO_LARGE: 0x03,
  INVALID_ARGUMENTS: 0x04,
  /** Not stored, for other reasons than a present key or a CAS (some servers use it for ADD). */
  NOT_STORED: 0x05,
  UNKNOWN_COMMAND: 0x81,
  OUT_OF_MEMORY: 0x82,
  /** The fork's answer to a TAP_CONNECT beyond its 10 TAP connections. */
  NOT_SUPPORTED: 0x83,
} as const;

/** TAP_CONNECT flags (the 4 bytes of its extras). */
export const TapFlag = {
  BACKFILL: 0x01,
  /** Send every item the server holds, then close the connection. */
  DUMP: 0x02,
  /** The value starts with a u16 count and that many u16 vbucket ids. */
  LIST_VBUCKETS: 0x04,
  TAKEOVER_VBUCKETS: 0x08,
  SUPPORT_ACK: 0x10,
  REQUEST_KEYS_ONLY: 0x20,
} as const;

/** Extras of a GET-family response: the item's 4 bytes of client flags. */
export const GET_EXTRAS_BYTES = 4;
/** Extras of SET/ADD/REPLACE: client flags (4), then expiration (4). */
export const STORE_EXTRAS_BYTES = 8;
/**
 * Extras of a TAP_MUTATION: engine-specific length (2), TAP flags (2), TTL (1), reserved (3),
 * item flags (4), expiration as an absolute Unix time or 0 (4). The engine-specific bytes, if
 * any, come first in the body after the extras.
 */
export const TAP_MUTATION_EXTRAS_BYTES = 16;

/** memcached's KEY_MAX_LENGTH: longer keys are refused. */
export const MAX_BINARY_KEY_BYTES = 250;
