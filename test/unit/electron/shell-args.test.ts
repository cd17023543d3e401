import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_DEMO_KEYS } from '../../../core/demo/demo-cluster.js';
import { UsageError } from '../../../core/errors.js';
import { parseShellArgs } from '../../../electron/shell-args.js';

describe('parseShellArgs', () => {
  it('opens no demo cluster and the default data directory without options', () => {
    assert.deepEqual(parseShellArgs(['/opt/astaire']), { demoKeys: undefined, dataDir: undefined });
  });

  it('takes --demo with the default or a given number of keys', () => {
    assert.equal(parseShellArgs(['--demo']).demoKeys, DEFAULT_DEMO_KEYS);
    assert.equal(parseShellArgs(['--demo', '--keys', '500']).demoKeys, 500);
    assert.equal(parseShellArgs(['--keys=7', '--demo']).demoKeys, 7);
    assert.equal(parseShellArgs(['--keys', '7']).demoKeys, undefined);
  });

  it('takes --data-dir', () => {
    assert.equal(parseShellArgs(['--data-dir', '/tmp/console']).dataDir, '/tmp/console');
  });

  it("ignores the app path and Chromium's switches", () => {
    const options = parseShellArgs([
      '--inspect=0',
      '--remote-debugging-port=0',
      '/opt/astaire',
      '--no-sandbox',
      '--demo',
    ]);
    assert.deepEqual(options, { demoKeys: DEFAULT_DEMO_KEYS, dataDir: undefined });
  });

  it('refuses a --keys that is not a whole number', () => {
    assert.throws(
      () => parseShellArgs(['--demo', '--keys', 'many']),
      (error) => error instanceof UsageError && /--keys must be a whole number/.test(error.message),
    );
  });
});
