import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { describe, it } from 'node:test';
import { isIPv4, isIPv6 } from '../../../core/shared/ip-address.js';
import {
  formatServerAddress,
  MEMCACHED_DEFAULT_PORT,
  parseServerAddress,
} from '../../../core/shared/server-address.js';
import { checkServerList, splitList } from '../../../core/shared/server-list.js';

function problemOf(entry: string): string {
  const parsed = parseServerAddress(entry);
  assert.equal(parsed.ok, false, `${entry} should be refused`);
  return parsed.ok ? '' : parsed.message;
}

describe('IP address literals without node:net', () => {
  const samples = [
    '127.0.0.1',
    '0.0.0.0',
    '255.255.255.255',
    '256.1.1.1',
    '01.2.3.4',
    '1.2.3',
    '1.2.3.4.5',
    '1..2.3',
    '::',
    '::1',
    '1::',
    'fe80::1%eth0',
    'fe80::1%',
    '2001:db8::8a2e:370:7334',
    '2001:db8:0:0:0:0:2:1',
    '2001:db8:0:0:0:0:2:1:3',
    '1:2:3:4:5:6:7::',
    '1:2:3:4:5:6:7:8::',
    '::ffff:127.0.0.1',
    '::ffff:127.0.0.256',
    '1.2.3.4::',
    '12345::1',
    '1:::2',
    ':1::',
    'g::1',
    '',
  ];
  it('agrees with Node on every sample', () => {
    for (const sample of samples) {
      assert.equal(isIPv4(sample), isIP(sample) === 4, `IPv4 ${sample}`);
      assert.equal(isIPv6(sample), isIP(sample) === 6, `IPv6 ${sample}`);
    }
  });
});

describe('the one address rule', () => {
  it('reads host:port, a host alone on the default port, and IPv6 in brackets', () => {
    assert.deepEqual(parseServerAddress('127.0.0.77:11999'), {
      ok: true,
      address: { host: '127.0.0.77', port: 11999, hasExplicitPort: true },
    });
    assert.deepEqual(parseServerAddress('127.0.0.77'), {
      ok: true,
      address: { host: '127.0.0.77', port: MEMCACHED_DEFAULT_PORT, hasExplicitPort: false },
    });
    assert.deepEqual(parseServerAddress('[::1]:11211'), {
      ok: true,
      address: { host: '::1', port: 11211, hasExplicitPort: true },
    });
    assert.deepEqual(parseServerAddress('mem-1.example.net:1'), {
      ok: true,
      address: { host: 'mem-1.example.net', port: 1, hasExplicitPort: true },
    });
    assert.equal(formatServerAddress({ host: '::1', port: 11211 }), '[::1]:11211');
  });

  it('says a URL is a URL and what to write instead', () => {
    assert.equal(
      problemOf('http://127.0.0.77:11999'),
      'http://127.0.0.77:11999 is a URL; write host:port, e.g. 127.0.0.77:11999',
    );
    assert.equal(
      problemOf('memcached://ops@mem-1/x'),
      'memcached://ops@mem-1/x is a URL; write host:port, e.g. mem-1:11211',
    );
  });

  it('refuses words with spaces, bare IPv6, bad hosts and ports out of range', () => {
    assert.equal(problemOf('not an address'), '"not an address": an address has no spaces in it');
    assert.equal(problemOf(''), 'An empty entry: an address cannot be empty');
    assert.match(problemOf('::1'), /must be written in brackets/);
    assert.match(problemOf('fe80::1:11211'), /must be written in brackets/);
    assert.match(problemOf('a:b:c'), /more than one ":"/);
    assert.match(problemOf('[::1'), /never closed/);
    assert.match(problemOf('[::1]x'), /unexpected "x"/);
    assert.match(problemOf('[10.0.0.1]:11211'), /"10.0.0.1" is not an IPv6 address/);
    assert.match(problemOf('300.0.0.1:11211'), /"300.0.0.1" is not a valid IPv4 address/);
    assert.match(problemOf('under_score:11211'), /neither an IPv4 address nor a host name/);
    assert.match(problemOf(':11211'), /host is missing/);
    for (const port of ['0', '65536', '99999', '', 'x', '-1', '123456']) {
      assert.match(problemOf(`127.0.0.1:${port}`), /is not a number from 1 to 65535/, port);
    }
    assert.equal(parseServerAddress('127.0.0.1:65535').ok, true);
  });
});

describe('server lists as typed', () => {
  it('splits on newlines and commas, as cluster_settings does, and trims', () => {
    assert.deepEqual(splitList(' a:1,b:2\n\n c:3 ,\r\nd:4 '), ['a:1', 'b:2', 'c:3', 'd:4']);
  });

  it('keeps words with spaces as one entry and names it, never three nodes', () => {
    const check = checkServerList('127.0.0.1:11211\nnot an address');
    assert.deepEqual(check.servers, ['127.0.0.1:11211', 'not an address']);
    assert.deepEqual(check.problems, [
      '"not an address" has spaces in it: write one host:port per line, or separate them with commas.',
    ]);
  });

  it('lists the entries reached on the default port, and each problem once', () => {
    const check = checkServerList(
      '127.0.0.77, [::1], 127.0.0.2:11211\nhttp://127.0.0.77:11999\n127.0.0.2:11211',
    );
    assert.deepEqual(check.withImpliedPort, ['127.0.0.77', '[::1]']);
    assert.deepEqual(check.problems, [
      'http://127.0.0.77:11999 is a URL; write host:port, e.g. 127.0.0.77:11999',
      '127.0.0.2:11211 is listed twice.',
    ]);
  });
});
