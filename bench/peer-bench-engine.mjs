// Bylaw as an engine of the shared peer benchmark (../shared/bench, see its README):
//   cd ../shared/bench && npm ci && npm run bench -- --engine ../../main/bench/peer-bench-engine.mjs
// The rules are the harness rules written as Bylaw policies in bench/harness/.
// Needs the built packages (npm run setup).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPolicies } from '../packages/runtime/dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));

export const meta = {
  name: 'Bylaw',
  version: '0.1.0',
  notes: 'bench/harness/*.policy checked and compiled once; decide() per merchant (outcome only, no explanation)',
};

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
  return {
    admitted: admission.decide(merchant, options).outcome === 'admitted',
    silver: silver.decide(merchant, options).outcome === 'admitted',
  };
}
