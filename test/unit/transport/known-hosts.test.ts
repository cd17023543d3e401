import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  addKnownHost,
  checkHostKey,
  fingerprint,
  knownHostsName,
  knownKeyTypes,
  type HostKey,
} from '../../../core/transport/known-hosts.js';
import { hostKeyAlgorithmsFor } from '../../../core/transport/host-key-algorithms.js';

// An ed25519 public key in SSH wire format: string "ssh-ed25519", string <32 key bytes>.
function ed25519Key(): HostKey {
  const raw = generateKeyPairSync('ed25519')
    .publicKey.export({ format: 'der', type: 'spki' })
    .subarray(-32);
  const string = (bytes: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, bytes.length]), bytes]);
  return {
    type: 'ssh-ed25519',
    blob: Buffer.concat([string(Buffer.from('ssh-ed25519')), string(raw)]),
  };
}

const line = (hosts: string, key: HostKey, marker = '') =>
  `${marker ? marker + ' ' : ''}${hosts} ${key.type} ${key.blob.toString('base64')}`;

function knownHostsFile(...lines: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'astaire-kh-')), 'known_hosts');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('checkHostKey', () => {
  const key = ed25519Key();
  const other = ed25519Key();

  it('trusts a listed key, by plain name, in a list, with a port, or by wildcard', () => {
    const file = knownHostsFile(
      '# comment',
      line('node1,10.0.0.1', key),
      line('[node2]:2222', key),
      line('*.example.net,!bad.example.net', key),
    );
    assert.deepEqual(checkHostKey([file], knownHostsName('10.0.0.1', 22), key), {
      verdict: 'trusted',
      file,
      line: 2,
    });
    assert.equal(checkHostKey([file], knownHostsName('node2', 2222), key).verdict, 'trusted');
    assert.equal(
      checkHostKey([file], knownHostsName('node2', 22), key).verdict,
      'unknown',
      'the port is part of the name',
    );
    assert.equal(
      checkHostKey([file], knownHostsName('MC.Example.NET', 22), key).verdict,
      'trusted',
    );
    assert.equal(
      checkHostKey([file], knownHostsName('bad.example.net', 22), key).verdict,
      'unknown',
    );
  });

  it('reports a changed key of the same type, naming the file and line to fix', () => {
    const file = knownHostsFile(line('a', key), line('node1', key));
    assert.deepEqual(checkHostKey([file], knownHostsName('node1', 22), other), {
      verdict: 'changed',
      file,
      line: 2,
      knownType: 'ssh-ed25519',
    });
  });

  it('refuses a revoked key, and ignores cert-authority lines for plain keys', () => {
    const file = knownHostsFile(
      line('node1', key),
      line('*', key, '@revoked'),
      line('node3', other, '@cert-authority'),
    );
    assert.equal(checkHostKey([file], knownHostsName('node1', 22), key).verdict, 'revoked');
    assert.equal(checkHostKey([file], knownHostsName('node3', 22), other).verdict, 'unknown');
  });

  it("matches entries hashed by OpenSSH's own ssh-keygen -H", () => {
    const file = knownHostsFile(line('node1', key), line('[10.0.0.7]:2200', key));
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    assert.doesNotMatch(readFileSync(file, 'utf8'), /node1|10\.0\.0\.7/);
    assert.equal(checkHostKey([file], knownHostsName('node1', 22), key).verdict, 'trusted');
    assert.equal(checkHostKey([file], knownHostsName('10.0.0.7', 2200), key).verdict, 'trusted');
    assert.equal(checkHostKey([file], knownHostsName('node1', 22), other).verdict, 'changed');
  });

  it('records a confirmed key hashed, in a form OpenSSH finds', () => {
    const file = knownHostsFile();
    addKnownHost(file, knownHostsName('10.0.0.8', 2201), key);
    assert.equal(checkHostKey([file], knownHostsName('10.0.0.8', 2201), key).verdict, 'trusted');
    const found = execFileSync('ssh-keygen', ['-F', '[10.0.0.8]:2201', '-f', file], {
      encoding: 'utf8',
    });
    assert.match(found, /ssh-ed25519/);
  });

  it('knows no hosts from a missing file', () => {
    assert.deepEqual(checkHostKey(['/nonexistent/known_hosts'], knownHostsName('node1', 22), key), {
      verdict: 'unknown',
      otherTypes: [],
    });
  });

  it('prints fingerprints the way ssh-keygen -l does', () => {
    const file = knownHostsFile(line('node1', key));
    const listed = execFileSync('ssh-keygen', ['-l', '-f', file], { encoding: 'utf8' });
    assert.ok(listed.includes(fingerprint(key)), `${listed} should contain ${fingerprint(key)}`);
    assert.equal(knownHostsName('h', 22), 'h');
    assert.equal(knownHostsName('h', 2222), '[h]:2222');
  });
});

describe('host names and the key types known for them', () => {
  const key = ed25519Key();

  it('compares hashed entries with the host name lower-cased, as ssh does', () => {
    const file = knownHostsFile(
      line('node1.example.net', key),
      line('[node2.example.net]:2200', key),
    );
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const name = knownHostsName('Node1.Example.NET', 22);
    assert.equal(name, 'node1.example.net');
    assert.equal(checkHostKey([file], name, key).verdict, 'trusted');
    assert.equal(
      checkHostKey([file], knownHostsName('NODE2.example.net', 2200), key).verdict,
      'trusted',
    );
  });

  it('lists the types of key held for a host, in file order, revoked lines aside', () => {
    const rsa = '[h]:2222 ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7';
    const ecdsa = 'h,[h]:2222 ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY=';
    const file = knownHostsFile(rsa, ecdsa, line('[h]:2222', key, '@revoked'), line('other', key));
    assert.deepEqual(knownKeyTypes([file], '[h]:2222'), ['ssh-rsa', 'ecdsa-sha2-nistp256']);
    assert.deepEqual(knownKeyTypes([file], 'nobody'), []);
  });

  it('offers first the algorithms of the known key types, ssh-rsa meaning the three RSA ones', () => {
    assert.deepEqual(hostKeyAlgorithmsFor(['ssh-rsa']).slice(0, 3), [
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
    ]);
    assert.deepEqual(hostKeyAlgorithmsFor(['ecdsa-sha2-nistp384', 'ssh-ed25519']).slice(0, 2), [
      'ssh-ed25519',
      'ecdsa-sha2-nistp384',
    ]);
    assert.equal(hostKeyAlgorithmsFor([])[0], 'ssh-ed25519');
    assert.equal(hostKeyAlgorithmsFor(['ssh-rsa']).length, hostKeyAlgorithmsFor([]).length);
  });
});
