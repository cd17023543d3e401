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

  it('refuse a profile nested 100,000 deep with a plain message naming the field', () => {
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i += 1) deep = { nodes: deep };
    assert.match(problemOf(save({ profile: deep })), /^definition\.profile: nested deeper than 8/);
    let deepArray: unknown = [];
    for (let i = 0; i < 100_000; i += 1) deepArray = [deepArray];
    assert.match(problemOf(save({ profile: deepArray })), /^definition\.profile: nested deeper/);
  });

  it('accept a profile as deep as a real one, and refuse one that holds an object twice', () => {
    const access = () => ({ via: 'ssh', host: 'h', jump: ['bastion'] });
    const profile = { defaults: access(), nodes: { '10.0.0.1:11211': access() } };
    assert.equal(problemOf(save({ profile })), 'accepted');
    const shared = { via: 'direct' };
    assert.match(
      problemOf(save({ profile: { defaults: shared, nodes: { '10.0.0.1:11211': shared } } })),
      /^definition\.profile: holds the same object twice/,
    );
  });
});
