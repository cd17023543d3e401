// The reliability suite's figures (see test/support/figures.ts): `--reset` clears the records
// before a test run; without it, the records are added up into a table printed on stdout and
// written to test-results/figures.md, for the README's figures section. It fails when a record
// says data was lost or left stale, a second line of defence behind the tests' own assertions.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = process.env.ASTAIRE_FIGURES_DIR ?? join(root, 'test-results', 'figures');

if (process.argv.includes('--reset')) {
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

const names = ['writes', 'reads', 'keysChecked', 'keysLost', 'keysStale', 'faults', 'fuzzCases'];
const records = [];
let files = [];
try {
  files = readdirSync(dir).filter((name) => name.endsWith('.jsonl'));
} catch {
  // no scenario recorded anything
}
for (const file of files.sort()) {
  const lines = readFileSync(join(dir, file), 'utf8').split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      records.push(JSON.parse(line));
    } catch {
      console.error(`${join(dir, file)}:${index + 1}: not a JSON record; left out`);
    }
  });
}

const byScenario = new Map();
for (const record of records) {
  const row = byScenario.get(record.scenario) ?? { runs: 0 };
  row.runs++;
  for (const name of names)
    if (typeof record[name] === 'number') row[name] = (row[name] ?? 0) + record[name];
  byScenario.set(record.scenario, row);
}
const total = { runs: records.length };
for (const row of byScenario.values()) {
  for (const name of names)
    if (row[name] !== undefined) total[name] = (total[name] ?? 0) + row[name];
}

const headings = [
  'scenario',
  'runs',
  'writes',
  'reads',
  'keys checked',
  'lost',
  'stale',
  'faults',
  'fuzz cases',
];
const cells = (label, row) => [
  label,
  ...['runs', ...names].map((name) =>
    row[name] === undefined ? '' : row[name].toLocaleString('en-US'),
  ),
];
const rows = [...byScenario.entries()]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([scenario, row]) => cells(scenario, row));
rows.push(cells(`**all ${byScenario.size} scenarios**`, total));
const table = [
  `| ${headings.join(' | ')} |`,
  `| ${headings.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
  ...rows.map((row) => `| ${row.join(' | ')} |`),
].join('\n');

mkdirSync(join(root, 'test-results'), { recursive: true });
writeFileSync(join(root, 'test-results', 'figures.md'), table + '\n');
console.log('\nReliability figures (test-results/figures.md):\n');
console.log(table);

const bad = records.filter((r) => (r.keysLost ?? 0) > 0 || (r.keysStale ?? 0) > 0);
if (bad.length > 0) {
  console.error(
    `\n${bad.length} scenario runs recorded lost or stale keys: ${bad.map((r) => r.scenario).join(', ')}`,
  );
  process.exit(1);
}
