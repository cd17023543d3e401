/**
 * How long planning takes: the store view and every node's minimal and full worklists, as
 * `astaire plan` computes them, plus the JSON the CLI prints. Prints figures; asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import { buildPlan, planToJson } from '../../core/cluster/plan.js';

interface Case {
  readonly label: string;
  readonly vbuckets: number;
  readonly from: number;
  readonly to: number;
}

const CASES: readonly Case[] = [
  { label: '128 vbuckets x 20 nodes (19 -> 20)', vbuckets: 128, from: 19, to: 20 },
  { label: '4096 vbuckets x 200 nodes (199 -> 200)', vbuckets: 4096, from: 199, to: 200 },
  { label: '4096 vbuckets x 200 nodes (150 -> 200)', vbuckets: 4096, from: 150, to: 200 },
];

const names = (count: number) =>
  Array.from({ length: count }, (_, i) => `10.0.${i >> 8}.${i & 255}:11211`);

function timeIt(run: () => unknown, minRuns: number): { medianMs: number; runs: number } {
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < minRuns || performance.now() - start < 1000) {
    const t0 = performance.now();
    run();
    samples.push(performance.now() - t0);
    if (samples.length >= 1000) break;
  }
  samples.sort((a, b) => a - b);
  return { medianMs: samples[Math.floor(samples.length / 2)] ?? NaN, runs: samples.length };
}

console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
for (const c of CASES) {
  const settings = { servers: names(c.from), newServers: names(c.to) };
  const plan = timeIt(() => buildPlan(settings, { vbuckets: c.vbuckets }), 5);
  const json = timeIt(
    () => JSON.stringify(planToJson(buildPlan(settings, { vbuckets: c.vbuckets }))),
    5,
  );
  console.log(
    `${c.label.padEnd(40)} plan ${plan.medianMs.toFixed(2).padStart(8)} ms` +
      `   plan+json ${json.medianMs.toFixed(2).padStart(8)} ms   (median of ${plan.runs} / ${json.runs} runs)`,
  );
}
