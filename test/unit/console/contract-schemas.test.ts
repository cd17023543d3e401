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

describe('cluster definitions', () => {
  const save = (definition: Record<string, unknown>) =>
    REQUEST_SCHEMAS['clusters:save'].safeParse({
      definition: { name: 'site', servers: ['127.0.0.1:11211'], newServers: [], ...definition },
    });
  const problemOf = (parsed: ReturnType<typeof save>): string =>
    parsed.success ? 'accepted' : describeIssue(parsed.error);

  it('refuse a name with a text-direction override, by the shared rule', () => {
    assert.match(problemOf(save({ name: 'prod\u202Edorp' })), /^definition\.name: .*U\+202E/);
    assert.match(problemOf(save({ name: 'a\nb' })), /^definition\.name: .*U\+000A/);
  });

  it('save a name trimmed', () => {
    const parsed = save({ name: '  site  ' });
    assert.ok(parsed.success);
    assert.equal(parsed.data.definition.name, 'site');
  });
});
