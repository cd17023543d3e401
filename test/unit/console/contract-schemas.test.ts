import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeIssue, REQUEST_SCHEMAS } from '../../../core/console/contract-schemas.js';

describe('request schemas', () => {
  it('say a blank cluster name in plain words, not the schema library’s', () => {
    for (const name of ['', '   ']) {
      const parsed = REQUEST_SCHEMAS['clusters:save'].safeParse({
        definition: { name, servers: ['127.0.0.1:11211'], newServers: [] },
      });
      assert.equal(parsed.success, false);
      if (!parsed.success) {
        assert.equal(describeIssue(parsed.error), 'definition.name: Give the cluster a name.');
      }
    }
  });
});
