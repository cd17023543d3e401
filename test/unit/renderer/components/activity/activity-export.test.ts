import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActivityEntry } from '../../../../../core/console/contract.js';
import {
  csvField,
  toCsv,
  toJsonLines,
} from '../../../../../renderer/components/activity/activity-export.js';

const names = (id: string) => (id === 'c1' ? 'sprout, east' : undefined);

const entries: ActivityEntry[] = [
  {
    id: 1,
    at: '2025-03-01T10:00:00Z',
    clusterId: 'c1',
    node: '127.0.0.11:11211',
    action: 'cluster_settings written',
    outcome: 'succeeded',
    detail: 'backup at /etc/clearwater/cluster_settings.bak',
  },
  {
    id: 2,
    at: '2025-03-01T10:01:00Z',
    action: 'reload',
    outcome: 'failed',
    detail: 'the node said "no"\nthen closed, twice',
  },
  {
    id: 3,
    at: '2025-03-01T10:02:00Z',
    clusterId: 'gone',
    action: 'resync started',
    outcome: 'started',
  },
];

describe('activity export', () => {
  it('quotes fields with commas, quotes or line breaks, doubling the quotes', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField('cr\r\nlf'), '"cr\r\nlf"');
    assert.equal(csvField(''), '');
  });

  it('keeps a spreadsheet from running a field as a formula', () => {
    assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvField('+1'), "'+1");
    assert.equal(csvField('-1'), "'-1");
    assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvField('a=b'), 'a=b');
  });

  it('writes a header and one CRLF-ended row per entry, in the order given', () => {
    const csv = toCsv(entries, names);
    const expected =
      'time,cluster,cluster_id,node,action,outcome,detail\r\n' +
      '2025-03-01T10:00:00Z,"sprout, east",c1,127.0.0.11:11211,cluster_settings written,succeeded,backup at /etc/clearwater/cluster_settings.bak\r\n' +
      '2025-03-01T10:01:00Z,,,,reload,failed,"the node said ""no""\nthen closed, twice"\r\n' +
      '2025-03-01T10:02:00Z,,gone,,resync started,started,\r\n';
    assert.equal(csv, expected);
  });

  it('writes JSON Lines: one entry per line, with the cluster’s name where known', () => {
    const lines = toJsonLines(entries, names).split('\n');
    assert.equal(lines.length, 4);
    assert.equal(lines[3], '', 'ends with a newline');
    const parsed = lines.slice(0, 3).map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(parsed[0], { ...entries[0], clusterName: 'sprout, east' });
    assert.deepEqual(parsed[1], entries[1]);
    assert.deepEqual(parsed[2], entries[2]);
  });
});
