import assert from 'node:assert/strict';
import { userInfo, homedir } from 'node:os';
import { describe, it } from 'node:test';
import SSHConfig from 'ssh-config';
import { ConfigError } from '../../../core/errors.js';
import { sshDefaultsFor } from '../../../core/transport/ssh-config.js';
import { resolveSshRoute } from '../../../core/transport/ssh-route.js';

const CONFIG = SSHConfig.parse(`
Host bastion
  HostName 192.0.2.10
  User jumper
  Port 2222
  IdentityFile ~/.ssh/bastion_%r

Host sprout-*
  User ops
  ProxyJump bastion

Host sprout-1
  HostName 10.0.0.1
  Port 22022

Host inner
  HostName 10.9.9.9
  ProxyJump bastion

Host loop-a
  ProxyJump loop-b
Host loop-b
  ProxyJump loop-a

Match exec "touch /tmp/astaire-must-not-exist"
  User pwned

Host *
  IdentityFile ~/.ssh/id_ed25519
`);

describe('sshDefaultsFor', () => {
  it('takes the first value of each directive, as ssh does, and expands tokens', () => {
    assert.deepEqual(sshDefaultsFor(CONFIG, 'bastion'), {
      hostName: '192.0.2.10',
      user: 'jumper',
      port: 2222,
      identityFiles: [`${homedir()}/.ssh/bastion_jumper`, `${homedir()}/.ssh/id_ed25519`],
    });
    const sprout = sshDefaultsFor(CONFIG, 'sprout-1');
    assert.equal(sprout.user, 'ops');
    assert.equal(sprout.port, 22022);
    assert.deepEqual(sprout.proxyJump, ['bastion']);
  });

  it('never runs Match exec', () => {
    assert.notEqual(sshDefaultsFor(CONFIG, 'anything').user, 'pwned');
  });
});

describe('resolveSshRoute', () => {
  it('reaches a node through its ProxyJump, each hop as ssh would resolve it', () => {
    const route = resolveSshRoute('10.0.0.1:11211', { via: 'ssh', host: 'sprout-1' }, CONFIG);
    assert.deepEqual(
      route.hops.map((h) => [h.alias, h.host, h.port, h.user]),
      [
        ['bastion', '192.0.2.10', 2222, 'jumper'],
        ['sprout-1', '10.0.0.1', 22022, 'ops'],
      ],
    );
    assert.deepEqual(route.memcached, { host: '127.0.0.1', port: 11211, hasExplicitPort: true });
  });

  it('lets the profile override the config, jump hosts included', () => {
    const route = resolveSshRoute(
      '10.0.0.1:11211',
      {
        via: 'ssh',
        host: 'sprout-1',
        user: 'root',
        port: 22,
        jump: ['admin@198.51.100.7:2200', 'inner'],
        memcached: '127.0.0.1:11311',
      },
      CONFIG,
    );
    assert.deepEqual(
      route.hops.map((h) => `${h.user}@${h.host}:${h.port}`),
      [`admin@198.51.100.7:2200`, `${userInfo().username}@10.9.9.9:22`, 'root@10.0.0.1:22'],
      'the second jump host is reached through the first; its own ProxyJump is ignored, as with ssh -J',
    );
    assert.equal(route.memcached.port, 11311);
  });

  it('defaults the SSH host to the host of the cluster_settings entry', () => {
    const route = resolveSshRoute('203.0.113.5:11211', { via: 'ssh' }, CONFIG);
    assert.equal(route.hops.at(-1)?.host, '203.0.113.5');
  });

  it('refuses a ProxyJump loop instead of recursing forever', () => {
    assert.throws(
      () => resolveSshRoute('10.0.0.1:11211', { via: 'ssh', host: 'loop-a' }, CONFIG),
      (error: unknown) => error instanceof ConfigError && error.code === 'SSH_JUMP_LOOP',
    );
  });
});

describe('host-key directives of ~/.ssh/config', () => {
  const config = SSHConfig.parse(`
Host strict
  HostName 10.0.0.5
  StrictHostKeyChecking yes
  HostKeyAlias Sprout-VIP
  UserKnownHostsFile ~/.ssh/ops_hosts /etc/ops/hosts_%h

Host lax
  StrictHostKeyChecking no
  GlobalKnownHostsFile none

Host nofile
  UserKnownHostsFile none

Host typo
  StrictHostKeyChecking maybe
`);

  it('reads the files, the strictness and the alias (lower-cased) for the hop', () => {
    const [hop] = resolveSshRoute('10.0.0.5:11211', { via: 'ssh', host: 'strict' }, config).hops;
    assert.deepEqual(hop?.knownHosts, {
      files: [`${homedir()}/.ssh/ops_hosts`, '/etc/ops/hosts_10.0.0.5', '/etc/ssh/ssh_known_hosts'],
      record: `${homedir()}/.ssh/ops_hosts`,
    });
    assert.equal(hop?.strictHostKeyChecking, 'yes');
    assert.equal(hop?.hostKeyAlias, 'sprout-vip');
  });

  it('reads StrictHostKeyChecking no as accept-new: a changed key is never accepted', () => {
    const [hop] = resolveSshRoute('10.0.0.6:11211', { via: 'ssh', host: 'lax' }, config).hops;
    assert.equal(hop?.strictHostKeyChecking, 'accept-new');
    assert.deepEqual(hop?.knownHosts, {
      files: [`${homedir()}/.ssh/known_hosts`],
      record: `${homedir()}/.ssh/known_hosts`,
    });
  });

  it('records nowhere when UserKnownHostsFile is none', () => {
    const [hop] = resolveSshRoute('10.0.0.7:11211', { via: 'ssh', host: 'nofile' }, config).hops;
    assert.deepEqual(hop?.knownHosts, { files: ['/etc/ssh/ssh_known_hosts'], record: undefined });
  });

  it('leaves the session defaults when the config says nothing about host keys', () => {
    const [hop] = resolveSshRoute('10.0.0.8:11211', { via: 'ssh' }, config).hops;
    assert.equal(hop?.knownHosts, undefined);
    assert.equal(hop?.strictHostKeyChecking, undefined);
    assert.equal(hop?.hostKeyAlias, undefined);
  });

  it('refuses an unknown StrictHostKeyChecking value, naming the host', () => {
    assert.throws(
      () => resolveSshRoute('10.0.0.9:11211', { via: 'ssh', host: 'typo' }, config),
      (error: unknown) =>
        error instanceof ConfigError &&
        /StrictHostKeyChecking "maybe" for typo/.test(error.message),
    );
  });
});
