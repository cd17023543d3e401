/**
 * Fuzzing the one door into the console's service (IPC and web mode both go through `dispatch`):
 * any channel name and any request, of any shape, comes back as an envelope; a request the
 * contract refuses never reaches the service; a refusal's message is short and printable.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { dispatch, type ConsoleBackend } from '../../../core/console/console-backend.js';
import { REQUEST_SCHEMAS } from '../../../core/console/contract-schemas.js';
import { CHANNELS, type Channel } from '../../../core/console/contract.js';
import { recordFigures } from '../../support/figures.js';

const SEED = 20261124;

// Requests shaped like the contract's: objects with its field names and hostile values, so the
// fuzzer gets past "not an object" into every field's own checks.
const FIELD_NAMES = [
  'clusterId',
  'id',
  'definition',
  'name',
  'servers',
  'newServers',
  'kind',
  'target',
  'full',
  'rateLimit',
  'vbuckets',
  'source',
  'parallel',
  'resume',
  'jobId',
  'bytesPerSecond',
  'step',
  'byHand',
  'reason',
  'text',
  'fileName',
  'repair',
  'profile',
  '__proto__',
  'constructor',
];
const hostileValue = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.string({ maxLength: 300 }),
  fc.constantFrom(-1, 0, 1.5, 2 ** 53, Number.NaN, '', '../../etc/passwd', '10.0.0.1:11211'),
  fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 5 }),
);
const shapedRequest = fc.dictionary(fc.constantFrom(...FIELD_NAMES), hostileValue, {
  maxKeys: 6,
});
const channelName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...CHANNELS) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 1 }) },
);

describe('console calls fuzzed', () => {
  it('any call gets an envelope; only what the contract accepts reaches the service', async () => {
    let cases = 0;
    const reached: { channel: Channel; request: unknown }[] = [];
    const backend: ConsoleBackend = {
      handle: async (channel, request) => {
        reached.push({ channel, request });
        return null as never;
      },
      subscribe: () => () => undefined,
    };
    await fc.assert(
      fc.asyncProperty(
        channelName,
        fc.oneof(shapedRequest, fc.anything({ maxDepth: 4 })),
        async (channel, request) => {
          cases++;
          reached.length = 0;
          const result = await dispatch(backend, channel, request);
          const isKnown = (CHANNELS as readonly unknown[]).includes(channel);
          const isValid = isKnown && REQUEST_SCHEMAS[channel as Channel].safeParse(request).success;
          if (isValid) {
            assert.equal(result.ok, true);
            assert.equal(reached.length, 1);
          } else {
            assert.equal(reached.length, 0, 'a refused request reached the service');
            assert.equal(result.ok, false);
            if (result.ok) return;
            assert.equal(result.error.code, isKnown ? 'BAD_REQUEST' : 'UNKNOWN_CHANNEL');
            assert.ok(result.error.message.length <= 600, result.error.message);
            const unprintable = [...result.error.message].filter((c) => {
              const code = c.charCodeAt(0);
              return (code < 0x20 && c !== '\n' && c !== '\t') || code === 0x7f;
            });
            assert.deepEqual(unprintable, [], result.error.message);
          }
        },
      ),
      { seed: SEED, numRuns: 4000 },
    );
    assert.equal(cases, 4000);
    recordFigures('fuzz: console calls (IPC and web mode)', { fuzzCases: cases });
  });
});
