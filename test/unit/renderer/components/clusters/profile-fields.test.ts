import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  fieldOfError,
  fieldsToProfile,
  matchAliases,
  messageAtField,
  NEW_PROFILE,
  profileToFields,
} from '../../../../../renderer/components/clusters/profile-fields.js';

const NODES = ['10.0.0.1:11211', '10.0.0.2:11211'];

describe('profile fields', () => {
  it('builds a profile from aliases picked per node', () => {
    const profile = fieldsToProfile(
      {
        ...NEW_PROFILE,
        reloadCommand: ' service clearwater-infrastructure reload ',
        user: 'ops',
        jump: 'bastion, inner',
        hosts: { [NODES[0] ?? '']: 'sprout-1', [NODES[1] ?? '']: '  ' },
      },
      NODES,
    );
    assert.deepEqual(profile, {
      settingsPath: '/etc/clearwater/cluster_settings',
      reloadCommand: 'service clearwater-infrastructure reload',
      sudo: false,
      defaults: { via: 'ssh', user: 'ops', jump: ['bastion', 'inner'] },
      nodes: { '10.0.0.1:11211': { via: 'ssh', host: 'sprout-1' } },
    });
  });

  it('keeps what the form does not show, and drops a node left with nothing of its own', () => {
    const original = {
      settingsPath: '/srv/cluster_settings',
      sudo: true,
      knownHostsFile: '/home/ops/.ssh/known_hosts_cw',
      defaults: { via: 'ssh', identityFile: '~/.ssh/ops' },
      nodes: {
        '10.0.0.1:11211': { via: 'ssh', host: 'old-alias', memcached: '127.0.0.1:11311' },
        '10.0.0.2:11211': { via: 'ssh', host: 'sprout-2' },
        '10.0.0.9:11211': { via: 'direct' },
      },
    };
    const fields = profileToFields(original);
    const edited = fieldsToProfile(
      { ...fields, hosts: { '10.0.0.1:11211': 'sprout-1', '10.0.0.2:11211': '' } },
      NODES,
    );
    assert.deepEqual(edited, {
      settingsPath: '/srv/cluster_settings',
      sudo: true,
      knownHostsFile: '/home/ops/.ssh/known_hosts_cw',
      defaults: { via: 'ssh', identityFile: '~/.ssh/ops' },
      nodes: {
        '10.0.0.1:11211': { via: 'ssh', host: 'sprout-1', memcached: '127.0.0.1:11311' },
        '10.0.0.9:11211': { via: 'direct' },
      },
    });
    assert.deepEqual(fieldsToProfile(fields, NODES), original);
  });

  it('fills only blank aliases, by HostName first', () => {
    const hosts = [
      { alias: 'by-name', hostName: '10.0.0.1' },
      { alias: '10.0.0.2' },
      { alias: 'other', hostName: '10.0.0.2' },
    ];
    assert.deepEqual(matchAliases([...NODES, '10.0.0.3:11211'], {}, hosts), {
      '10.0.0.1:11211': 'by-name',
      '10.0.0.2:11211': 'other',
    });
    assert.deepEqual(matchAliases(NODES, { '10.0.0.1:11211': 'mine' }, hosts), {
      '10.0.0.1:11211': 'mine',
      '10.0.0.2:11211': 'other',
    });
  });

  it('finds the field a service error names', () => {
    assert.equal(fieldOfError('cluster "x": name: a cluster needs a name'), 'name');
    assert.equal(fieldOfError('cluster "x": servers[2]: "a:1" is listed twice'), 'servers');
    assert.equal(fieldOfError('cluster "x": newServers[0]: "b": no port'), 'newServers');
    assert.equal(
      fieldOfError('clusters:save: definition.name: Too small: expected string to have >=1'),
      'name',
    );
    assert.equal(
      fieldOfError('cluster "x" (profile): settingsPath: must be an absolute path on the nodes'),
      'settingsPath',
    );
    assert.equal(
      fieldOfError('cluster "x" (profile): defaults.user: must be a non-empty string'),
      'user',
    );
    assert.equal(
      fieldOfError('cluster "x" (profile): defaults.via: must be "direct" or "ssh"'),
      'defaults',
    );
    assert.equal(
      fieldOfError(
        'cluster "x" (profile): nodes["10.0.0.1:11211"].host: must be a non-empty string',
      ),
      'nodes',
    );
    assert.equal(
      fieldOfError('cluster "x" (profile): knownHostsFile: must be a non-empty string'),
      'profile',
    );
    assert.equal(fieldOfError('cluster "x" (profile):4: Unexpected token'), 'profile');
    assert.equal(fieldOfError('cannot save: EACCES'), null);
  });

  it('shows at the name or a list the words after the field, not its path', () => {
    assert.equal(
      messageAtField('clusters:save: definition.name: Give the cluster a name.', 'name'),
      'Give the cluster a name.',
    );
    assert.equal(
      messageAtField(
        'cluster "x": newServers[1]: a b: an address has no spaces in it',
        'newServers',
      ),
      'a b: an address has no spaces in it',
    );
    assert.equal(
      messageAtField('cluster "x" (profile): defaults.user: must be a string', 'user'),
      'cluster "x" (profile): defaults.user: must be a string',
    );
  });
});

describe('profile fields of servers named like inherited members', () => {
  const nodes = ['constructor:11211', 'toString', 'hasOwnProperty:11211'];

  it('builds, reads back and matches aliases for them without a TypeError', () => {
    const profile = fieldsToProfile(
      { ...NEW_PROFILE, hosts: { 'constructor:11211': 'sprout-1' } },
      nodes,
    );
    assert.deepEqual(profile.nodes, { 'constructor:11211': { via: 'ssh', host: 'sprout-1' } });
    assert.deepEqual(profileToFields(profile).hosts, { 'constructor:11211': 'sprout-1' });
    assert.deepEqual(matchAliases(nodes, {}, [{ alias: 'ts', hostName: 'toString' }]), {
      toString: 'ts',
    });
  });
});
