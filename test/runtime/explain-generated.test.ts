/**
 * Explanations recorded by generated code (codegen.ts, explain mode) and built
 * when read (explanation.ts) against the interpreter's traced closures: on every
 * example subject of every programme's policy tests, and on the benchmark rules,
 * the decisions are identical key for key, and the generated path is really taken.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { inspect, isDeepStrictEqual, types } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadPolicies, type ExplanationNode } from '../support/bylaw.js';
import { readTestFile } from '../../packages/cli/src/policy-tests.js';

function testFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.yaml'))
    .map((f) => join(dir, f));
}

/** A merchant of the benchmark rules (bench/harness/types.policy) on or next to several thresholds. */
function onThresholds(merchant_types: string[]) {
  return {
    platform_level: 4,
    violations_serious: false,
    agreements_ok: true,
    merchant_types,
    tmall_brand_score: 2,
    annual_revenue_cny: 5_000_000,
    taobao_crown: false,
    douyin_industry_rank_pct: 10,
    jd_monthly_gmv_cny: 499_999,
    paid_orders_by_month: [3_000_000, 3_000_000, 2_999_999],
    active_merchants: 999,
    qualified_merchants: 150,
  };
}

describe('explanations from generated code', () => {
  const fast = loadPolicies(['policies']).registry!;
  const interpreter = loadPolicies(['policies'], { codegen: false }).registry!;

  it('equal the interpreter’s on every policy test case, plain and explained', () => {
    let cases = 0;
    let generated = 0;
    for (const path of testFiles('policies')) {
      const { file } = readTestFile(path);
      if (!file) throw new Error(`${path} does not read`);
      for (const c of file.cases) {
        const params = c.params ?? file.params;
        for (const explain of [false, true]) {
          const options = { asOf: String(c.as_of), explain, ...(params ? { params } : {}) };
          const a = fast.evaluate(file.policy, c.subject, options);
          const b = interpreter.evaluate(file.policy, c.subject, options);
          expect(JSON.stringify(a), `${path}: ${JSON.stringify(c.subject)}`).toBe(JSON.stringify(b));
          if (explain && a.explanation && types.isProxy(a.explanation)) generated++;
        }
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(150);
    // Most programmes are recorded by generated code; the rest (aggregations with conditions
    // inside, unknowns, data errors) are explained by the interpreter.
    expect(generated).toBeGreaterThan(20);
  });

  it('are taken for the benchmark rules, and read as plain arrays', () => {
    const bench = loadPolicies([resolve('bench/harness')], { cwd: resolve('bench') }).registry!;
    const plainBench = loadPolicies([resolve('bench/harness')], { cwd: resolve('bench'), codegen: false }).registry!;
    const merchant = onThresholds(['brand_oem', 'x', 'y', 'z', 'w', 'v', 'u']);
    for (const id of ['bench.admission', 'bench.silver']) {
      const d = bench.evaluate(id, merchant, { asOf: '2024-01-01', explain: true });
      const e = d.explanation!;
      expect(types.isProxy(e)).toBe(true);
      // Printing builds it (Node prints a proxy's target).
      expect(inspect(e, { depth: 1 })).toContain("kind: 'rule'");
      expect(Array.isArray(e)).toBe(true);
      expect(e.length).toBe(1);
      expect([...e].length).toBe(1);
      expect(e.map((n: ExplanationNode) => n.kind)).toEqual(['rule']);
      expect(Object.keys(e)).toEqual(['0']);
      expect(JSON.stringify(d)).toBe(JSON.stringify(plainBench.evaluate(id, merchant, { asOf: '2024-01-01', explain: true })));
      // A later change to the subject's list does not change an explanation not yet read.
      const again = bench.evaluate(id, merchant, { asOf: '2024-01-01', explain: true });
      merchant.merchant_types[0] = 'changed';
      expect(JSON.stringify(again.explanation)).not.toContain('changed');
      merchant.merchant_types[0] = 'brand_oem';
    }
    // Deep equality with the interpreter's, freezing, copying, the constructor.
    const lazy = bench.evaluate('bench.admission', merchant, { asOf: '2024-01-01', explain: true });
    const direct = plainBench.evaluate('bench.admission', merchant, { asOf: '2024-01-01', explain: true });
    expect(types.isProxy(lazy.explanation)).toBe(true);
    expect(isDeepStrictEqual(lazy, direct)).toBe(true);
    expect(lazy).toStrictEqual(direct);
    expect(lazy.explanation!.constructor).toBe(Array);
    expect(Object.getPrototypeOf(lazy.explanation)).toBe(Array.prototype);
    const frozen = bench.evaluate('bench.admission', merchant, { asOf: '2024-01-01', explain: true });
    Object.freeze(frozen.explanation);
    expect(frozen.explanation).toHaveLength(1);
    expect(JSON.stringify(frozen.explanation)).toBe(JSON.stringify(direct.explanation));
    expect(() => structuredClone({ ...lazy, explanation: [...lazy.explanation!] })).not.toThrow();
    // Lists on the decision are the caller's, as the interpreter's are.
    (lazy.dataErrors as unknown[]).push({ path: 'x', message: 'y' });
    expect(bench.evaluate('bench.admission', merchant, { asOf: '2024-01-01', explain: true }).dataErrors).toEqual([]);
    // The shortfalls are computed from the recorded values.
    const silver = bench.evaluate('bench.silver', merchant, { asOf: '2024-01-01', explain: true });
    expect(JSON.stringify(silver.explanation)).toContain('"shortfall":"1 short"');
  });

  it('built in any order, each tree shows its own decision’s values (texts are reused only for the same value)', () => {
    const bench = loadPolicies([resolve('bench/harness')], { cwd: resolve('bench') }).registry!;
    const plainBench = loadPolicies([resolve('bench/harness')], { cwd: resolve('bench'), codegen: false }).registry!;
    const merchants = [
      onThresholds(['brand_direct']),
      { ...onThresholds(['brand_authorized', 'large_factory']), platform_level: 3, tmall_brand_score: 2.5 },
      { ...onThresholds(['brand_direct']), tmall_brand_score: 1 },
      { ...onThresholds([]), active_merchants: 1000 },
    ];
    for (const id of ['bench.admission', 'bench.silver']) {
      const lazy = merchants.map((m) => bench.evaluate(id, m, { asOf: '2024-01-01', explain: true }));
      // Read last first, then the rest, then the first again.
      for (const i of [3, 1, 0, 2, 0]) {
        expect(types.isProxy(lazy[i]!.explanation)).toBe(true);
        expect(JSON.stringify(lazy[i]), `${id} #${i}`).toBe(JSON.stringify(plainBench.evaluate(id, merchants[i], { asOf: '2024-01-01', explain: true })));
      }
    }
  });
});
