/**
 * Host keys checked as OpenSSH checks them, against real sshd servers holding several host keys:
 * the kinds of key known_hosts holds are asked for first, and ~/.ssh/config's UserKnownHostsFile,
 * StrictHostKeyChecking and HostKeyAlias are honoured.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SSHConfig from 'ssh-config';
import { HostKeyError } from '../../../core/errors.js';
import { resolveSshRoute } from '../../../core/transport/ssh-route.js';
import { SshSession, type HostKeyQuestion } from '../../../core/transport/ssh-session.js';
import {
  makeClientKeys,
  startSshd,
  type ClientKeys,
  type SshdProcess,
} from '../../support/sshd-process.js';

const user = userInfo().username;

function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), 'astaire-hostkeys-'));
}

function knownHosts(...lines: string[]): string {
  const file = join(scratchDir(), 'known_hosts');
  writeFileSync(file, lines.map((line) => line + '\n').join(''));
  return file;
}

/** An RSA public key line that no server of this run holds. */
function strangerRsaKeyLine(): string {
  const key = join(scratchDir(), 'stranger');
  execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-N', '', '-f', key]);
  return readFileSync(`${key}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
}

/** Prompts that trust any key, and remember each question. */
function trustingPrompts(asked: HostKeyQuestion[]) {
  return {
    confirmHostKey: async (question: HostKeyQuestion) => {
      asked.push(question);
      return true;
    },
    passphrase: async () => undefined,
    password: async () => undefined,
  };
}

describe('host keys as OpenSSH checks them, against real sshd', () => {
  let keys: ClientKeys;
  let sshd: SshdProcess;
  const name = () => `[${sshd.host}]:${sshd.port}`;

  /** Opens a session to `sshd` as the alias `server`, reading the given ~/.ssh/config lines. */
  const openThroughConfig = (
    configLines: readonly string[],
    fallbackKnownHosts: string,
    asked: HostKeyQuestion[],
  ) => {
    const config = SSHConfig.parse(
      [
        'Host server',
        `  HostName ${sshd.host}`,
        `  Port ${sshd.port}`,
        `  User ${user}`,
        `  IdentityFile ${keys.plain}`,
        ...configLines.map((line) => `  ${line}`),
        '',
      ].join('\n'),
    );
    const route = resolveSshRoute('server:11211', { via: 'ssh', host: 'server' }, config);
    const opening = SshSession.open(route.hops, {
      knownHostsFiles: [fallbackKnownHosts],
      prompts: trustingPrompts(asked),
      agentSocket: '',
    });
    // A session a failing test did not expect must not keep the run alive.
    opening.then(
      (session) => opened.push(session),
      () => undefined,
    );
    return opening;
  };
  const opened: SshSession[] = [];

  before(async () => {
    keys = makeClientKeys();
    sshd = await startSshd(keys, ['ed25519', 'rsa', 'ecdsa']);
  });
  after(async () => {
    for (const session of opened) session.close();
    await sshd.stop();
  });

  describe('an unchanged server raises an "unknown key" prompt', () => {
    it('connects with no prompt to a server whose RSA key alone is in known_hosts', async () => {
      const asked: HostKeyQuestion[] = [];
      const session = await openThroughConfig(
        [],
        knownHosts(`${name()} ${sshd.hostKeyLineOf('rsa')}`),
        asked,
      );
      session.close();
      assert.deepEqual(asked, [], 'the server is known: nothing to ask');
    });

    it('connects with no prompt to a server whose ECDSA key alone is in known_hosts', async () => {
      const asked: HostKeyQuestion[] = [];
      const session = await openThroughConfig(
        [],
        knownHosts(`${name()} ${sshd.hostKeyLineOf('ecdsa')}`),
        asked,
      );
      session.close();
      assert.deepEqual(asked, []);
    });

    it('refuses, as changed and not unknown, a server whose RSA key differs from known_hosts', async () => {
      const asked: HostKeyQuestion[] = [];
      const file = knownHosts(`${name()} ${strangerRsaKeyLine()}`);
      await assert.rejects(
        openThroughConfig([], file, asked),
        (error: unknown) =>
          error instanceof HostKeyError &&
          error.code === 'SSH_HOST_KEY_CHANGED' &&
          error.message.includes(`remove line 1 of ${file}`),
      );
      assert.deepEqual(asked, [], 'a changed key is never put to the operator');
    });
  });

  describe('~/.ssh/config host-key directives', () => {
    it('StrictHostKeyChecking yes refuses an unknown key without asking', async () => {
      const asked: HostKeyQuestion[] = [];
      await assert.rejects(
        openThroughConfig(['StrictHostKeyChecking yes'], knownHosts(), asked),
        (error: unknown) =>
          error instanceof HostKeyError &&
          error.code === 'SSH_HOST_KEY_UNKNOWN' &&
          /StrictHostKeyChecking yes/.test(error.message),
      );
      assert.deepEqual(asked, []);
    });

    it('StrictHostKeyChecking accept-new records an unknown key without asking, and refuses a changed one', async () => {
      const asked: HostKeyQuestion[] = [];
      const file = knownHosts();
      const session = await openThroughConfig(['StrictHostKeyChecking accept-new'], file, asked);
      session.close();
      assert.deepEqual(asked, []);
      const found = execFileSync('ssh-keygen', ['-F', name(), '-f', file], { encoding: 'utf8' });
      assert.match(found, /ssh-ed25519/, 'recorded where OpenSSH finds it');

      const changed = knownHosts(`${name()} ${strangerRsaKeyLine()}`);
      await assert.rejects(
        openThroughConfig(['StrictHostKeyChecking no'], changed, asked),
        (error: unknown) => error instanceof HostKeyError && error.code === 'SSH_HOST_KEY_CHANGED',
      );
    });

    it('UserKnownHostsFile is read instead of the default files', async () => {
      const asked: HostKeyQuestion[] = [];
      const own = knownHosts(`${name()} ${sshd.hostKeyLine}`);
      const session = await openThroughConfig([`UserKnownHostsFile ${own}`], knownHosts(), asked);
      session.close();
      assert.deepEqual(asked, []);
    });

    it('HostKeyAlias is the name looked up, hashed entries included, and the name recorded', async () => {
      const asked: HostKeyQuestion[] = [];
      const file = knownHosts(`sprout-vip ${sshd.hostKeyLineOf('rsa')}`);
      execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
      const session = await openThroughConfig(
        ['HostKeyAlias Sprout-VIP', 'StrictHostKeyChecking yes'],
        file,
        asked,
      );
      session.close();
      assert.deepEqual(asked, []);

      const recorded = knownHosts();
      const again = await openThroughConfig(
        ['HostKeyAlias Other-Alias', 'StrictHostKeyChecking accept-new'],
        recorded,
        asked,
      );
      again.close();
      const found = execFileSync('ssh-keygen', ['-F', 'other-alias', '-f', recorded], {
        encoding: 'utf8',
      });
      assert.match(found, /ssh-ed25519/);
      assert.throws(
        () => execFileSync('ssh-keygen', ['-F', name(), '-f', recorded], { stdio: 'pipe' }),
        'recorded under the alias, not the address',
      );
    });
  });
});
