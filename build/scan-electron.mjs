// Runs Electronegativity (Doyensec's Electron security scanner) over the built app: the main
// process and preload (dist/electron), the page (dist/console/index.html) and package.json. Every
// finding must be fixed or listed, with the reason it is acceptable, in
// build/electronegativity-reviewed.json; anything else fails the scan. The scanner reaches for the
// internet at start (translations, Electron's release list): loopback-only.mjs refuses that, and
// the release check is skipped (npm audit and the lockfile cover Electron's version). Then it
// checks the fuses the packaged app is built with (electron-fuses.mjs).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fuseProblems, readBuilderConfig, REQUIRED_FUSES } from './electron-fuses.mjs';

const root = new URL('../', import.meta.url).pathname;
const reviewed = JSON.parse(
  readFileSync(join(root, 'build/electronegativity-reviewed.json'), 'utf8'),
).reviewed;
const electronVersion = JSON.parse(
  readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8'),
).version;

const work = mkdtempSync(join(tmpdir(), 'astaire-scan-'));
try {
  const app = join(work, 'app');
  cpSync(join(root, 'dist/electron'), join(app, 'electron'), {
    recursive: true,
    filter: (path) => !path.endsWith('.map'),
  });
  cpSync(join(root, 'dist/console/index.html'), join(app, 'index.html'));
  cpSync(join(root, 'package.json'), join(app, 'package.json'));
  const report = join(work, 'findings.sarif');
  const run = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/@doyensec/electronegativity/dist/index.js'),
      '--input',
      app,
      '--relative',
      '--electron-version',
      electronVersion,
      '--exclude-checks',
      'AvailableSecurityFixesGlobalCheck',
      '--output',
      report,
    ],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        NODE_OPTIONS: `--import ${new URL('loopback-only.mjs', import.meta.url).href}`,
      },
    },
  );
  if (run.status !== 0) {
    process.stderr.write(run.stdout + run.stderr);
    throw new Error(`electronegativity exited with status ${run.status}`);
  }
  const results = JSON.parse(readFileSync(report, 'utf8')).runs[0].results;
  const findings = results.map((result) => ({
    rule: result.ruleId,
    file: result.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? 'N/A',
    line: result.locations?.[0]?.physicalLocation?.region?.startLine ?? 0,
    message: result.message.text,
  }));
  const isReviewed = (f) => reviewed.some((r) => r.rule === f.rule && r.file === f.file);
  const open = findings.filter((f) => !isReviewed(f));
  const stale = reviewed.filter(
    (r) => !findings.some((f) => f.rule === r.rule && f.file === r.file),
  );
  process.stdout.write(
    `electronegativity (Electron ${electronVersion}): ${findings.length} findings, ` +
      `${findings.length - open.length} reviewed and accepted, ${open.length} open\n`,
  );
  for (const f of open)
    process.stdout.write(`  OPEN ${f.rule} ${f.file}:${f.line}: ${f.message}\n`);
  for (const r of stale) {
    process.stdout.write(
      `  note: ${r.rule} (${r.file}) is no longer found; drop it from the list\n`,
    );
  }
  const fuses = fuseProblems(readBuilderConfig());
  process.stdout.write(
    `electron fuses: ${Object.keys(REQUIRED_FUSES).length - fuses.length} of ` +
      `${Object.keys(REQUIRED_FUSES).length} as required\n`,
  );
  for (const problem of fuses) process.stdout.write(`  OPEN ${problem}\n`);
  process.exitCode = open.length === 0 && fuses.length === 0 ? 0 : 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
