import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  admit,
  isLoopbackAddress,
  type AdmissionRequest,
} from '../../../core/console/web-admission.js';

const TOKEN = 'c2Vzc2lvbi10b2tlbi1mb3ItdGVzdHM';
const POLICY = { token: TOKEN };
const GOOD: AdmissionRequest = {
  remoteAddress: '127.0.0.1',
  host: '127.0.0.1:8080',
  origin: 'http://127.0.0.1:8080',
  path: `/s/${TOKEN}/api/clusters:list`,
};

describe('admit', () => {
  it('admits our page calling us, and gives the path after the token', () => {
    assert.deepEqual(admit(GOOD, POLICY), { ok: true, rest: 'api/clusters:list', hasSlash: true });
    assert.deepEqual(admit({ ...GOOD, path: `/s/${TOKEN}` }, POLICY), {
      ok: true,
      rest: '',
      hasSlash: false,
    });
  });

  it('admits a script with the token and no Origin', () => {
    assert.equal(admit({ ...GOOD, origin: undefined }, POLICY).ok, true);
  });

  it('refuses clients that are not on loopback', () => {
    for (const remoteAddress of [
      '10.0.0.5',
      '192.168.1.20',
      '::ffff:10.1.2.3',
      'fe80::1',
      '2001:db8::1',
      undefined,
    ]) {
      const result = admit({ ...GOOD, remoteAddress }, POLICY);
      assert.deepEqual(
        result,
        {
          ok: false,
          status: 403,
          reason: 'the web console answers loopback clients only',
        },
        String(remoteAddress),
      );
    }
  });

  it('refuses a missing, wrong, or nearly right token', () => {
    for (const path of [
      '/',
      '/api/clusters:list',
      '/s//api/clusters:list',
      `/s/${TOKEN.slice(0, -1)}/api/clusters:list`,
      `/s/${TOKEN}x/api/clusters:list`,
      `/s/${TOKEN.toUpperCase()}/`,
      `/x/${TOKEN}/`,
    ]) {
      const result = admit({ ...GOOD, path }, POLICY);
      assert.equal(result.ok, false, path);
      assert.ok(!result.ok && result.status === 403 && /token/.test(result.reason), path);
    }
  });

  it('refuses other pages (wrong Origin)', () => {
    for (const origin of [
      'http://evil.example',
      'http://evil.example:8080',
      'http://127.0.0.1.evil.example:8080',
      'http://localhost.evil.example',
      'http://user@127.0.0.1:8080',
      'https://127.0.0.1:8080',
      'null',
      'file://',
    ]) {
      const result = admit({ ...GOOD, origin }, POLICY);
      assert.ok(!result.ok && result.status === 403 && /other pages/.test(result.reason), origin);
    }
  });

  it('admits a loopback page on any port: the port a tunnel or forwarder listens on', () => {
    for (const [host, origin] of [
      ['127.0.0.1:9999', 'http://127.0.0.1:9999'],
      ['localhost:8080', 'http://localhost:8080'],
      ['LocalHost:1', 'http://LOCALHOST:1'],
      ['[::1]:8080', 'http://[::1]:8080'],
      ['127.4.5.6:443', 'http://127.4.5.6:443'],
      ['127.0.0.1', 'http://127.0.0.1'],
    ] as const) {
      assert.equal(admit({ ...GOOD, host, origin }, POLICY).ok, true, host);
    }
  });

  it('refuses host names that are not loopback literals or localhost (DNS rebinding)', () => {
    for (const host of [
      'evil.example:8080',
      'evil.example',
      '127.0.0.1.nip.io:8080',
      'localhost.evil.example:8080',
      '127.1:8080',
      '127.0.0.1:0',
      '127.0.0.1:65536',
      '127.0.0.1:',
      '[::2]:8080',
      '[::1]x:8080',
      'user@127.0.0.1:8080',
      '',
      undefined,
    ]) {
      const result = admit({ ...GOOD, host, origin: undefined }, POLICY);
      assert.ok(!result.ok && result.status === 421, String(host));
    }
  });
});

describe('isLoopbackAddress', () => {
  it('knows 127.0.0.0/8, ::1 and mapped loopback, and nothing else', () => {
    for (const address of ['127.0.0.1', '127.5.6.7', '::1', '::ffff:127.0.0.1']) {
      assert.equal(isLoopbackAddress(address), true, address);
    }
    for (const address of ['128.0.0.1', '10.0.0.1', '::', '::ffff:10.0.0.1', 'localhost', '']) {
      assert.equal(isLoopbackAddress(address), false, address);
    }
  });
});
