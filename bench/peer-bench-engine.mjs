// Bylaw as an engine of the shared peer benchmark (../shared/bench, see its README):
//   cd ../shared/bench && npm ci && npm run bench -- --engine ../../main/bench/peer-bench-engine.mjs
// The rules are the harness rules written as Bylaw policies in bench/harness/.
// Needs the built packages (npm run setup).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPolicies } from '../packages/runtime/dist/node.js';

const here = dirname(fileURLToPath(import.meta.url));

export const meta = {
  name: 'Bylaw',
  version: '0.1.0',
  notes:
    'bench/harness/*.policy checked and compiled once; decide() per merchant (outcome only, no explanation); ' +
    'the result is one of four frozen {admitted, silver} objects, as Bylaw shares one frozen plain decision per outcome',
};

// Results are interned, like Bylaw's own plain decisions: nothing is allocated per merchant. (With a
// fresh object per call, whether the harness's pass loop could drop that allocation depended on when
// V8 optimised the loop, and a third of runs were ~20% slower; see docs/performance.md.)
const RESULTS = [
  Object.freeze({ admitted: false, silver: false }),
  Object.freeze({ admitted: true, silver: false }),
  Object.freeze({ admitted: false, silver: true }),
  Object.freeze({ admitted: true, silver: true }),
];

let admission;
let silver;
const options = { asOf: '2024-01-01' };

export function prepare() {
  const { registry, diagnostics } = loadPolicies([join(here, 'harness')], { cwd: here });
  if (!registry) throw new Error(diagnostics.map((d) => `${d.file}: ${d.message}`).join('\n'));
  admission = registry.inForce('bench.admission', options.asOf).policy;
  silver = registry.inForce('bench.silver', options.asOf).policy;
}

export function evaluate(merchant) {
  const admitted = admission.decide(merchant, options).outcome === 'admitted' ? 1 : 0;
  const isSilver = silver.decide(merchant, options).outcome === 'admitted' ? 2 : 0;
  return RESULTS[admitted + isSilver];
}
