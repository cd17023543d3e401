/**
 * setup.sh's decisions, driven through its dry run with a made-up machine (platform, commands
 * found, user id, Node's version): what it would install and how, and what it refuses. A dry run
 * installs and runs nothing, so neither does this test.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../support/repo-paths.js';

interface FakeMachine {
  readonly os: string;
  /** The commands found on it; node and npm are added unless `hasNode` is false. */
  readonly commands: readonly string[];
  readonly uid?: number;
  readonly nodeVersion?: string;
  readonly hasNode?: boolean;
}

interface DryRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The commands it says it would run, in order. */
  readonly wouldRun: readonly string[];
}

const SSH_CLIENT = ['ssh', 'ssh-keygen', 'ssh-agent', 'ssh-add'];
const EVERYTHING = ['memcached', ...SSH_CLIENT, 'sshd', 'chromium'];

function dryRun(machine: FakeMachine): DryRun {
  const commands =
    machine.hasNode === false ? machine.commands : ['node', 'npm', ...machine.commands];
  const run = spawnSync('bash', [join(REPO_ROOT, 'setup.sh'), '--dry-run'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ASTAIRE_SETUP_TEST_OS: machine.os,
      ASTAIRE_SETUP_TEST_COMMANDS: commands.join(' '),
      ASTAIRE_SETUP_TEST_UID: String(machine.uid ?? 0),
      ASTAIRE_SETUP_TEST_NODE_VERSION: machine.nodeVersion ?? '20.19.0',
    },
  });
  assert.equal(run.error, undefined);
  assert.doesNotMatch(run.stdout, /^setup: running:/m, 'a dry run runs nothing');
  const wouldRun = [...run.stdout.matchAll(/^setup: would run: (.*)$/gm)].map(
    (match) => match[1] ?? '',
  );
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, wouldRun };
}

/** The system package commands only, without npm ci (which depends on this checkout's state). */
const systemCommands = (run: DryRun) =>
  run.wouldRun.filter((command) => !command.startsWith('npm '));

const APT = '-o DPkg::Lock::Timeout=300 -q';

describe('setup.sh --dry-run', () => {
  it('installs every missing package on Debian with apt-get, after one apt-get update', () => {
    const run = dryRun({ os: 'debian', commands: ['apt-get'] });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(systemCommands(run), [
      `apt-get ${APT} update`,
      `env DEBIAN_FRONTEND=noninteractive apt-get ${APT} install -y --no-install-recommends ` +
        'memcached openssh-client openssh-server chromium',
    ]);
  });

  it('installs only what is missing', () => {
    const run = dryRun({ os: 'debian', commands: ['apt-get', 'memcached', ...SSH_CLIENT] });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^setup: found memcached/m);
    assert.match(run.stdout, /^setup: installing with apt-get: openssh-server chromium$/m);
  });

  it('installs nothing, and runs no apt-get update, when everything is there', () => {
    const run = dryRun({ os: 'debian', commands: ['apt-get', ...EVERYTHING] });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(systemCommands(run), []);
    assert.match(run.stdout, /^setup: system packages: nothing to install$/m);
  });

  it("takes Ubuntu's Chromium package, through sudo for a normal user, saying so first", () => {
    const run = dryRun({ os: 'ubuntu', uid: 1000, commands: ['apt-get', 'sudo', ...SSH_CLIENT] });
    assert.equal(run.status, 0, run.stderr);
    const notice = run.stdout.indexOf('setup: not running as root: installing through sudo');
    assert.ok(notice >= 0, run.stdout);
    assert.ok(notice < run.stdout.indexOf('would run: sudo'), 'the notice comes before sudo');
    assert.deepEqual(systemCommands(run), [
      `sudo apt-get ${APT} update`,
      `sudo env DEBIAN_FRONTEND=noninteractive apt-get ${APT} install -y --no-install-recommends ` +
        'memcached openssh-server chromium-browser',
    ]);
  });

  it('refuses, naming sudo, when a normal user has no sudo', () => {
    const run = dryRun({ os: 'debian', uid: 1000, commands: ['apt-get'] });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /needs root and sudo is not installed: run \.\/setup\.sh as root/);
    assert.deepEqual(run.wouldRun, []);
  });

  it("uses dnf and Fedora's package names", () => {
    const run = dryRun({ os: 'fedora', uid: 1000, commands: ['dnf', 'sudo'] });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(systemCommands(run), [
      'sudo dnf install -y memcached openssh-clients openssh-server chromium',
    ]);
  });

  it("uses Homebrew on macOS, as the user, with Chromium's cask", () => {
    const run = dryRun({ os: 'macos', uid: 501, commands: ['brew', 'sshd', ...SSH_CLIENT] });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(systemCommands(run), [
      'brew install memcached',
      'brew install --cask chromium',
    ]);
    assert.doesNotMatch(run.stdout, /sudo/);
  });

  it('says where to get Homebrew when it is missing on macOS', () => {
    const run = dryRun({ os: 'macos', uid: 501, commands: [] });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /brew is not installed.*https:\/\/brew\.sh/);
  });

  it('names exactly what to install on a platform it cannot install on, and stops', () => {
    const run = dryRun({ os: 'arch', commands: ['pacman', 'memcached'] });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /this platform \(arch\) is not one this script installs on/);
    assert.match(run.stderr, /Install these yourself, then run\s+\.\/setup\.sh again:/);
    const listed = [...run.stderr.matchAll(/^ {2}- (.*)$/gm)].map((match) => match[1] ?? '');
    assert.deepEqual(listed, [
      'the OpenSSH client (ssh, ssh-keygen, ssh-agent, ssh-add)',
      'the OpenSSH server (sshd)',
      'Chromium (the chromium command), for the browser tests',
    ]);
    assert.deepEqual(run.wouldRun, [], 'nothing runs, npm ci included');
  });

  it('goes on, on any platform, when nothing is missing', () => {
    const run = dryRun({ os: 'arch', commands: EVERYTHING });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(systemCommands(run), []);
  });

  it('stops before anything else when Node is older than package.json engines', () => {
    const run = dryRun({ os: 'debian', commands: ['apt-get'], nodeVersion: '20.18.3' });
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /Node 20\.18\.3 is too old: this project needs Node >= 20\.19 \(package\.json engines\)\. Install a newer Node/,
    );
    assert.deepEqual(run.wouldRun, []);
  });

  it('compares versions field by field, not as text', () => {
    for (const version of ['20.19.0', '20.100.1', '22.0.0', '100.0.0']) {
      assert.equal(dryRun({ os: 'debian', commands: EVERYTHING, nodeVersion: version }).status, 0);
    }
    for (const version of ['20.9.9', '19.99.0', '3.0.0']) {
      assert.equal(dryRun({ os: 'debian', commands: EVERYTHING, nodeVersion: version }).status, 1);
    }
  });

  it('says what to install when there is no Node at all', () => {
    const run = dryRun({ os: 'debian', commands: ['apt-get'], hasNode: false });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /Node\.js 20\.19 or newer, with npm, is needed and was not found/);
    assert.deepEqual(run.wouldRun, []);
  });
});
