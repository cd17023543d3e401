import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseClusterSettings } from '../../../core/cluster/cluster-settings.js';
import { lintClusterSettings, formatSettingsWarning } from '../../../core/cluster/settings-lint.js';

const FILE = 'cluster_settings';
const lint = (text: string) => lintClusterSettings(parseClusterSettings(text, FILE), FILE);
const codes = (text: string) => lint(text).map((w) => `${w.code}@${w.line ?? '-'}`);

describe('lintClusterSettings', () => {
  it('is silent about a clean resize file', () => {
    assert.deepEqual(
      lint(
        '# ok\nservers=10.0.0.1:11211,10.0.0.2:11211\nnew_servers=10.0.0.1:11211,[2001:db8::1]:11211,mc-3.example.net:11211\n',
      ),
      [],
    );
  });

  it('warns about a server listed twice, naming both lines', () => {
    const [warning] = lint(
      'servers=10.0.0.1:11211\nservers=10.0.0.2:11211,10.0.0.1:11211\n',
    ).filter((w) => w.code === 'DUPLICATE_SERVER');
    assert.equal(warning?.line, 2);
    assert.match(warning?.message ?? '', /also on line 1/);
  });

  it('warns about whitespace inside a name and shows what the clients read', () => {
    const [warning] = lint('servers=10.0.0.1 :11211\n');
    assert.equal(warning?.code, 'WHITESPACE_IN_NAME');
    assert.match(warning?.message ?? '', /read as "10\.0\.0\.1:11211"/);
  });

  it('does not mistake spaces around "=" and "," for whitespace in a name', () => {
    assert.deepEqual(codes('servers = 10.0.0.1:11211 , 10.0.0.2:11211 \n'), []);
  });

  it('warns about an inline "#"', () => {
    assert.ok(codes('servers=10.0.0.1:11211#primary\n').includes('INLINE_HASH@1'));
  });

  it('warns about entries that are not host:port, and about a missing port', () => {
    assert.deepEqual(codes('servers=10.0.0.300:11211,host:0,2001:db8::1:11211,[::1,h_x:1\n'), [
      'BAD_ADDRESS@1',
      'BAD_ADDRESS@1',
      'BAD_ADDRESS@1',
      'BAD_ADDRESS@1',
      'BAD_ADDRESS@1',
    ]);
    assert.deepEqual(codes('servers=memcached-1\n'), ['NO_PORT@1']);
  });

  it('warns when new_servers equals servers, or only reorders it', () => {
    assert.deepEqual(codes('servers=a:1,b:1\nnew_servers=a:1,b:1\n'), [
      'NEW_SERVERS_SAME_AS_SERVERS@-',
    ]);
    assert.deepEqual(codes('servers=a:1,b:1\nnew_servers=b:1,a:1\n'), ['NEW_SERVERS_REORDERED@-']);
  });

  it('warns about repeated keys, empty lists and "=="', () => {
    assert.deepEqual(codes('servers=a:1\nservers=b:1\n'), ['REPEATED_KEY@2']);
    assert.deepEqual(codes('servers=\n'), ['EMPTY_LIST@1']);
    assert.deepEqual(codes('servers==a:1\n'), ['DOUBLED_EQUALS@1']);
  });

  it('formats warnings as file:line: warning: message', () => {
    const [warning] = lint('servers=a:1\nservers=b:1\n');
    assert.ok(warning);
    assert.match(
      formatSettingsWarning(warning),
      /^cluster_settings:2: warning: servers is set again/,
    );
  });
});
