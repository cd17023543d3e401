/** `astaire vbucket`: which vbucket each key hashes to, as every client computes it. */
import { UsageError } from '../../errors.js';
import { checkVbucketCount, keyHash, vbucketOfHash } from '../../cluster/vbucket-hash.js';
import { integerOption, parseCommandArgs } from '../cli-args.js';
import { EXIT_OK, readAll, type CliIo } from '../cli-io.js';

export const VBUCKET_HELP = `Usage: astaire vbucket [--json] [--base64] [--vbuckets N] [KEY...]

Prints the hash and vbucket of each KEY. With no KEY, reads keys from standard input, one per
line (a final newline ends the last key; use --base64 for keys that contain a newline).

  --json          print a JSON array of {"key", "hash", "vbucket"}, one per key, in input order
  --base64        each KEY is the base64 encoding of the key's bytes (for binary keys)
  --vbuckets N    number of vbuckets, a power of two (default 128)

Human output is one line per key: vbucket, hash, key, separated by tabs.
`;

interface GivenKey {
  readonly text: string;
  /** Where the key came from, for errors. */
  readonly place: string;
  /** The raw bytes when the key came from standard input. */
  readonly bytes?: Buffer;
}

interface KeyInput {
  /** The key as given, echoed back in the output. */
  readonly given: string;
  readonly bytes: Buffer;
}

export async function runVbucketCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'vbucket',
    args,
    {
      json: { type: 'boolean', default: false },
      base64: { type: 'boolean', default: false },
      vbuckets: { type: 'string' },
    },
    true,
  );
  const vbuckets = checkVbucketCount(integerOption('vbucket', 'vbuckets', values.vbuckets) ?? 128);
  const given: GivenKey[] =
    positionals.length > 0
      ? positionals.map((text) => ({ text, place: `argument "${text}"` }))
      : stdinLines(await readAll(io.stdin));
  // Decode every key before printing any, so a bad key fails the run with nothing on stdout.
  const keys: KeyInput[] = given.map(({ text, place, bytes }) => ({
    given: text,
    bytes: values.base64 ? decodeBase64Key(text, place) : (bytes ?? Buffer.from(text, 'utf8')),
  }));

  const results = keys.map((key) => {
    const hash = keyHash(key.bytes);
    return { key: key.given, hash, vbucket: vbucketOfHash(hash, vbuckets) };
  });
  if (values.json) {
    io.stdout.write(JSON.stringify(results) + '\n');
  } else {
    io.stdout.write(results.map((r) => `${r.vbucket}\t${r.hash}\t${r.key}\n`).join(''));
  }
  return EXIT_OK;
}

// Keys from stdin stay bytes until printed: a key that is not UTF-8 must hash as its raw bytes.
function stdinLines(input: Buffer): GivenKey[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = input.indexOf(0x0a); i >= 0; i = input.indexOf(0x0a, start)) {
    lines.push(input.subarray(start, i));
    start = i + 1;
  }
  if (start < input.length) lines.push(input.subarray(start));
  return lines.map((raw, index) => {
    // A CRLF file's '\r' is part of the line ending, not of the key.
    const bytes = raw.at(-1) === 0x0d ? raw.subarray(0, -1) : raw;
    return { text: bytes.toString('utf8'), place: `standard input line ${index + 1}`, bytes };
  });
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeBase64Key(text: string, place: string): Buffer {
  if (!BASE64.test(text)) {
    throw new UsageError(
      'BAD_BASE64_KEY',
      `vbucket: ${place} is not valid base64 (padded standard alphabet expected)`,
    );
  }
  return Buffer.from(text, 'base64');
}
