/**
 * The reliability suite's figures: each scenario records what it put the resync through (writes
 * under test, keys checked, faults injected, fuzz cases) once its assertions have passed, so a
 * figure is only ever recorded by a test that would have failed had it been wrong. After the
 * suites, `build/figures.mjs` adds them up for the README's figures section.
 *
 * Records go to one JSON Lines file per test process (node:test runs each file in its own), so
 * parallel files never interleave their writes.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './repo-paths.js';

/** The figures the report adds up; a scenario records those that apply to it. */
export interface ScenarioFigures {
  /** Client writes made while the resync ran. */
  readonly writes?: number;
  /** Client reads made while the resync ran. */
  readonly reads?: number;
  /** Keys whose copies were checked afterwards (per key, not per copy). */
  readonly keysChecked?: number;
  /** Keys missing from a replica that should hold them (asserted 0 before recording). */
  readonly keysLost?: number;
  /** Keys older than their newest write on some replica (asserted 0 before recording). */
  readonly keysStale?: number;
  /** Faults injected (kills, stops, drops, evictions, hostile replies) that the run survived. */
  readonly faults?: number;
  /** Generated inputs tried by a fuzzer. */
  readonly fuzzCases?: number;
}

export const FIGURES_DIR =
  process.env.ASTAIRE_FIGURES_DIR ?? join(REPO_ROOT, 'test-results', 'figures');

/**
 * Records a scenario's figures. Call it after the scenario's assertions: a failed test must record
 * nothing.
 */
export function recordFigures(scenario: string, figures: ScenarioFigures): void {
  for (const [name, value] of Object.entries(figures)) {
    if (!Number.isSafeInteger(value) || (value as number) < 0) {
      throw new Error(`figure ${name} of "${scenario}" is not a count: ${String(value)}`);
    }
  }
  mkdirSync(FIGURES_DIR, { recursive: true });
  const line = JSON.stringify({ scenario, at: new Date().toISOString(), ...figures });
  appendFileSync(join(FIGURES_DIR, `figures-${process.pid}.jsonl`), line + '\n');
}
