/**
 * Aggregations (`count … where`, `any`/`all`, `sum`/`min`/`max` with a variable and a
 * projection), `during` and rows of params tables run as generated loops on the plain
 * paths. Here each is checked against the interpreter (`codegen: false`) on clean and
 * messy data: outcomes, tiers, unknowns and data errors with their paths, in order.
 */
import { describe, expect, it } from 'vitest';
import { PolicyRegistry, type EvaluateOptions } from '../support/bylaw.js';
import { evaluateBoth, header, load } from './helpers.js';

const asOf = '2023-09-08';

/** decide() with generated code and without: the same decision, data errors in the same order. */
function decideBoth(registry: PolicyRegistry, text: string, id: string, subject: unknown, options: Omit<EvaluateOptions, 'explain'>) {
  const interpreter = PolicyRegistry.fromSources([{ path: 'inline.policy', text }], { codegen: false }).registry!;
  const generated = registry.inForce(id, options.asOf)!.policy;
  generated.decide(subject, options);
  // The second call with the same date takes the generated entry (without params).
  const fast = generated.decide(subject, options);
  const slow = interpreter.inForce(id, options.asOf)!.policy.decide(subject, options);
  expect({ ...fast }, JSON.stringify(subject).slice(0, 300)).toEqual({ ...slow });
  evaluateBoth(registry, id, subject, options);
  return fast;
}

describe('a grading over bound merchants (the douyin shape)', () => {
  const text = `${header('t.belt')}
type Bound { industry: string  orders: monthly number }
type Provider { paid: monthly number  bound: list of Bound }
subject p: Provider
placeholder threshold "门槛": table string -> number
let period "评定周期" = last 3 natural months
let paid_total "支付订单量" = sum(p.paid during period)
let active "动销商家数" = count(m in p.bound where any(v in m.orders during period: v > 0))
let qualified "达标商家数" = count(m in p.bound where any(v in m.orders during period: v > threshold[m.industry]))

decide {
  tier gold "金牌": paid_total >= 100 and qualified >= 2
  tier silver "银牌": paid_total >= 100 and (active >= 2 or qualified >= 1)
  default tier base "基础"
}
`;
  const registry = load(text);
  const months = (a: unknown, b: unknown, c: unknown) => ({ '2023-06': a, '2023-07': b, '2023-08': c });
  const provider = {
    paid: months(40, 50, 60),
    bound: [
      { industry: '服饰', orders: months(0, 5, 0) },
      { industry: '食品', orders: months(0, 0, 0) },
      { industry: '服饰', orders: months(20, 0, 1) },
    ],
  };
  const params = { threshold: { 服饰: 10, default: 100 } };

  it('generates the loops: no interpreter closure for the aggregations, the months or the table rows', () => {
    const source = registry.inForce('t.belt', asOf)!.policy.generatedSource!;
    expect(source).toContain('H.monthKeys(');
    expect(source).toContain('["default"]');
    // The only interpreter closure left is the window itself (\`last 3 natural months\`).
    expect(source.match(/K\[\d+\]\(ctx\)/g)).toHaveLength(1);
  });

  it('decides like the interpreter on clean data, with and without the table', () => {
    expect(decideBoth(registry, text, 't.belt', provider, { asOf, params }).tier).toBe('silver');
    expect(decideBoth(registry, text, 't.belt', { ...provider, bound: [...provider.bound, { industry: '服饰', orders: months(11, 0, 0) }] }, { asOf, params }).tier).toBe('gold');
    // Without the table, qualified is unknown: gold cannot be ruled out.
    expect(decideBoth(registry, text, 't.belt', provider, { asOf }).outcome).toBe('undetermined');
    expect(decideBoth(registry, text, 't.belt', { ...provider, paid: months(1, 1, 1) }, { asOf }).tier).toBe('base');
  });

  it('messy data: the same unknowns and data errors, at the same paths, in the same order', () => {
    const messy = [
      { ...provider, bound: [{ industry: '服饰', orders: months(0, 'abc', 0) }, ...provider.bound] },
      { ...provider, bound: [null, ...provider.bound, { industry: 7, orders: months(1, 2, 3) }] },
      { ...provider, bound: [{ industry: '服饰', orders: [1, 2, 3] }, { industry: '服饰' }, { orders: months(50, null, undefined) }] },
      { ...provider, bound: [{ industry: '服饰', orders: months('12', '1e2', -0) }, 'shop', [], { industry: '服饰', orders: months(Infinity, 2, 3) }] },
      { ...provider, bound: { 0: provider.bound[0] } },
      { ...provider, paid: months(40, '50.5', null) },
      { ...provider, paid: { '2023-06': 40 } },
      { paid: 'none', bound: 'none' },
      {},
    ];
    for (const subject of messy) {
      decideBoth(registry, text, 't.belt', subject, { asOf, params });
      decideBoth(registry, text, 't.belt', subject, { asOf });
    }
    const d = decideBoth(registry, text, 't.belt', messy[0], { asOf, params });
    expect(d.dataErrors).toEqual([{ path: 'p.bound[0].orders["2023-07"]', message: 'expected a number, got "abc" (a string)' }]);
  });

  it('a params table whose rows are not numbers is reported once, at its row', () => {
    const d = decideBoth(registry, text, 't.belt', provider, { asOf, params: { threshold: { 服饰: 'ten', default: 100 } } });
    expect(d.dataErrors).toEqual([{ path: 'params.threshold["服饰"]', message: 'expected a number, got "ten" (a string)' }]);
  });
});

describe('every aggregation, generated, against the interpreter', () => {
  const text = `${header('t.agg')}
enum Grade { A < B < C }
type Item { amount: number  grade: Grade  on: date  ok?: bool  tags: list of string }
type M { items: list of Item  nums: list of number  grades: list of Grade }
subject m: M

decide {
  prefer count_where "count where": count(x in m.items where x.ok) >= 2
  prefer count_projection "count projected": count(x in m.items: x.amount > 1) >= 1
  prefer sum_projection "sum": sum(x in m.items: x.amount) = 0.3
  prefer sum_filtered "sum where": sum(x in m.items where x.grade >= B: x.amount) > 1
  prefer sum_numbers "sum of numbers": sum(n in m.nums: n * 2) >= 9007199254740990
  prefer min_date "min": min(x in m.items: x.on) <= 2023-01-01
  prefer max_grade "max": max(x in m.items where x.grade = C: x.amount) = 0.2
  prefer min_numbers "min of numbers": min(m.nums) < 0
  prefer any_tag "any": any(x in m.items: "SGS" in x.tags)
  prefer all_ok "all": all(x in m.items where x.amount > 0: x.ok)
  prefer nested "nested": any(x in m.items: any(y in m.items: y.amount > x.amount and y.grade < x.grade))
  prefer grades "any grade": any(g in m.grades: g = C)
  prefer window "interpreted inside": any(x in m.items: x.on in last 12 months)
}
`;
  const registry = load(text);
  const item = (amount: unknown, grade: unknown, on: unknown, ok?: unknown, tags: unknown = ['SGS']) => ({ amount, grade, on, ok, tags });
  const clean = {
    items: [item(0.1, 'A', '2022-05-01', true), item(0.2, 'C', '2023-03-01', true, []), item(0, 'B', '2023-08-01', false)],
    nums: [4503599627370495, 2, -1],
    grades: ['A', 'C'],
  };

  it('clean data: every condition decided as by the interpreter', () => {
    const d = decideBoth(registry, text, 't.agg', clean, { asOf });
    expect(d.outcome).toBe('admitted');
    const { plain } = evaluateBoth(registry, 't.agg', clean, { asOf });
    expect(Object.fromEntries(plain.priorities.map((p) => [p.id, p.met]))).toEqual({
      count_where: true,
      count_projection: false,
      sum_projection: true,
      sum_filtered: false,
      sum_numbers: true,
      min_date: true,
      max_grade: true,
      min_numbers: true,
      any_tag: true,
      all_ok: true,
      nested: true,
      grades: true,
      window: true,
    });
  });

  it('messy data: unknown elements, wrong types and bad elements after a decisive one', () => {
    const messy = [
      { ...clean, items: [...clean.items, item('2', 'D', '2023-02-30', 'yes', 'SGS')] },
      { ...clean, items: [item(null, null, null), ...clean.items] },
      { ...clean, nums: [1, '2', 'x', null, 1e308, 1e308], grades: ['C', 'Z', 3] },
      { ...clean, items: [item(5, 'C', '2023-01-01', true), { amount: 1 }, 'x', null] },
      { ...clean, items: [], nums: [], grades: [] },
      { ...clean, items: null, nums: 'x', grades: {} },
      { items: [item(1, 'A', '2023-01-01', true, [1, 'SGS'])] },
    ];
    for (const subject of messy) decideBoth(registry, text, 't.agg', subject, { asOf });
    // all() false, any() false, count and sum of nothing.
    const { plain } = evaluateBoth(registry, 't.agg', { ...clean, items: [item(1, 'A', '2023-06-01', false, [])], grades: ['A'] }, { asOf });
    expect(Object.fromEntries(plain.priorities.map((p) => [p.id, p.met]))).toMatchObject({
      all_ok: false,
      any_tag: false,
      count_where: false,
      sum_filtered: false,
      grades: false,
      nested: false,
      window: true,
    });
    // The bad element after a decisive true one is still checked and reported, by both.
    const d = decideBoth(registry, text, 't.agg', { ...clean, grades: ['C', 'Z'] }, { asOf });
    expect(d.dataErrors.map((e) => e.path)).toEqual(['m.grades[1]']);
  });

  it('over the list limit: the interpreter reports it, whoever started the loop', () => {
    const limited = PolicyRegistry.fromSources([{ path: 'inline.policy', text }], { runtimeLimits: { maxListLength: 3 } }).registry!;
    const policy = limited.inForce('t.agg', asOf)!.policy;
    const big = { ...clean, items: [...clean.items, ...clean.items] };
    policy.decide(big, { asOf });
    const d = policy.decide(big, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.dataErrors.map((e) => e.message)).toEqual(['m.items has 6 elements; the limit is 3']);
  });
});

describe('limits reached in generated code: the interpreter’s answer and message, nothing evaluated twice', () => {
  /** decide() (twice: the second takes the generated entry) and evaluate(), generated and interpreted, under the same limits. */
  function bothWithLimits(body: string, subject: unknown, runtimeLimits: { maxListLength?: number; maxSteps?: number }) {
    const text = `${header('t.lim')}${body}`;
    const inputs = [{ path: 'inline.policy', text }];
    const generated = PolicyRegistry.fromSources(inputs, { runtimeLimits });
    expect(generated.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const interpreter = PolicyRegistry.fromSources(inputs, { runtimeLimits, codegen: false }).registry!;
    const policy = generated.registry!.inForce('t.lim', asOf)!.policy;
    policy.decide(subject, { asOf });
    const fast = policy.decide(subject, { asOf });
    const slow = interpreter.inForce('t.lim', asOf)!.policy.decide(subject, { asOf });
    expect({ ...fast }).toEqual({ ...slow });
    for (const explain of [false, true]) {
      expect(JSON.stringify(generated.registry!.evaluate('t.lim', subject, { asOf, explain }))).toBe(JSON.stringify(interpreter.evaluate('t.lim', subject, { asOf, explain })));
    }
    return fast;
  }

  it('a param table whose value is its literal default: the key is evaluated once (steps counted once)', () => {
    const d = bothWithLimits(
      `type M { tags: list of string }
subject m: M
table base "b": string -> number {
  "vip": 10
  default: 1
}
param bonus "加分": table string -> number = base
decide { admit when bonus[if "vip" in m.tags then "vip" else "std"] >= 10 }
`,
      { tags: ['vip', 'x'] },
      { maxSteps: 3 },
    );
    expect(d.outcome).toBe('admitted');
  });

  it('a list over maxListLength whose source costs steps: the length is reported, not the steps', () => {
    const d = bothWithLimits(
      `type M { nums: list of number }
subject m: M
decide { admit when count(x in (if sum(m.nums) > 0 then [1, 2, 3] else [1]) where x > 0) >= 1 }
`,
      { nums: [1, 2] },
      { maxListLength: 2, maxSteps: 3 },
    );
    expect(d.dataErrors.map((e) => e.message)).toEqual(['(if sum(m.nums) > 0 then [1, 2, 3] else [1]) has 3 elements; the limit is 2']);
  });

  it('a window over maxListLength whose period costs steps: the window is reported', () => {
    const d = bothWithLimits(
      `type M { nums: list of number  s: monthly number }
subject m: M
decide { admit when sum(m.s during (if sum(m.nums) > 0 then last 3 months else last 1 months)) > 0 }
`,
      { nums: [1, 2], s: {} },
      { maxListLength: 3, maxSteps: 3 },
    );
    expect(d.dataErrors.map((e) => e.message)).toEqual(['m.s during a window of 4 months; the limit is 3']);
  });

  it('membership in a data list over maxListLength, its left side costing steps', () => {
    const d = bothWithLimits(
      `type M { nums: list of number  vals: list of number }
subject m: M
decide { admit when sum(m.nums) in m.vals }
`,
      { nums: [1, 2], vals: [1, 2, 3] },
      { maxListLength: 2, maxSteps: 3 },
    );
    expect(d.dataErrors.map((e) => e.message)).toEqual(['m.vals has 3 elements; the limit is 2']);
  });

  it('a literal list longer than maxListLength is reported, as the interpreter does', () => {
    const d = bothWithLimits(
      `type M { name: string }
subject m: M
decide { admit when m.name not in ["a", "x", "y"] }
`,
      { name: 'b' },
      { maxListLength: 2 },
    );
    expect(d.outcome).toBe('undetermined');
    expect(d.dataErrors.map((e) => e.message)).toEqual(['["a", "x", "y"] has 3 elements; the limit is 2']);
  });

  it('a criterion used once, inside a loop, is computed once per decision (its steps counted once)', () => {
    const subject = { orders: Array.from({ length: 100 }, () => ({ ok: true })) };
    const d = bothWithLimits(
      `type Item { ok?: bool }
type M { orders?: list of Item }
subject m: M
criterion enough "够": count(x in m.orders: x.ok) >= 1
decide { admit when any(y in m.orders: enough) }
`,
      subject,
      { maxSteps: 1000 },
    );
    expect(d.outcome).toBe('admitted');
  });

  it('finding which unknowns decide does not evaluate what a decided block skips (no limit the plain path does not reach)', () => {
    const text = `${header('t.lim')}type M { flag?: bool  xs?: list of number  b?: number }
subject m: M
decide {
  tier gold "金": all of {
    m.flag
    count(x in m.xs: x > 0) > 0
  }
  tier silver "银": m.b > 1
}
`;
    for (const codegen of [true, false]) {
      const r = PolicyRegistry.fromSources([{ path: 'inline.policy', text }], { codegen, runtimeLimits: { maxSteps: 3 } }).registry!;
      const d = r.evaluate('t.lim', { flag: false, xs: [1, 2, 3, 4, 5] }, { asOf });
      expect(d.outcome).toBe('undetermined');
      expect(d.unknown).toEqual(['m.b']);
      expect(d.dataErrors).toEqual([]);
    }
  });

  it('limits that are not plain numbers never become code', () => {
    const d = bothWithLimits(
      `type M { nums: list of number }
subject m: M
decide { admit when count(x in m.nums where x > 0) >= 1 }
`,
      { nums: [1, 2] },
      { maxSteps: Infinity, maxListLength: Infinity },
    );
    expect(d.outcome).toBe('admitted');
  });
});
