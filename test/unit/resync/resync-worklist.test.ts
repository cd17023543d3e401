import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeStoreView } from '../../../core/cluster/store-view.js';
import { computeWorklist } from '../../../core/cluster/worklist.js';
import { ConfigError } from '../../../core/errors.js';
import { resyncWorklist } from '../../../core/resync/resync-engine.js';

const settings = { servers: ['a:1', 'b:1', 'c:1'], newServers: ['a:1', 'b:1', 'c:1', 'd:1'] };
const whole = computeWorklist(computeStoreView(settings), 'd:1', { full: false });
const listed = [...whole.keys()];

describe('resyncWorklist: a retry of part of a worklist', () => {
  it('is the whole worklist without a restriction', () => {
    const { worklist, wholeSize } = resyncWorklist({ target: 'd:1', settings, full: false });
    assert.deepEqual(worklist, whole);
    assert.equal(wholeSize, whole.size);
  });

  it('keeps only the vbuckets asked for, each with its own replicas in order', () => {
    const asked = [listed[5] as number, listed[1] as number, listed[5] as number];
    const { worklist, wholeSize } = resyncWorklist({
      target: 'd:1',
      settings,
      full: false,
      onlyVbuckets: asked,
    });
    assert.deepEqual(
      [...worklist],
      [listed[1], listed[5]].map((v) => [v, whole.get(v as number)]),
    );
    assert.equal(wholeSize, whole.size);
  });

  it('streams only from the named source, which must be a replica of each vbucket', () => {
    const vbucket = listed[0] as number;
    const replicas = whole.get(vbucket) ?? [];
    const second = replicas[1] as string;
    const { worklist } = resyncWorklist({
      target: 'd:1',
      settings,
      full: false,
      onlyVbuckets: [vbucket],
      onlySource: second,
    });
    assert.deepEqual([...worklist], [[vbucket, [second]]]);

    const stranger = ['a:1', 'b:1', 'c:1'].find((node) => !replicas.includes(node)) as string;
    assert.throws(
      () =>
        resyncWorklist({
          target: 'd:1',
          settings,
          full: false,
          onlyVbuckets: [vbucket],
          onlySource: stranger,
        }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.code === 'SOURCE_NOT_A_REPLICA' &&
        error.message.includes(stranger) &&
        error.message.includes(`vbucket ${vbucket} `),
    );
  });

  it('with a source alone, keeps the vbuckets that source is a replica of', () => {
    const { worklist } = resyncWorklist({
      target: 'd:1',
      settings,
      full: false,
      onlySource: 'b:1',
    });
    const expected = listed.filter((v) => whole.get(v)?.includes('b:1'));
    assert.ok(expected.length > 0 && expected.length < listed.length);
    assert.deepEqual([...worklist.keys()], expected);
    assert.ok([...worklist.values()].every((sources) => sources.join() === 'b:1'));
  });

  it('refuses a vbucket the worklist does not list, naming target and vbucket', () => {
    const absent = [...Array(128).keys()].find((v) => !whole.has(v)) as number;
    assert.throws(
      () => resyncWorklist({ target: 'd:1', settings, full: false, onlyVbuckets: [absent] }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.code === 'VBUCKET_NOT_IN_WORKLIST' &&
        error.message.startsWith(`vbucket ${absent} is not in d:1's minimal worklist`),
    );
    // A full resync's worklist is larger: a vbucket the node holds already is in it.
    const held = computeStoreView(settings).vbuckets.find(
      (v) => v.currentReplicas.includes('a:1') && v.newReplicas?.includes('a:1'),
    )?.id as number;
    assert.throws(
      () => resyncWorklist({ target: 'a:1', settings, full: false, onlyVbuckets: [held] }),
      { code: 'VBUCKET_NOT_IN_WORKLIST' },
    );
    const full = resyncWorklist({ target: 'a:1', settings, full: true, onlyVbuckets: [held] });
    assert.deepEqual([...full.worklist.keys()], [held]);
    assert.throws(
      () => resyncWorklist({ target: 'd:1', settings, full: false, onlyVbuckets: [999] }),
      { code: 'VBUCKET_NOT_IN_WORKLIST' },
    );
  });
});
