// The Douyin belt-provider grading (policies/douyin/belt_provider) on its example providers:
// Bylaw's decide() against a hand-written function that computes the same silver standard
// (one fused loop over the bound merchants, no data checks, months fixed in advance).
//   node bench/douyin-hand.mjs [--seconds 2]
// Needs the built packages (npm run setup).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadPolicies } from '../packages/runtime/dist/node.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '2' } } });
const seconds = Number(args.seconds);
const asOf = '2023-09-08';
const providers = JSON.parse(readFileSync(join(root, 'examples/douyin-belt-provider.json'), 'utf8'));
const params = JSON.parse(readFileSync(join(root, 'examples/params/douyin-industry-threshold.SAMPLE.json'), 'utf8'));

const { registry, diagnostics } = loadPolicies([join(root, 'policies')], { cwd: root });
if (!registry) throw new Error(diagnostics.map((d) => d.message).join('\n'));
const policy = registry.inForce('douyin.belt_provider', asOf).policy;

// The three natural months before 2023-09-08, and the silver standard of the 2023-09-08 version.
const months = ['2023-06', '2023-07', '2023-08'];
const threshold = params.industry_threshold;
function silver(p) {
  let paid = 0;
  for (const k of months) paid += p.paid_orders[k];
  let active = 0;
  let qualified = 0;
  for (const m of p.bound_merchants) {
    const t = threshold[m.industry];
    let a = false;
    let q = false;
    for (const k of months) {
      const v = m.orders[k];
      if (v > 0) a = true;
      if (v > t) q = true;
    }
    if (a) active++;
    if (q) qualified++;
  }
  return paid >= 9_000_000 && (active >= 1000 || qualified >= 150);
}

// Both must agree on silver for every example provider (with the sample thresholds).
for (const p of providers) {
  const d = policy.decide(p, { asOf, params });
  const reached = d.outcome === 'undetermined' || d.tier === 'silver' || d.tier === 'gold' || d.tier === 'diamond';
  if (reached !== silver(p)) throw new Error(`${p.id}: Bylaw ${JSON.stringify(d)}, hand-written silver ${silver(p)}`);
}

function rate(fn) {
  const pass = () => {
    const t = performance.now();
    let n = 0;
    while (performance.now() - t < (seconds * 1000) / 4) for (const p of providers) (fn(p), n++);
    return (n / (performance.now() - t)) * 1000;
  };
  pass(); // warm-up
  const rates = [pass(), pass(), pass()].sort((a, b) => a - b);
  return rates[1];
}

const fmt = (x) => Math.round(x).toLocaleString('en');
const hand = rate(silver);
const rows = [
  ['hand-written (silver only)', hand],
  ['Bylaw decide(), no params', rate((p) => policy.decide(p, { asOf }))],
  ['Bylaw decide(), sample thresholds', rate((p) => policy.decide(p, { asOf, params }))],
  ['Bylaw evaluate(), sample thresholds', rate((p) => policy.evaluate(p, { asOf, params }))],
];
console.log(`douyin.belt_provider on ${providers.length} example providers (${providers.map((p) => p.bound_merchants.length).join(', ')} bound merchants), Node ${process.version}`);
console.log('| | decisions/s | × hand-written |');
console.log('|---|---:|---:|');
for (const [name, r] of rows) console.log(`| ${name} | ${fmt(r)} | ${(r / hand).toFixed(3)} |`);
