/**
 * The test support itself: real memcached processes, loopback address locks, the raw client and
 * the fault server, checked against the real things they stand for.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { startFaultServer, type FaultServer } from '../../support/fault-server.js';
import {
  allocateLoopbackHost,
  claimLoopbackHost,
  LOOPBACK_LOCK_DIR,
  type LoopbackHost,
} from '../../support/loopback-hosts.js';
import { startCluster, startMemcached } from '../../support/memcached-process.js';
import { rawCommand, rawExchange, rawStats } from '../../support/raw-memcached.js';

const isProcessAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const endsWith = (suffix: string) => (received: Buffer) => received.toString().endsWith(suffix);

interface Conversation {
  readonly received: Buffer;
  readonly isClosedByServer: boolean;
}

// Writes `payload` and collects what arrives within `waitMs` or until the server closes.
async function converse(server: FaultServer, payload: string, waitMs = 300): Promise<Conversation> {
  const socket = connect({ host: server.host, port: server.port });
  const chunks: Buffer[] = [];
  let isClosedByServer = false;
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => {});
  const closed = once(socket, 'close').then(() => (isClosedByServer = true));
  await once(socket, 'connect');
  socket.write(payload);
  await Promise.race([closed, sleep(waitMs)]);
  socket.destroy();
  return { received: Buffer.concat(chunks), isClosedByServer };
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  assert.ok(child.pid !== undefined);
  return child.pid;
}

describe('startCluster', () => {
  it('runs each node on its own address, and stop() leaves no process or listener', async () => {
    const cluster = await startCluster(3);
    try {
      assert.equal(cluster.nodes.length, 3);
      assert.equal(new Set(cluster.addresses).size, 3);
      assert.equal(new Set(cluster.nodes.map((node) => node.host)).size, 3);
      for (const node of cluster.nodes) {
        assert.equal(node.address, `${node.host}:11211`);
        assert.match(await rawCommand(node.host, node.port, 'version'), /^VERSION \d+\.\d+\.\d+/);
        assert.equal((await rawStats(node.host, node.port)).get('pid'), String(node.pid));
      }
    } finally {
      await cluster.stop();
    }
    for (const node of cluster.nodes) {
      assert.equal(isProcessAlive(node.pid), false, `pid ${node.pid} still alive`);
      await assert.rejects(rawCommand(node.host, node.port, 'version'), /ECONNREFUSED/);
    }
    await cluster.stop();
  });
});

describe('startMemcached', () => {
  it('restart() brings back an empty server on the same address', async () => {
    const server = await startMemcached();
    try {
      const { host, port } = server;
      const firstPid = server.pid;
      const stored = await rawExchange(host, port, 'set k 0 0 1\r\nx\r\n', endsWith('\r\n'));
      assert.equal(stored.toString(), 'STORED\r\n');
      const before = await rawExchange(host, port, 'get k\r\n', endsWith('END\r\n'));
      assert.equal(before.toString(), 'VALUE k 0 1\r\nx\r\nEND\r\n');

      await server.restart();

      assert.notEqual(server.pid, firstPid);
      assert.equal(isProcessAlive(firstPid), false);
      const afterRestart = await rawExchange(host, port, 'get k\r\n', endsWith('END\r\n'));
      assert.equal(afterRestart.toString(), 'END\r\n');
    } finally {
      await server.stop();
    }
  });

  it('does not answer while SIGSTOPped and answers again after SIGCONT', async () => {
    const server = await startMemcached();
    try {
      server.signal('SIGSTOP');
      await assert.rejects(
        rawExchange(server.host, server.port, 'version\r\n', endsWith('\r\n'), 300),
        /no complete reply within 300 ms/,
      );
      server.signal('SIGCONT');
      assert.match(await rawCommand(server.host, server.port, 'version'), /^VERSION /);
    } finally {
      await server.stop();
    }
  });

  it('stops a SIGSTOPped server without waiting for the SIGKILL fallback', async () => {
    const server = await startMemcached();
    server.signal('SIGSTOP');
    const startedAt = Date.now();
    await server.stop();
    assert.ok(Date.now() - startedAt < 1500, `stop() took ${Date.now() - startedAt} ms`);
    assert.equal(isProcessAlive(server.pid), false);
  });

  it('stop() after a SIGKILL resolves, and again', async () => {
    const server = await startMemcached();
    server.signal('SIGKILL');
    await server.stop();
    await server.stop();
    assert.equal(isProcessAlive(server.pid), false);
    assert.throws(() => server.signal('SIGCONT'), /not running/);
    await assert.rejects(server.restart(), /stopped for good/);
  });

  it('passes options through to the command line', async () => {
    const server = await startMemcached({ memoryMb: 16, extraArgs: ['-c', '321'] });
    try {
      const stats = await rawStats(server.host, server.port);
      assert.equal(stats.get('limit_maxbytes'), String(16 * 1024 * 1024));
      assert.equal(stats.get('max_connections'), '321');
    } finally {
      await server.stop();
    }
  });

  it('reports the command line and stderr of a memcached that will not start', async () => {
    await assert.rejects(startMemcached({ extraArgs: ['--no-such-option'] }), (error: Error) => {
      assert.match(error.message, /did not start: the process exited/);
      assert.match(error.message, /command: \/usr\/bin\/memcached -l 127\.0\.\d+\.\d+ -p 11211 /);
      assert.match(error.message, /stderr: .*no-such-option/);
      return true;
    });
  });

  it('kills its servers when the test process crashes without stopping them', async () => {
    const moduleUrl = new URL('../../support/memcached-process.js', import.meta.url).href;
    const script =
      `import { startMemcached } from ${JSON.stringify(moduleUrl)};` +
      `const server = await startMemcached();` +
      `console.log(JSON.stringify({ pid: server.pid, host: server.host }));` +
      `throw new Error('test crashed');`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const [status] = (await once(child, 'exit')) as [number | null];
    assert.equal(status, 1);
    const { pid, host } = JSON.parse(stdout) as { pid: number; host: string };
    // The orphan is reaped by init, not by us, so its pid can linger a moment after SIGKILL.
    for (let waited = 0; isProcessAlive(pid) && waited < 2000; waited += 20) await sleep(20);
    assert.equal(isProcessAlive(pid), false, `memcached pid ${pid} was left running`);
    assert.notEqual(readLock(host), `${child.pid}\n`, `the crashed process still locks ${host}`);
  });
});

function readLock(host: string): string | undefined {
  const path = join(LOOPBACK_LOCK_DIR, `${host}.lock`);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

describe('allocateLoopbackHost', () => {
  it('never hands out a held address twice', async () => {
    const held: LoopbackHost[] = [];
    try {
      for (let i = 0; i < 20; i++) held.push(await allocateLoopbackHost());
      held.push(...(await Promise.all(Array.from({ length: 10 }, allocateLoopbackHost))));
      const hosts = held.map((lease) => lease.host);
      assert.equal(new Set(hosts).size, hosts.length);
      for (const host of hosts) {
        assert.match(host, /^127\.0\.\d\.\d{1,3}$/);
        assert.equal(readLock(host), `${process.pid}\n`);
      }
    } finally {
      for (const lease of held) lease.release();
    }
    // Another test process may claim a released address at once, so only our pid must be gone.
    for (const { host } of held) assert.notEqual(readLock(host), `${process.pid}\n`);
  });

  it('takes over a lock whose owner is gone, but not one whose owner lives', async () => {
    const host = '127.0.9.254';
    const path = join(LOOPBACK_LOCK_DIR, `${host}.lock`);
    const first = await claimLoopbackHost(host);
    assert.ok(first !== undefined, `${host} is held by another process`);
    assert.equal(await claimLoopbackHost(host), undefined);
    first.release();

    writeFileSync(path, `${await deadPid()}\n`);
    const takenOver = await claimLoopbackHost(host);
    assert.ok(takenOver !== undefined);
    assert.equal(readFileSync(path, 'utf8'), `${process.pid}\n`);
    takenOver.release();

    writeFileSync(path, `${process.ppid}\n`);
    try {
      assert.equal(await claimLoopbackHost(host), undefined);
    } finally {
      unlinkSync(path);
    }
  });
});

describe('rawExchange', () => {
  it('names the address and what it received when the reply never completes', async () => {
    const server = await startMemcached();
    try {
      await assert.rejects(
        rawExchange(server.host, server.port, 'version\r\n', () => false, 200),
        (error: Error) => {
          assert.match(error.message, new RegExp(`^${server.host.replaceAll('.', '\\.')}:11211: `));
          assert.match(error.message, /no complete reply within 200 ms; received "VERSION /);
          return true;
        },
      );
    } finally {
      await server.stop();
    }
  });
});

describe('startFaultServer', () => {
  const servers: FaultServer[] = [];
  const start = async (...args: Parameters<typeof startFaultServer>) => {
    const server = await startFaultServer(...args);
    servers.push(server);
    return server;
  };
  after(() => Promise.all(servers.map((server) => server.stop())));

  it('stall: accepts and reads, never replies', async () => {
    const server = await start({ kind: 'stall' });
    await assert.rejects(
      rawExchange(server.host, server.port, 'get k\r\n', () => true, 200),
      /no complete reply within 200 ms; received ""/,
    );
    assert.equal(server.connections(), 1);
  });

  it('close-on-request: drops the connection on the first byte', async () => {
    const server = await start({ kind: 'close-on-request' });
    const reply = await converse(server, 'g');
    assert.equal(reply.isClosedByServer, true);
    assert.equal(reply.received.length, 0);
    await assert.rejects(
      rawExchange(server.host, server.port, 'get k\r\n', () => true),
      /connection closed before the reply was complete|ECONNRESET/,
    );
  });

  it('cut-reply: sends the first bytes of the reply after a full line, then ends', async () => {
    const reply = 'VALUE k 0 5\r\nhello\r\nEND\r\n';
    const server = await start({ kind: 'cut-reply', reply, keepBytes: 15 });
    const partial = await converse(server, 'get ');
    assert.deepEqual(partial, { received: Buffer.alloc(0), isClosedByServer: false });
    const full = await converse(server, 'get k\r\n');
    assert.equal(full.received.toString(), reply.slice(0, 15));
    assert.equal(full.isClosedByServer, true);
  });

  it('garbage: answers the first line with the bytes and keeps the connection', async () => {
    const bytes = Buffer.from([0xff, 0x00, 0x0d, 0x42]);
    const server = await start({ kind: 'garbage', bytes });
    const reply = await converse(server, 'version\r\nversion\r\n');
    assert.deepEqual(reply, { received: bytes, isClosedByServer: false });
  });

  it('script: sees every line, data blocks included, and answers on the socket', async () => {
    const lines: string[] = [];
    const server = await start({
      kind: 'script',
      onLine: (line: string, socket: Socket) => {
        lines.push(line);
        if (line === 'version') socket.write('VERSION fault\r\n');
      },
    });
    const reply = await converse(server, 'set k 0 0 3\r\nabc\r\nget k\nver');
    assert.deepEqual(lines, ['set k 0 0 3', 'abc', 'get k']);
    assert.equal(reply.received.length, 0);
    assert.equal(await rawCommand(server.host, server.port, 'version'), 'VERSION fault');
    assert.equal(server.connections(), 2);
  });

  it('stop() ends open connections', async () => {
    const server = await startFaultServer({ kind: 'stall' });
    const socket = connect({ host: server.host, port: server.port });
    socket.on('error', () => {});
    await once(socket, 'connect');
    while (server.connections() === 0) await sleep(5);
    const closed = once(socket, 'close');
    await server.stop();
    await closed;
    await assert.rejects(rawCommand(server.host, server.port, 'version'), /ECONNREFUSED/);
  });

  it('listens on loopback addresses only', async () => {
    await assert.rejects(startFaultServer({ kind: 'stall' }, '0.0.0.0'), /loopback only/);
    await assert.rejects(startFaultServer({ kind: 'stall' }, '10.1.2.3'), /loopback only/);
    const server = await start({ kind: 'stall' }, '127.0.0.2');
    assert.equal(server.address, `127.0.0.2:${server.port}`);
  });
});
