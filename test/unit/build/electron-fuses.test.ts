/**
 * The Electron fuses of the packaged console, read from build/electron-builder.yml as
 * electron-builder reads it, and the scan's check of them (build/electron-fuses.mjs).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../../support/repo-paths.js';

interface FuseCheck {
  readBuilderConfig(file?: string): { electronFuses?: Record<string, unknown> };
  fuseProblems(config: unknown): string[];
}

const check = (await import(
  pathToFileURL(join(REPO_ROOT, 'build', 'electron-fuses.mjs')).href
)) as FuseCheck;

// Stated here on its own, not taken from the module under test.
const EXPECTED: Readonly<Record<string, boolean>> = {
  runAsNode: false,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  enableCookieEncryption: true,
};

describe('electron fuses set in the build', () => {
  const fuses = check.readBuilderConfig().electronFuses ?? {};

  for (const [name, value] of Object.entries(EXPECTED)) {
    it(`sets ${name} to ${value}`, () => assert.equal(fuses[name], value));
  }

  it("uses only fuse names the installed electron-builder's schema knows", () => {
    const schemaFile = createRequire(join(REPO_ROOT, 'package.json')).resolve(
      'app-builder-lib/scheme.json',
    );
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as {
      definitions: { FuseOptionsV1: { properties: Record<string, unknown> } };
    };
    const known = Object.keys(schema.definitions.FuseOptionsV1.properties);
    for (const name of Object.keys(fuses)) assert.ok(known.includes(name), name);
  });

  it("the scan's check passes this configuration and names each fuse that is off", () => {
    assert.deepEqual(check.fuseProblems(check.readBuilderConfig()), []);
    const problems = check.fuseProblems({ electronFuses: { ...fuses, runAsNode: true } });
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /electronFuses\.runAsNode is true .* must be false/);
    const missing = check.fuseProblems({ appId: 'x' });
    assert.match(missing[0] ?? '', /sets no electronFuses/);
  });
});
