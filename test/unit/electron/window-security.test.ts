import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CONTENT_SECURITY_POLICY,
  isWebUrl,
  withContentSecurityPolicy,
} from '../../../electron/window-security.js';

describe('isWebUrl', () => {
  it('lets only http and https links out to the browser', () => {
    assert.ok(isWebUrl('https://github.com/'));
    assert.ok(isWebUrl('http://10.0.0.1:8080/status'));
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'ms-settings:',
      'data:text/html,hi',
      'not a url',
    ]) {
      assert.equal(isWebUrl(url), false, url);
    }
  });
});

describe('withContentSecurityPolicy', () => {
  it('adds the policy and keeps the other headers', () => {
    const headers = withContentSecurityPolicy({ 'Content-Type': ['text/html'] });
    assert.deepEqual(headers, {
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
  });

  it('allows nothing by default and no inline or evaluated script', () => {
    assert.match(CONTENT_SECURITY_POLICY, /(^|; )default-src 'none'(;|$)/);
    assert.match(CONTENT_SECURITY_POLICY, /(^|; )script-src 'self'(;|$)/);
    assert.match(CONTENT_SECURITY_POLICY, /(^|; )connect-src 'none'(;|$)/);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-/);
  });
});
