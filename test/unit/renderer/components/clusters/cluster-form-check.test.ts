import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkServerList } from '../../../../../core/shared/server-list.js';
import { formProblem } from '../../../../../renderer/components/clusters/cluster-form-check.js';

function problem(name: string, servers: string, newServers = '') {
  const found = formProblem(name, checkServerList(servers), checkServerList(newServers));
  return found === null ? null : { field: found.field, message: found.error.message };
}

describe('the cluster form, checked before it is saved', () => {
  it('asks for a name first, in plain words', () => {
    assert.deepEqual(problem('  ', 'not an address'), {
      field: 'name',
      message: 'Give the cluster a name.',
    });
  });

  it('points at the list holding a bad entry, naming it', () => {
    assert.deepEqual(problem('lab', ''), {
      field: 'servers',
      message: 'List at least one server, as host:port.',
    });
    assert.deepEqual(problem('lab', '127.0.0.1:11211', 'http://127.0.0.77:11999'), {
      field: 'newServers',
      message: 'http://127.0.0.77:11999 is a URL; write host:port, e.g. 127.0.0.77:11999',
    });
    assert.equal(problem('lab', '127.0.0.77, [::1]:11211'), null);
  });
});
