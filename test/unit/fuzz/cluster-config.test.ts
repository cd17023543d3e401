/**
 * Fuzzing the two files an operator (or a node) hands the console: cluster_settings and the
 * cluster profile. Random texts and valid ones with bytes flipped, inserted, deleted or cut: each
 * is accepted or refused with a ConfigError that names the file and, where the fault is on a line,
 * the line, and says what is wrong. Nothing else is ever thrown. Seeded, so CI runs the same cases.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ConfigError } from '../../../core/errors.js';
import { parseClusterProfile } from '../../../core/cluster/cluster-profile.js';
import {
  parseClusterSettings,
  rewriteClusterSettings,
} from '../../../core/cluster/cluster-settings.js';
import { settingsVectors } from '../../support/reference-data.js';
import { mutatedText } from './mutations.js';
import { recordFigures } from '../../support/figures.js';

const SEED = 20261124;
const SETTINGS_FILE = '/etc/clearwater/cluster_settings';
const PROFILE_FILE = 'prod.profile.json';

// Text drawn from the characters these formats care about, plus anything at all.
const configChar = fc.oneof(
  fc.constantFrom('\n', '\r', ' ', '\t', '=', ',', '#', ':', '"', '{', '}', '[', ']', '\\'),
  fc.constantFrom('servers', 'new_servers', '10.0.0.1:11211', '[::1]:11211', 'true', 'null'),
  fc.string({ maxLength: 4, unit: 'binary' }),
);
const configText = fc.array(configChar, { maxLength: 50 }).map((parts) => parts.join(''));

const VALID_SETTINGS = [
  ...settingsVectors()
    .filter((vector) => vector.expected !== 'error')
    .map((vector) => vector.content),
  '# a resize in progress\nservers=10.0.0.1:11211,10.0.0.2:11211\n\nnew_servers=10.0.0.1:11211,10.0.0.2:11211,10.0.0.3:11211\n',
];

const VALID_PROFILE = JSON.stringify(
  {
    settingsPath: '/etc/clearwater/cluster_settings',
    reloadCommand: 'service clearwater-infrastructure reload',
    sudo: true,
    knownHostsFile: '/home/ops/.ssh/known_hosts',
    defaults: { via: 'ssh', user: 'ops', jump: ['bastion', 'admin@10.1.0.1:2222'] },
    nodes: {
      '10.0.0.1:11211': {
        via: 'ssh',
        host: 'sprout-1',
        port: 2200,
        identityFile: '~/.ssh/id_ed25519',
        memcached: '127.0.0.1:11311',
        settingsPath: '/etc/clearwater/cluster_settings',
      },
      '10.0.0.9:11211': { via: 'direct', address: '10.0.0.9:11311' },
    },
  },
  null,
  2,
);

let settingsCases = 0;
let profileCases = 0;

/** Runs `parse`; a refusal must be a ConfigError naming `file`, which is returned for more checks. */
function refusalOf(parse: () => unknown, file: string): ConfigError | undefined {
  try {
    parse();
    return undefined;
  } catch (error) {
    assert.ok(error instanceof ConfigError, `not a ConfigError: ${String(error)}`);
    assert.equal(error.place.file, file);
    assert.ok(error.message.startsWith(`${file}`), error.message);
    // After "file:line: " comes the reason, which is never empty.
    const reason = error.message.slice(error.message.indexOf(': ') + 2);
    assert.ok(reason.trim().length > 0, `no reason in ${JSON.stringify(error.message)}`);
    return error;
  }
}

function lineCount(text: string): number {
  return text.split('\n').length;
}

function checkSettingsRefusal(text: string, parse: () => unknown): void {
  settingsCases++;
  const error = refusalOf(parse, SETTINGS_FILE);
  if (error === undefined) return;
  if (error.code === 'SETTINGS_NO_SERVERS') {
    // About the file as a whole, not any one line.
    assert.equal(error.place.line, undefined);
    return;
  }
  assert.ok(
    error.code === 'SETTINGS_BAD_LINE' || error.code === 'SETTINGS_UNKNOWN_KEY',
    error.code,
  );
  const line = error.place.line;
  assert.ok(line !== undefined && line >= 1 && line <= lineCount(text), `line ${line}`);
  assert.ok(error.message.startsWith(`${SETTINGS_FILE}:${line}: `), error.message);
  // The line named is the culprit: neither blank nor a comment.
  const culprit = (text.split('\n')[line - 1] ?? '').replace(/[ \t\n\v\f\r]/g, '');
  assert.ok(culprit !== '' && !culprit.startsWith('#'), `line ${line} is ${culprit}`);
}

function checkProfileRefusal(text: string): void {
  profileCases++;
  const error = refusalOf(() => parseClusterProfile(text, PROFILE_FILE), PROFILE_FILE);
  if (error === undefined) return;
  if (error.code === 'PROFILE_NOT_JSON') {
    // Malformed JSON is pointed at by line, as editors count them.
    const line = error.place.line;
    assert.ok(line !== undefined && line >= 1 && line <= lineCount(text), `line ${line}`);
    assert.ok(error.message.startsWith(`${PROFILE_FILE}:${line}: not valid JSON: `), error.message);
    return;
  }
  // Well-formed JSON that is not a profile is pointed at by field: "file: field: reason".
  assert.equal(error.code, 'PROFILE_INVALID');
  assert.match(error.message, /^prod\.profile\.json: \S.*?: \S/);
}

const mutatedSettings = fc.constantFrom(...VALID_SETTINGS).chain(mutatedText);
const mutatedProfile = mutatedText(VALID_PROFILE);

describe('fuzz: cluster_settings', () => {
  it('the valid examples are accepted, so the mutations start from good files', () => {
    for (const text of VALID_SETTINGS) parseClusterSettings(text, SETTINGS_FILE);
  });

  it('random and mutated texts: accepted, or a ConfigError naming the file, line and reason', () => {
    fc.assert(
      fc.property(fc.oneof(configText, mutatedSettings), (text) => {
        checkSettingsRefusal(text, () => parseClusterSettings(text, SETTINGS_FILE));
      }),
      { seed: SEED, numRuns: 8000 },
    );
  });

  it('rewriting a random or mutated file: the same refusals, nothing else thrown', () => {
    const lists = { servers: ['10.0.0.1:11211'], newServers: ['10.0.0.1:11211', '10.0.0.2:11211'] };
    fc.assert(
      fc.property(fc.oneof(configText, mutatedSettings), (text) => {
        checkSettingsRefusal(text, () => rewriteClusterSettings(text, SETTINGS_FILE, lists));
      }),
      { seed: SEED + 1, numRuns: 3000 },
    );
  });
});

describe('fuzz: the cluster profile', () => {
  it('the valid example is accepted, so the mutations start from a good file', () => {
    parseClusterProfile(VALID_PROFILE, PROFILE_FILE);
  });

  it('random and mutated texts: accepted, or a ConfigError naming the file and line or field', () => {
    fc.assert(
      fc.property(fc.oneof(configText, mutatedProfile, mutatedProfile), (text) => {
        checkProfileRefusal(text);
      }),
      { seed: SEED + 2, numRuns: 8000 },
    );
  });

  it('well-formed JSON of any shape: accepted, or a ConfigError naming the field', () => {
    // Valid JSON whose values are replaced by anything: only the field checks can refuse it.
    const base = JSON.parse(VALID_PROFILE) as Record<string, unknown>;
    const anyValue = fc.jsonValue({ maxDepth: 2 });
    const reshaped = fc
      .tuple(
        fc.constantFrom(...Object.keys(base), 'nodes.10.0.0.1:11211', 'defaults', 'extra'),
        anyValue,
        fc.jsonValue({ maxDepth: 3 }),
        fc.boolean(),
      )
      .map(([field, value, whole, isWhole]) => {
        if (isWhole) return JSON.stringify(whole);
        const copy = structuredClone(base);
        if (field === 'nodes.10.0.0.1:11211') {
          (copy.nodes as Record<string, unknown>)['10.0.0.1:11211'] = value;
        } else {
          copy[field] = value;
        }
        return JSON.stringify(copy, null, 2);
      });
    fc.assert(
      fc.property(reshaped, (text) => {
        checkProfileRefusal(text);
      }),
      { seed: SEED + 3, numRuns: 3000 },
    );
  });

  it('prints how many cases it tried', () => {
    assert.ok(settingsCases > 0 && profileCases > 0);
    console.log(
      `fuzz: cluster_settings ${settingsCases} cases, cluster profile ${profileCases} cases`,
    );
    recordFigures('fuzz: cluster_settings files', { fuzzCases: settingsCases });
    recordFigures('fuzz: cluster profiles', { fuzzCases: profileCases });
  });
});
