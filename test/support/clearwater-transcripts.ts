/**
 * The recording of Clearwater's memcached fork (test/fixtures/ref/clearwater-memcached): each
 * exchange's request and reply as bytes. The recorder sent a NOOP (opaque feedface) after each
 * binary request, so that the reply has an end: it is not in the request, its answer ends the
 * reply. TAP exchanges run until the server closed.
 */
import { readFileSync } from 'node:fs';
import { fixturePath } from './repo-paths.js';

export interface RecordedExchange {
  readonly name: string;
  readonly shows: string;
  readonly protocol: 'text' | 'binary';
  readonly request: Buffer;
  readonly reply: Buffer;
}

export interface ClearwaterRecording {
  /** The keys loaded before the exchanges (by the `load` exchange). */
  readonly loadedKeys: readonly Buffer[];
  readonly exchanges: readonly RecordedExchange[];
}

let cached: ClearwaterRecording | undefined;

export function clearwaterRecording(): ClearwaterRecording {
  if (cached !== undefined) return cached;
  const raw = JSON.parse(
    readFileSync(fixturePath('ref', 'clearwater-memcached', 'transcripts.json'), 'utf8'),
  ) as {
    about: { loaded_keys: string[] };
    exchanges: { name: string; shows: string; protocol: string; request: string; reply: string }[];
  };
  cached = {
    loadedKeys: raw.about.loaded_keys.map((hex) => Buffer.from(hex, 'hex')),
    exchanges: raw.exchanges.map((e) => ({
      name: e.name,
      shows: e.shows,
      protocol: e.protocol === 'binary' ? 'binary' : 'text',
      request: Buffer.from(e.request, 'hex'),
      reply: Buffer.from(e.reply, 'hex'),
    })),
  };
  return cached;
}

/** The exchange called `name`. */
export function recorded(name: string): RecordedExchange {
  const exchange = clearwaterRecording().exchanges.find((e) => e.name === name);
  if (exchange === undefined) throw new Error(`no recorded exchange called ${name}`);
  return exchange;
}

/** The NOOP the recorder sent after each binary request but a TAP one (opaque feedface). */
export const RECORDER_NOOP = Buffer.from('800a00000000000000000000feedface0000000000000000', 'hex');
