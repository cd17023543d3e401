/**
 * SSH against real OpenSSH servers: host keys (unknown, confirmed, refused, changed), key files
 * (plain and encrypted), ssh-agent, commands, a two-hop jump chain, and a full resync through a
 * tunnel.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import SSHConfig from 'ssh-config';
import { AuthError, HostKeyError, TimeoutError } from '../../../core/errors.js';
import { parseClusterProfile } from '../../../core/cluster/cluster-profile.js';
import { computeStoreView } from '../../../core/cluster/store-view.js';
import { ResyncJob } from '../../../core/resync/resync-engine.js';
import { profileConnector } from '../../../core/transport/profile-connector.js';
import type { SshHop } from '../../../core/transport/ssh-route.js';
import {
  SshSession,
  type HostKeyQuestion,
  type SshPrompts,
} from '../../../core/transport/ssh-session.js';
import {
  ClusterClients,
  checkPlacement,
  makeDataset,
  writeThroughView,
} from '../../support/cluster-data.js';
import { startCluster } from '../../support/memcached-process.js';
import {
  knownHostsEntry,
  makeClientKeys,
  startSshd,
  type ClientKeys,
  type SshdProcess,
} from '../../support/sshd-process.js';

const user = userInfo().username;

function prompts(
  answers: Partial<{ trust: boolean; passphrase: string; asked: HostKeyQuestion[] }> = {},
): SshPrompts {
  return {
    confirmHostKey: async (question) => {
      answers.asked?.push(question);
      return answers.trust ?? false;
    },
    passphrase: async () => answers.passphrase,
    password: async () => undefined,
  };
}

function knownHosts(...lines: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'astaire-kh-')), 'known_hosts');
  writeFileSync(file, lines.map((l) => l + '\n').join(''));
  return file;
}

describe('SSH sessions against real sshd', () => {
  let keys: ClientKeys;
  let a: SshdProcess;
  let b: SshdProcess;
  const hop = (server: SshdProcess, identity: string): SshHop => ({
    alias: server.host,
    host: server.host,
    port: server.port,
    user,
    identityFiles: [identity],
  });
  const entry = knownHostsEntry;

  before(async () => {
    keys = makeClientKeys();
    a = await startSshd(keys);
    b = await startSshd(keys);
  });
  after(async () => {
    await a.stop();
    await b.stop();
  });

  it('asks about an unknown host key, records it on yes, and does not ask again', async () => {
    const file = knownHosts();
    const asked: HostKeyQuestion[] = [];
    const session = await SshSession.open([hop(a, keys.plain)], {
      knownHostsFiles: [file],
      prompts: prompts({ trust: true, asked }),
      agentSocket: '',
    });
    session.close();
    assert.equal(asked.length, 1);
    assert.equal(asked[0]?.keyType, 'ssh-ed25519');
    const expected = execFileSync('ssh-keygen', ['-l', '-f', '-'], {
      input: a.hostKeyLine,
      encoding: 'utf8',
    });
    assert.ok(expected.includes(asked[0]?.fingerprint ?? '?'), 'the fingerprint ssh-keygen shows');
    const again = await SshSession.open([hop(a, keys.plain)], {
      knownHostsFiles: [file],
      prompts: prompts({ asked }),
      agentSocket: '',
    });
    again.close();
    assert.equal(asked.length, 1, 'a recorded key is trusted without asking');
  });

  it('refuses an unknown host key the operator did not confirm', async () => {
    await assert.rejects(
      SshSession.open([hop(a, keys.plain)], {
        knownHostsFiles: [knownHosts()],
        prompts: prompts({ trust: false }),
        agentSocket: '',
      }),
      (error: unknown) =>
        error instanceof HostKeyError &&
        error.code === 'SSH_HOST_KEY_UNKNOWN' &&
        error.message.includes(a.host),
    );
  });

  it('refuses a changed host key, naming the known_hosts file and line to fix', async () => {
    const file = knownHosts('# ops', entry(b));
    await b.restartWithNewHostKey();
    await assert.rejects(
      SshSession.open([hop(b, keys.plain)], {
        knownHostsFiles: [file],
        prompts: prompts({ trust: true }),
        agentSocket: '',
      }),
      (error: unknown) =>
        error instanceof HostKeyError &&
        error.code === 'SSH_HOST_KEY_CHANGED' &&
        error.message.includes(`remove line 2 of ${file}`),
    );
  });

  it('decrypts an encrypted key with the passphrase the caller gives, and says when it is wrong', async () => {
    const file = knownHosts(entry(a));
    const session = await SshSession.open([hop(a, keys.encrypted)], {
      knownHostsFiles: [file],
      prompts: prompts({ passphrase: keys.passphrase }),
      agentSocket: '',
    });
    session.close();
    await assert.rejects(
      SshSession.open([hop(a, keys.encrypted)], {
        knownHostsFiles: [file],
        prompts: prompts({ passphrase: 'not-the-passphrase-xyz' }),
        agentSocket: '',
      }),
      (error: unknown) =>
        error instanceof AuthError &&
        error.code === 'SSH_BAD_PASSPHRASE' &&
        !error.message.includes('not-the-passphrase-xyz'),
    );
  });

  it('authenticates through a real ssh-agent', async () => {
    const socket = join(mkdtempSync(join(tmpdir(), 'astaire-agent-')), 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 100 && !exists(socket); i++) await sleep(20);
      execFileSync('ssh-add', [keys.plain], {
        env: { ...process.env, SSH_AUTH_SOCK: socket },
        stdio: 'ignore',
      });
      const session = await SshSession.open(
        [{ ...hop(a, '/nonexistent/key'), identityFiles: ['/nonexistent/key'] }],
        {
          knownHostsFiles: [knownHosts(entry(a))],
          prompts: prompts(),
          agentSocket: socket,
        },
      );
      const result = await session.exec('echo agent-ok');
      session.close();
      assert.equal(result.stdout, 'agent-ok\n');
    } finally {
      agent.kill('SIGKILL');
    }
  });

  it('fails authentication with the methods it tried, and no secret', async () => {
    await assert.rejects(
      SshSession.open([{ ...hop(a, '/nonexistent/key'), user: 'nobody-here' }], {
        knownHostsFiles: [knownHosts(entry(a))],
        prompts: prompts(),
        agentSocket: '',
      }),
      (error: unknown) => error instanceof AuthError && /accepted none of/.test(error.message),
    );
  });

  it('runs commands with exit status, stdout and stderr, and a timeout', async () => {
    const session = await SshSession.open([hop(a, keys.plain)], {
      knownHostsFiles: [knownHosts(entry(a))],
      prompts: prompts(),
      agentSocket: '',
    });
    try {
      assert.deepEqual(await session.exec('echo out; echo err >&2; exit 3'), {
        exitCode: 3,
        stdout: 'out\n',
        stderr: 'err\n',
      });
      await assert.rejects(session.exec('sleep 5', { timeoutMs: 300 }), TimeoutError);
    } finally {
      session.close();
    }
  });

  it('chains through a jump host', async () => {
    const file = knownHosts(entry(a), entry(b));
    const session = await SshSession.open([hop(a, keys.plain), hop(b, keys.plain)], {
      knownHostsFiles: [file],
      prompts: prompts(),
      agentSocket: '',
    });
    try {
      const result = await session.exec('echo "$SSH_CONNECTION"');
      // The last hop's sshd sees the connection arrive at its own address.
      assert.match(result.stdout, new RegExp(` ${b.host.replace(/\./g, '\\.')} ${b.port}\\n$`));
    } finally {
      session.close();
    }
  });

  it('carries a full resync through SSH tunnels, one SSH connection for all nodes', async () => {
    const cluster = await startCluster(4);
    const clients = new ClusterClients();
    try {
      const n = cluster.addresses;
      const settings = { servers: n.slice(0, 3), newServers: n };
      const items = makeDataset({ seed: 41, count: 2000, awkwardKeys: true });
      await writeThroughView(
        computeStoreView({ servers: settings.servers, newServers: [] }),
        items,
        clients,
      );
      const profile = parseClusterProfile(
        JSON.stringify({
          knownHostsFile: knownHosts(entry(a)),
          nodes: Object.fromEntries(
            n.map((node) => [
              node,
              {
                via: 'ssh',
                host: a.host,
                port: a.port,
                user,
                identityFile: keys.plain,
                memcached: node,
              },
            ]),
          ),
        }),
        'test.profile.json',
      );
      const connector = profileConnector(profile, {
        sshConfig: new SSHConfig(),
        ssh: { prompts: prompts(), agentSocket: '' },
      });
      try {
        const summary = await new ResyncJob({
          target: n[3] as string,
          settings,
          full: true,
          connect: connector.connect,
        }).run();
        assert.ok(summary.isComplete, JSON.stringify(summary.error ?? summary.failed.slice(0, 2)));
        assert.ok(summary.counts.added > 0);
        const sessions = await Promise.all(n.map((node) => connector.sessionFor(node)));
        assert.equal(
          new Set(sessions).size,
          1,
          'every node shares the one SSH session to their host',
        );
      } finally {
        connector.close();
      }
      const placement = await checkPlacement(settings, items, clients);
      assert.deepEqual(placement.wrong.slice(0, 5), []);
    } finally {
      await clients.close();
      await cluster.stop();
    }
  });
});

function exists(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
