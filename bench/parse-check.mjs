// Parse + check time for generated policies of growing size (issue: language core).
// Usage: node bench/parse-check.mjs   (after `npm run setup`)
// Prints warm timings for ~2,500 / 5,000 / 10,000 / 20,000-line policies and the growth ratio.
import { check } from '../packages/dsl/dist/index.js';

/** A policy of about `lines` lines: one record type, then blocks of lets and criteria. */
export function generatePolicy(lines) {
  const out = [
    'policy bench.generated "生成的策略"',
    '  version "1"',
    '  published 2024-01-01',
    '  effective 2024-01-01',
    'subject m: Merchant',
    'enum Level { L1 < L2 < L3 < L4 < L5 }',
    'type Merchant {',
    '  level: Level "平台等级"',
    '  gmv: number "GMV"',
    '  orders: monthly number "订单量"',
    '  types: list of string',
    '  opened: date',
    '}',
    'let period = last 3 natural months',
  ];
  let i = 0;
  const names = [];
  while (out.length + 11 + names.length + 5 < lines) {
    out.push(`// block ${i}`);
    out.push(`let total_${i} "订单合计${i}" = sum(m.orders during period) + ${i}`);
    out.push(`criterion c_${i} "标准${i}" cites "第${i}条":`);
    out.push('  all of {');
    out.push(`    level_${i} "等级": m.level >= L3`);
    out.push(`    gmv_${i} "GMV达标": m.gmv >= ${i + 1}万 and total_${i} > 1000`);
    out.push('    any of {');
    out.push(`      brand_${i} "品牌": "brand_oem" in m.types`);
    out.push(`      recent_${i} "近一年开店": m.opened >= today - 1 year`);
    out.push('    }');
    out.push('  }');
    names.push(`c_${i}`);
    i++;
  }
  out.push('decide {');
  out.push('  admit when all of {');
  for (const n of names) out.push(`    ${n}`);
  out.push('  }');
  out.push('}');
  return out.join('\n') + '\n';
}

function timeCheck(text, reps) {
  for (let w = 0; w < 3; w++) check([{ path: 'gen.policy', text }]);
  const samples = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    const result = check([{ path: 'gen.policy', text }]);
    samples.push(performance.now() - t);
    if (result.diagnostics.some((d) => d.severity === 'error')) throw new Error('generated policy has errors');
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const sizes = [2500, 5000, 10000, 20000];
const results = [];
for (const size of sizes) {
  const text = generatePolicy(size);
  const lines = text.split('\n').length - 1;
  const ms = timeCheck(text, 9);
  results.push({ lines, ms });
  console.log(`${String(lines).padStart(6)} lines  ${ms.toFixed(1).padStart(7)} ms  (parse + check, median of 9 warm runs)`);
}
const r10 = results[2];
const r20 = results[3];
console.log(`${r10.lines.toLocaleString('en')} lines: ${r10.ms.toFixed(1)} ms (target < 100 ms for 10,000)`);
console.log(`growth 10k → 20k: ${(r20.ms / r10.ms).toFixed(2)}× (target ≤ 2.2×)`);
