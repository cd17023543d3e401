import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clusterNameProblem,
  GIVE_A_NAME,
  NAME_TOO_LONG,
} from '../../../core/shared/cluster-name.js';

describe('cluster names', () => {
  it('accept ordinary names in any script, with inner spaces', () => {
    for (const name of ['prod', '  sprout site B ', 'Ströme – Köln', '東京 cluster', 'ﺍﻟﺮﻳﺎﺽ 2']) {
      assert.equal(clusterNameProblem(name), null, name);
    }
  });

  it('refuse a blank name and a long one', () => {
    assert.equal(clusterNameProblem(' \t'), GIVE_A_NAME);
    assert.equal(clusterNameProblem('x'.repeat(201)), NAME_TOO_LONG);
    assert.equal(clusterNameProblem('x'.repeat(200)), null);
  });

  it('refuse control characters and text-direction marks, naming the character and where', () => {
    const refused = [
      0x00, 0x07, 0x09, 0x0a, 0x0d, 0x1b, 0x1f, 0x7f, 0x80, 0x85, 0x9b, 0x9f, 0x061c, 0x200e,
      0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069,
    ];
    for (const code of refused) {
      const character = String.fromCodePoint(code);
      const hex = code.toString(16).toUpperCase().padStart(4, '0');
      const problem = clusterNameProblem(`pr${character}od`);
      assert.ok(problem !== null, `U+${hex} should be refused`);
      assert.match(problem, new RegExp(`U\\+${hex} .*character 3`), `U+${hex}`);
    }
  });

  it('count characters, not UTF-16 units, when it names the place', () => {
    assert.match(clusterNameProblem('😀a\u202Eb') ?? '', /U\+202E .*character 3/);
  });

  it('accept the characters next to the refused ranges', () => {
    for (const code of [0x20, 0x7e, 0xa0, 0x200d, 0x2029, 0x202f, 0x2065, 0x206a]) {
      const character = String.fromCodePoint(code);
      assert.equal(clusterNameProblem(`a${character}b`), null, code.toString(16));
    }
  });
});
