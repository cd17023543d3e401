import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../core/errors.js';
import { accessFor, parseClusterProfile } from '../../../core/cluster/cluster-profile.js';

const FILE = 'prod.profile.json';

function refusal(text: string): ConfigError {
  try {
    parseClusterProfile(text, FILE);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error;
  }
  assert.fail(`expected ${text} to be refused`);
}

describe('parseClusterProfile', () => {
  it('reads a full profile, with defaults for what it leaves out', () => {
    const profile = parseClusterProfile(
      JSON.stringify({
        reloadCommand: 'service clearwater-infrastructure reload',
        sudo: true,
        defaults: { via: 'ssh', user: 'ops', jump: ['bastion', 'admin@10.1.0.1:2222'] },
        nodes: {
          '10.0.0.1:11211': {
            via: 'ssh',
            host: 'sprout-1',
            port: 2200,
            memcached: '127.0.0.1:11311',
          },
          '10.0.0.9:11211': { via: 'direct' },
        },
      }),
      FILE,
    );
    assert.equal(profile.settingsPath, '/etc/clearwater/cluster_settings');
    assert.equal(profile.sudo, true);
    assert.deepEqual(accessFor(profile, '10.0.0.1:11211'), {
      via: 'ssh',
      host: 'sprout-1',
      port: 2200,
      memcached: '127.0.0.1:11311',
    });
    assert.deepEqual(accessFor(profile, '10.0.0.9:11211'), { via: 'direct' });
    assert.deepEqual(accessFor(profile, '10.0.0.5:11211'), {
      via: 'ssh',
      user: 'ops',
      jump: ['bastion', 'admin@10.1.0.1:2222'],
    });
  });

  it('reaches every node directly when the profile says nothing', () => {
    const profile = parseClusterProfile('{}', FILE);
    assert.deepEqual(accessFor(profile, '10.0.0.1:11211'), { via: 'direct' });
    assert.equal(profile.reloadCommand, undefined);
  });

  const bad: [string, unknown, RegExp][] = [
    [
      'a misspelt field',
      { nodez: {} },
      /^prod\.profile\.json: nodez: unknown field; the fields here are settingsPath,/,
    ],
    [
      'a relative settings path',
      { settingsPath: 'etc/cluster_settings' },
      /settingsPath: must be an absolute path/,
    ],
    [
      'an unknown way in',
      { defaults: { via: 'telnet' } },
      /defaults\.via: must be "direct" or "ssh"/,
    ],
    [
      'a bad port',
      { nodes: { '10.0.0.1:11211': { via: 'ssh', port: 70000 } } },
      /nodes\["10\.0\.0\.1:11211"\]\.port: must be a whole number from 1 to 65535/,
    ],
    [
      'a node keyed by something else',
      { nodes: { 'sprout one': { via: 'direct' } } },
      /nodes\["sprout one"\]: a node is keyed by its cluster_settings entry/,
    ],
    [
      'a bad memcached address',
      { defaults: { via: 'ssh', memcached: 'localhost:0' } },
      /defaults\.memcached: "localhost:0" is not host:port/,
    ],
    [
      'jump hosts that are not a list',
      { defaults: { via: 'ssh', jump: 'bastion' } },
      /defaults\.jump: must be a list/,
    ],
    [
      'a field of ssh on a direct node',
      { defaults: { via: 'direct', user: 'ops' } },
      /defaults\.user: unknown field/,
    ],
    ['sudo that is not a boolean', { sudo: 'yes' }, /sudo: must be true or false/],
    ['an array', [], /the profile: must be a JSON object/],
  ];
  for (const [what, json, message] of bad) {
    it(`refuses ${what}, naming the field`, () => {
      const error = refusal(JSON.stringify(json));
      assert.equal(error.code, 'PROFILE_INVALID');
      assert.match(error.message, message);
    });
  }

  it('names the line of malformed JSON', () => {
    const error = refusal('{\n  "sudo": true,\n  "nodes": {,\n}');
    assert.equal(error.code, 'PROFILE_NOT_JSON');
    assert.equal(error.place.line, 3);
    assert.match(error.message, /^prod\.profile\.json:3: not valid JSON/);
  });

  it('regression: an empty unknown field was named as nothing (": unknown field")', () => {
    const error = refusal('{"": 1, "defaults": {"via": "direct", "a b": 2}}');
    assert.match(error.message, /^prod\.profile\.json: "": unknown field;/);
    const nested = refusal('{"defaults": {"via": "direct", "a\\u001bb": 2}}');
    assert.match(nested.message, /^prod\.profile\.json: defaults\."a\\u001bb": unknown field;/);
  });
});

describe('servers named like the members every object inherits', () => {
  const profile = parseClusterProfile(
    JSON.stringify({
      defaults: { via: 'direct' },
      nodes: { 'constructor:11211': { via: 'ssh', host: 'sprout-1' } },
    }),
    FILE,
  );

  it('a server named constructor, toString or hasOwnProperty without access of its own takes the defaults', () => {
    for (const node of ['constructor', 'toString', 'hasOwnProperty', 'valueOf:11211']) {
      assert.deepEqual(accessFor(profile, node), { via: 'direct' }, node);
    }
  });

  it('a server named constructor with access of its own gets it', () => {
    assert.deepEqual(accessFor(profile, 'constructor:11211'), { via: 'ssh', host: 'sprout-1' });
  });

  it('a node keyed __proto__ is refused, the field named', () => {
    const error = refusal('{"nodes": {"__proto__": {"via": "direct"}}}');
    assert.match(error.message, /nodes\["__proto__"\]/);
  });
});
