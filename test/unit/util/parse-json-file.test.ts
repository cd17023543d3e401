import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../core/errors.js';
import { parseJsonFile } from '../../../core/util/parse-json-file.js';

function refusal(text: string): ConfigError {
  try {
    parseJsonFile(text, 'x.json', 'NOT_JSON');
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error;
  }
  assert.fail(`expected ${JSON.stringify(text)} to be refused`);
}

describe('parseJsonFile', () => {
  it('names the line of a fault in the middle of the text', () => {
    const error = refusal('{\n  "a": 1,\n  "b" 2\n}\n');
    assert.equal(error.place.line, 3);
    assert.match(error.message, /^x\.json:3: not valid JSON: /);
  });

  it('regression: a text that ended too soon was refused without a line', () => {
    for (const [text, line] of [
      ['', 1],
      ['{\n  "a": ', 2],
      ['[1,\n2,\n', 3],
    ] as const) {
      const error = refusal(text);
      assert.equal(error.code, 'NOT_JSON');
      assert.equal(error.place.line, line, JSON.stringify(text));
      assert.match(error.message, new RegExp(`^x\\.json:${line}: not valid JSON: `));
    }
  });
});
