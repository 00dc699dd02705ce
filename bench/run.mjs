// `npm run bench`: Bylaw against a hand-written function and the two fastest
// peer engines (filtrex, @marcbachmann/cel-js) on the same rules and the same
// merchants, then decisions per second on the seed programmes.
//
//   npm run setup && npm run bench                 # default 200,000 merchants
//   npm run bench -- --n 50000 --seconds 1         # quicker
//
// The rules are the peer benchmark's pair (1688 admission with its eight
// merchant types; Douyin silver), written as Bylaw policies in bench/harness/.
// Every engine is first checked to give the hand-written function's outputs
// on every merchant. Figures are medians of timed passes on one core.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compileExpression } from 'filtrex';
import { parse as celParse } from '@marcbachmann/cel-js';
import { loadPolicies } from '../packages/runtime/dist/node.js';
import { generateMerchants } from './merchants.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const { values: args } = parseArgs({
  options: { n: { type: 'string', default: '200000' }, seconds: { type: 'string', default: '2' }, seed: { type: 'string', default: '20231122' } },
});
const N = Number(args.n);
const SECONDS = Number(args.seconds);

// ------------------------------------------------------------------ data

// --------------------------------------------------------------- engines

function handWritten(m) {
  const t = m.merchant_types;
  const admitted =
    m.platform_level >= 3 &&
    !m.violations_serious &&
    m.agreements_ok &&
    (t.includes('brand_oem') ||
      t.includes('brand_direct') ||
      (t.includes('brand_authorized') && m.tmall_brand_score > 2) ||
      t.includes('large_factory') ||
      t.includes('wholesale_brand') ||
      (t.includes('cross_platform') && (m.taobao_crown || m.douyin_industry_rank_pct <= 10 || m.jd_monthly_gmv_cny >= 500000)) ||
      (t.includes('medium_factory') && m.annual_revenue_cny >= 5000000) ||
      t.includes('multi_factory'));
  const p = m.paid_orders_by_month;
  let orders = 0;
  for (let i = 0; i < p.length; i++) orders += p[i];
  const silver = orders >= 9000000 && (m.active_merchants >= 1000 || m.qualified_merchants >= 150);
  return { admitted, silver };
}

const ADMITTED_TEXT = `platform_level >= 3 and not violations_serious and agreements_ok and (
  "brand_oem" in merchant_types or "brand_direct" in merchant_types
  or ("brand_authorized" in merchant_types and tmall_brand_score > 2)
  or "large_factory" in merchant_types or "wholesale_brand" in merchant_types
  or ("cross_platform" in merchant_types and (taobao_crown or douyin_industry_rank_pct <= 10 or jd_monthly_gmv_cny >= 500000))
  or ("medium_factory" in merchant_types and annual_revenue_cny >= 5000000)
  or "multi_factory" in merchant_types)`;
const SILVER_TEXT = 'sum(paid_orders_by_month) >= 9000000 and (active_merchants >= 1000 or qualified_merchants >= 150)';

function filtrexEngine() {
  const extraFunctions = { sum: (xs) => xs.reduce((a, b) => a + b, 0) };
  const admitted = compileExpression(ADMITTED_TEXT, { extraFunctions });
  const silver = compileExpression(SILVER_TEXT, { extraFunctions });
  return (m) => ({ admitted: admitted(m) === true, silver: silver(m) === true });
}

function celEngine() {
  const admitted = celParse(`m.platform_level >= 3 && !m.violations_serious && m.agreements_ok && (
    "brand_oem" in m.merchant_types || "brand_direct" in m.merchant_types
    || ("brand_authorized" in m.merchant_types && m.tmall_brand_score > 2)
    || "large_factory" in m.merchant_types || "wholesale_brand" in m.merchant_types
    || ("cross_platform" in m.merchant_types && (m.taobao_crown || m.douyin_industry_rank_pct <= 10 || m.jd_monthly_gmv_cny >= 500000))
    || ("medium_factory" in m.merchant_types && m.annual_revenue_cny >= 5000000)
    || "multi_factory" in m.merchant_types)`);
  const silver = celParse(
    'm.paid_orders_by_month[0] + m.paid_orders_by_month[1] + m.paid_orders_by_month[2] >= 9000000 && (m.active_merchants >= 1000 || m.qualified_merchants >= 150)',
  );
  return (m) => {
    const ctx = { m };
    return { admitted: admitted(ctx) === true, silver: silver(ctx) === true };
  };
}

function bylawEngines() {
  const { registry, diagnostics } = loadPolicies([join(here, 'harness')], { cwd: here });
  if (!registry) throw new Error(diagnostics.map((d) => `${d.file}: ${d.message}`).join('\n'));
  const options = { asOf: '2024-01-01' };
  const explain = { asOf: '2024-01-01', explain: true };
  const admission = registry.inForce('bench.admission', options.asOf).policy;
  const silver = registry.inForce('bench.silver', options.asOf).policy;
  return {
    plain: (m) => ({ admitted: admission.decide(m, options).outcome === 'admitted', silver: silver.decide(m, options).outcome === 'admitted' }),
    // The explanation is recorded during evaluation and its tree built when first read.
    explained: (m) => ({
      admitted: admission.evaluate(m, explain).outcome === 'admitted',
      silver: silver.evaluate(m, explain).outcome === 'admitted',
    }),
    // The same, with every tree built (its length read) but not visited.
    explainedBuilt: (m) => {
      const a = admission.evaluate(m, explain);
      const s = silver.evaluate(m, explain);
      if (a.explanation.length + s.explanation.length !== 2) throw new Error('an explanation is missing');
      return { admitted: a.outcome === 'admitted', silver: s.outcome === 'admitted' };
    },
    // Every tree serialised as JSON, as a service answering with the decision would.
    explainedJson: (m) => {
      const a = admission.evaluate(m, explain);
      const s = silver.evaluate(m, explain);
      if (JSON.stringify(a).length + JSON.stringify(s).length < 1000) throw new Error('an explanation is missing');
      return { admitted: a.outcome === 'admitted', silver: s.outcome === 'admitted' };
    },
    // The same, with every explanation read in full: its tree built and every node, value and
    // shortfall visited.
    explainedRead: (m) => {
      const a = admission.evaluate(m, explain);
      const s = silver.evaluate(m, explain);
      if (readTree(a.explanation) + readTree(s.explanation) < 100) throw new Error('an explanation is missing');
      return { admitted: a.outcome === 'admitted', silver: s.outcome === 'admitted' };
    },
  };
}

/** Visit a whole explanation tree; returns the characters of text it shows. */
function readTree(nodes) {
  let n = 0;
  for (const node of nodes) {
    n += node.kind.length + (node.label?.length ?? 0) + (node.text?.length ?? 0) + String(node.result).length;
    for (const c of node.comparisons ?? []) n += c.text.length + c.left.length + c.right.length + (c.shortfall?.length ?? 0);
    n += readTree(node.children ?? []);
  }
  return n;
}

// ---------------------------------------------------------------- timing

/** Median merchants per second over timed passes (after a warm-up of the same length). */
function throughput(fn, merchants, seconds) {
  // A pass loop of its own per engine (compiled from source each time): closures of one function
  // share V8's type feedback, so one shared loop would see every engine measured before and
  // inline (or not) the engine under test depending on the order.
  const pass = new Function(
    'fn',
    'merchants',
    `return function pass() {
      let count = 0;
      const t = performance.now();
      for (let i = 0; i < merchants.length; i++) {
        const r = fn(merchants[i]);
        if (r.admitted) count++;
        if (r.silver) count++;
      }
      return { ms: performance.now() - t, count };
    };`,
  )(fn, merchants);
  const deadline = (s) => performance.now() + s * 1000;
  let end = deadline(seconds / 2);
  while (performance.now() < end) pass();
  const rates = [];
  end = deadline(seconds);
  let expected;
  while (performance.now() < end || rates.length < 3) {
    const { ms, count } = pass();
    if (expected === undefined) expected = count;
    else if (count !== expected) throw new Error('a pass counted differently: state leaks between calls');
    rates.push((merchants.length / ms) * 1000);
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}

function verify(name, fn, merchants, expected) {
  for (let i = 0; i < merchants.length; i++) {
    const got = fn(merchants[i]);
    if (got.admitted !== expected[i].admitted || got.silver !== expected[i].silver) {
      throw new Error(`${name} differs from the hand-written function on merchant ${i}: ${JSON.stringify(merchants[i])} → ${JSON.stringify(got)}, expected ${JSON.stringify(expected[i])}`);
    }
  }
}

const fmt = (x) => Math.round(x).toLocaleString('en');

const merchants = generateMerchants(N, Number(args.seed));
const expected = merchants.map(handWritten);
const bylaw = bylawEngines();
const engines = [
  ['hand-written JS', handWritten],
  ['Bylaw decide() (plain)', bylaw.plain],
  ['Bylaw evaluate() (full explanation, built on read)', bylaw.explained],
  ['Bylaw evaluate() (full explanation, every tree built)', bylaw.explainedBuilt],
  ['Bylaw evaluate() (full explanation, every tree read in full)', bylaw.explainedRead],
  ['Bylaw evaluate() (full explanation, every decision as JSON)', bylaw.explainedJson],
  ['filtrex 3.1.0', filtrexEngine()],
  ['CEL (@marcbachmann/cel-js 8.0.0)', celEngine()],
];
console.log(`Harness rules, ${fmt(N)} merchants (seed ${args.seed}), Node ${process.version}, ${SECONDS}s timed per engine`);
const admittedShare = expected.filter((e) => e.admitted).length / N;
const silverShare = expected.filter((e) => e.silver).length / N;
console.log(`admitted ${(admittedShare * 100).toFixed(1)}%, silver ${(silverShare * 100).toFixed(1)}%`);
const rows = [];
for (const [name, fn] of engines) {
  verify(name, fn, merchants, expected);
  // Building every explanation tree is slow: a smaller sample keeps the run short.
  const sample = /tree|JSON/.test(name) ? merchants.slice(0, Math.min(N, 20000)) : merchants;
  rows.push([name, throughput(fn, sample, SECONDS)]);
}
const base = rows[0][1];
console.log('');
console.log('| engine | merchants/s | × hand-written |');
console.log('|---|---:|---:|');
for (const [name, rate] of rows) console.log(`| ${name} | ${fmt(rate)} | ${(rate / base).toFixed(3)} |`);

// ------------------------------------------------------ seed programmes

console.log('\nSeed programmes (policies/, examples/): decisions per second, one core');
const { registry } = loadPolicies([join(root, 'policies')], { cwd: root });
const demo = JSON.parse(readFileSync(join(root, 'examples/demo.json'), 'utf8'));
console.log('| policy | subjects | decide()/s | evaluate()/s | evaluate(explain)/s |');
console.log('|---|---:|---:|---:|---:|');
for (const run of demo) {
  const subjects = JSON.parse(readFileSync(join(root, run.data), 'utf8'));
  const params = run.params ? JSON.parse(readFileSync(join(root, run.params), 'utf8')) : undefined;
  const version = registry.inForce(run.policy, run.as_of).policy;
  const opts = { asOf: run.as_of, ...(params ? { params } : {}) };
  const rate = (fn) => {
    let n = 0;
    const end = performance.now() + SECONDS * 250;
    const t = performance.now();
    while (performance.now() < end) for (const s of subjects) (fn(s), n++);
    return (n / (performance.now() - t)) * 1000;
  };
  rate((s) => version.decide(s, opts));
  const plain = rate((s) => version.decide(s, opts));
  const full = rate((s) => version.evaluate(s, opts));
  const explained = rate((s) => version.evaluate(s, { ...opts, explain: true }));
  console.log(`| ${run.policy}${run.params ? ' (with params)' : ''} | ${subjects.length} | ${fmt(plain)} | ${fmt(full)} | ${fmt(explained)} |`);
}
