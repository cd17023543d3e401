import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBytes, formatCount, formatKeysIntoNodes } from '../../../core/util/format-units.js';

describe('formatBytes', () => {
  it('uses 1024-based IEC units, with a decimal below 100', () => {
    const cases: [number, string][] = [
      [0, '0 B'],
      [1023, '1023 B'],
      [1024, '1.0 KiB'],
      [1536, '1.5 KiB'],
      [64 * 1024 * 1024, '64.0 MiB'],
      [512 * 1024 * 1024, '512 MiB'],
      [3 * 1024 ** 4, '3.0 TiB'],
    ];
    for (const [bytes, text] of cases) assert.equal(formatBytes(bytes), text, String(bytes));
  });
});

describe('formatCount', () => {
  it('groups thousands and rounds', () => {
    assert.equal(formatCount(1234567.4), '1,234,567');
  });
});

describe('formatKeysIntoNodes', () => {
  it('names the nodes that took nothing together', () => {
    assert.equal(
      formatKeysIntoNodes([
        { node: 'a', keys: 0, bytes: 0 },
        { node: 'b', keys: 0, bytes: 0 },
        { node: 'c', keys: 12_000, bytes: 1536 },
        { node: 'd', keys: 0, bytes: 0 },
      ]),
      '12,000 keys into c (1.5 KiB); none into a, b and d',
    );
    assert.equal(formatKeysIntoNodes([{ node: 'a', keys: 0, bytes: 0 }]), 'none into a');
    assert.equal(formatKeysIntoNodes([]), 'no node');
  });
});
