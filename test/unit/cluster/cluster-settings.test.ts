import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ConfigError } from '../../../core/errors.js';
import {
  formatClusterSettings,
  parseClusterSettings,
  rewriteClusterSettings,
} from '../../../core/cluster/cluster-settings.js';
import { settingsVectors } from '../../support/reference-data.js';

const FILE = '/etc/clearwater/cluster_settings';

function rejection(text: string): ConfigError {
  try {
    parseClusterSettings(text, FILE);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('parseClusterSettings against the Clearwater reference', () => {
  for (const vector of settingsVectors()) {
    it(`${vector.name}: ${vector.note}`, () => {
      if (vector.expected === 'error') {
        const error = rejection(vector.content);
        assert.ok(error.message.startsWith(FILE), error.message);
      } else {
        const parsed = parseClusterSettings(vector.content, FILE);
        assert.deepEqual(parsed.servers, vector.expected.servers);
        assert.deepEqual(parsed.newServers, vector.expected.new_servers);
      }
    });
  }
});

describe('parseClusterSettings quirks beyond the reference', () => {
  it('names the file and line of an unknown key, and the key', () => {
    const error = rejection('# comment\nservers=a:1\ntombstone_lifetime=300\n');
    assert.equal(error.code, 'SETTINGS_UNKNOWN_KEY');
    assert.equal(error.place.line, 3);
    assert.match(
      error.message,
      /^\/etc\/clearwater\/cluster_settings:3: unknown key "tombstone_lifetime"/,
    );
  });

  it('quotes a bad line or key only printable and short: no escape sequences, no flood', () => {
    const hostile = '\u001b[2J\u001b]0;owned\u0007' + 'x'.repeat(5000);
    for (const [text, code] of [
      [`servers=a:1\n${hostile}=1=2\n`, 'SETTINGS_BAD_LINE'],
      [`servers=a:1\n${hostile}=1\n`, 'SETTINGS_UNKNOWN_KEY'],
    ] as const) {
      const error = rejection(text);
      assert.equal(error.code, code);
      assert.equal(error.place.line, 2);
      assert.ok(error.message.length < 300, `${error.message.length} characters`);
      assert.match(error.message, /"\?\[2J\?\]0;owned\?x+\.\.\."/);
    }
  });

  it('names the line of a line with two "=" and says why', () => {
    const error = rejection('servers=a:1\nnew_servers=b:1=c:1\n');
    assert.equal(error.code, 'SETTINGS_BAD_LINE');
    assert.equal(error.place.line, 2);
    assert.match(error.message, /only one is allowed/);
  });

  it('rejects a line of only "=" signs', () => {
    assert.equal(rejection('servers=a:1\n==\n').place.line, 2);
  });

  it('rejects new_servers without servers, naming the file but no line', () => {
    const error = rejection('new_servers=a:1\n');
    assert.equal(error.code, 'SETTINGS_NO_SERVERS');
    assert.equal(error.place.line, undefined);
  });

  it('drops the empty piece of "==" and accepts a key with no "=" as an empty list', () => {
    assert.deepEqual(parseClusterSettings('servers==a:1\n', FILE).servers, ['a:1']);
    assert.deepEqual(parseClusterSettings('servers\n', FILE).servers, []);
  });

  it('appends repeated lines in file order', () => {
    const parsed = parseClusterSettings('servers=a:1\nnew_servers=c:1\nservers=b:1,a:1\n', FILE);
    assert.deepEqual(parsed.servers, ['a:1', 'b:1', 'a:1']);
    assert.deepEqual(parsed.newServers, ['c:1']);
  });

  it('deletes C whitespace (tab, vertical tab, form feed, CR) but not Unicode spaces', () => {
    assert.deepEqual(parseClusterSettings('ser\tvers =\va:1,\fb:1\r\n', FILE).servers, [
      'a:1',
      'b:1',
    ]);
    assert.deepEqual(parseClusterSettings('servers=a:1\u00a0\n', FILE).servers, ['a:1\u00a0']);
  });

  it('treats a lone CR as whitespace, not as a line break', () => {
    assert.deepEqual(parseClusterSettings('servers=a:1\rb:1\n', FILE).servers, ['a:1b:1']);
  });

  it('keeps each accepted line with its number and original text', () => {
    const parsed = parseClusterSettings('\n# c\nservers = a:1\n', FILE);
    assert.deepEqual(parsed.lines, [
      { key: 'servers', items: ['a:1'], line: 3, raw: 'servers = a:1' },
    ]);
  });
});

// Server names the writer accepts: anything printable without the reader's separators.
const serverName = fc.stringMatching(/^[A-Za-z0-9.:[\]_-]{1,30}$/);
const serverList = fc.array(serverName, { maxLength: 12 });

describe('formatClusterSettings', () => {
  it('is read back as the same lists (property)', () => {
    fc.assert(
      fc.property(serverList, serverList, (servers, newServers) => {
        const parsed = parseClusterSettings(formatClusterSettings({ servers, newServers }), FILE);
        assert.deepEqual(parsed.servers, servers);
        assert.deepEqual(parsed.newServers, newServers);
      }),
      { seed: 20261124, numRuns: 500 },
    );
  });

  it('writes new_servers only during a resize', () => {
    assert.equal(formatClusterSettings({ servers: ['a:1'], newServers: [] }), 'servers=a:1\n');
    assert.equal(
      formatClusterSettings({ servers: ['a:1'], newServers: ['a:1', 'b:1'] }),
      'servers=a:1\nnew_servers=a:1,b:1\n',
    );
  });

  it('refuses a name it could not write faithfully', () => {
    for (const bad of ['', 'a b:1', 'a,b', 'a=b', 'a#b']) {
      assert.throws(
        () => formatClusterSettings({ servers: [bad], newServers: [] }),
        (error: unknown) =>
          error instanceof ConfigError && error.code === 'SETTINGS_UNWRITABLE_SERVER',
      );
    }
  });
});

describe('rewriteClusterSettings', () => {
  const original = '# Managed by ops\nservers=a:1,b:1\n\n# resize below\nservers=c:1\n';

  it('keeps comments and blank lines, replacing the first servers line and dropping repeats', () => {
    const text = rewriteClusterSettings(original, FILE, { servers: ['a:1'], newServers: [] });
    assert.equal(text, '# Managed by ops\nservers=a:1\n\n# resize below\n');
  });

  it('adds new_servers right after servers when the file had none', () => {
    const text = rewriteClusterSettings('servers=a:1\n# end\n', FILE, {
      servers: ['a:1'],
      newServers: ['a:1', 'b:1'],
    });
    assert.equal(text, 'servers=a:1\nnew_servers=a:1,b:1\n# end\n');
  });

  it('replaces new_servers in place, and removes it when the resize is over', () => {
    const during = 'servers=a:1\n# target\nnew_servers=a:1,b:1\n';
    assert.equal(
      rewriteClusterSettings(during, FILE, { servers: ['a:1'], newServers: ['b:1'] }),
      'servers=a:1\n# target\nnew_servers=b:1\n',
    );
    assert.equal(
      rewriteClusterSettings(during, FILE, { servers: ['a:1', 'b:1'], newServers: [] }),
      'servers=a:1,b:1\n# target\n',
    );
  });

  it('refuses to rewrite a file the clients would reject', () => {
    assert.throws(
      () =>
        rewriteClusterSettings('servers=a:1\nbogus=1\n', FILE, {
          servers: ['a:1'],
          newServers: [],
        }),
      (error: unknown) => error instanceof ConfigError && error.place.line === 2,
    );
  });

  it('produces a file that reads back as the requested lists (property)', () => {
    fc.assert(
      fc.property(serverList, serverList, serverList, (before, servers, newServers) => {
        const text = rewriteClusterSettings(`# c\nservers=${before.join(',')}\n`, FILE, {
          servers,
          newServers,
        });
        const parsed = parseClusterSettings(text, FILE);
        assert.deepEqual([parsed.servers, parsed.newServers], [servers, newServers]);
        assert.ok(text.startsWith('# c\n'));
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
