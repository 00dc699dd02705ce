import { describe, expect, it } from 'vitest';
import { decide, simplePolicy } from './helpers.js';

const asOf = '2024-06-15';

/** A policy admitting when `cond` holds, over optional booleans t, f, u and a list of booleans. */
function admitWhen(cond: string) {
  return simplePolicy(
    `  t?: bool
  f?: bool
  u?: bool
  flags?: list of bool
  a?: bool
  b?: bool
  c?: bool`,
    `  admit when ${cond}`,
  );
}

const base = { t: true, f: false };

describe('three-valued logic in conditions', () => {
  it('false and unknown is false (rejected, whichever side is unknown)', () => {
    for (const cond of ['merchant.f and merchant.u', 'merchant.u and merchant.f']) {
      const d = decide(admitWhen(cond), 'test.p', base, { asOf });
      expect(d.outcome, cond).toBe('rejected');
      expect(d.reason).toBe('the admission conditions are not met');
      expect(d.unknown).toEqual([]);
    }
  });

  it('true and unknown is unknown (undetermined, naming the field)', () => {
    const d = decide(admitWhen('merchant.t and merchant.u'), 'test.p', base, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.admission).toBe('undetermined');
    expect(d.unknown).toEqual(['merchant.u']);
  });

  it('true or unknown is true (admitted, whichever side is unknown)', () => {
    for (const cond of ['merchant.t or merchant.u', 'merchant.u or merchant.t']) {
      const d = decide(admitWhen(cond), 'test.p', base, { asOf });
      expect(d.outcome, cond).toBe('admitted');
      expect(d.unknown).toEqual([]);
    }
  });

  it('false or unknown is unknown', () => {
    const d = decide(admitWhen('merchant.f or merchant.u'), 'test.p', base, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.unknown).toEqual(['merchant.u']);
  });

  it('not unknown is unknown; not false is true', () => {
    const p = admitWhen('not merchant.u');
    const d = decide(p, 'test.p', base, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.unknown).toEqual(['merchant.u']);
    expect(decide(p, 'test.p', { ...base, u: false }, { asOf }).outcome).toBe('admitted');
    expect(decide(p, 'test.p', { ...base, u: true }, { asOf }).outcome).toBe('rejected');
  });

  it('null counts as unknown, like an absent field', () => {
    const d = decide(admitWhen('merchant.t and merchant.u'), 'test.p', { ...base, u: null }, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.unknown).toEqual(['merchant.u']);
  });

  it('if with an unknown condition is unknown', () => {
    const d = decide(admitWhen('(if merchant.u then true else true)'), 'test.p', base, { asOf });
    expect(d.outcome).toBe('undetermined');
  });
});

describe('three-valued aggregations', () => {
  const anyP = admitWhen('any(x in merchant.flags: x)');
  const allP = admitWhen('all(x in merchant.flags: x)');
  const countP = admitWhen('count(x in merchant.flags: x) >= 1');

  it('any: true if some element is true even if others are unknown', () => {
    expect(decide(anyP, 'test.p', { flags: [null, true] }, { asOf }).outcome).toBe('admitted');
    expect(decide(anyP, 'test.p', { flags: [false, null] }, { asOf }).outcome).toBe('undetermined');
    expect(decide(anyP, 'test.p', { flags: [false, false] }, { asOf }).outcome).toBe('rejected');
    expect(decide(anyP, 'test.p', { flags: [] }, { asOf }).outcome).toBe('rejected');
  });

  it('any with an unknown element names the element', () => {
    const d = decide(anyP, 'test.p', { flags: [false, null] }, { asOf });
    expect(d.unknown).toEqual(['merchant.flags[1]']);
  });

  it('all: false if some element is false even if others are unknown', () => {
    expect(decide(allP, 'test.p', { flags: [null, false] }, { asOf }).outcome).toBe('rejected');
    expect(decide(allP, 'test.p', { flags: [true, null] }, { asOf }).outcome).toBe('undetermined');
    expect(decide(allP, 'test.p', { flags: [true, true] }, { asOf }).outcome).toBe('admitted');
    expect(decide(allP, 'test.p', { flags: [] }, { asOf }).outcome).toBe('admitted');
  });

  it('count: exact when every element is known, unknown when one is unknown', () => {
    expect(decide(countP, 'test.p', { flags: [false, true, false] }, { asOf }).outcome).toBe('admitted');
    expect(decide(countP, 'test.p', { flags: [false, false] }, { asOf }).outcome).toBe('rejected');
    const d = decide(countP, 'test.p', { flags: [false, null] }, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.unknown).toEqual(['merchant.flags[1]']);
    const exactly = admitWhen('count(x in merchant.flags: x) = 2');
    expect(decide(exactly, 'test.p', { flags: [true, false, true] }, { asOf }).outcome).toBe('admitted');
    expect(decide(exactly, 'test.p', { flags: [true, true, true] }, { asOf }).outcome).toBe('rejected');
  });

  it('count with where skips filtered-out elements', () => {
    const p = admitWhen('count(x in merchant.flags where x) = 2');
    expect(decide(p, 'test.p', { flags: [true, false, true, false] }, { asOf }).outcome).toBe('admitted');
    expect(decide(p, 'test.p', { flags: [true, null, true] }, { asOf }).outcome).toBe('undetermined');
  });

  it('an absent list is unknown, not empty', () => {
    const d = decide(anyP, 'test.p', {}, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.unknown).toEqual(['merchant.flags']);
  });
});

describe('at least N of', () => {
  const p = simplePolicy(
    `  a?: bool
  b?: bool
  c?: bool`,
    `  admit when two`,
    `
criterion two "三项中至少两项":
  at least 2 of {
    a "甲": merchant.a
    b "乙": merchant.b
    c "丙": merchant.c
  }
`,
  );

  it('holds when N items hold, whatever the others', () => {
    expect(decide(p, 'test.p', { a: true, b: true }, { asOf }).outcome).toBe('admitted');
    expect(decide(p, 'test.p', { a: true, b: false, c: true }, { asOf }).outcome).toBe('admitted');
  });

  it('fails when too few items can still hold', () => {
    expect(decide(p, 'test.p', { a: false, b: false }, { asOf }).outcome).toBe('rejected');
    expect(decide(p, 'test.p', { a: true, b: false, c: false }, { asOf }).outcome).toBe('rejected');
  });

  it('is unknown when the unknown items decide it', () => {
    const d = decide(p, 'test.p', { a: true, b: false }, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.unknown).toEqual(['merchant.c']);
    const two = decide(p, 'test.p', { a: true }, { asOf });
    expect(two.outcome).toBe('undetermined');
    expect([...two.unknown].sort()).toEqual(['merchant.b', 'merchant.c']);
  });

  it('the explanation marks each item', () => {
    const d = p.evaluate('test.p', { a: true, b: false }, { asOf, explain: true });
    const criterion = d.explanation![0]!.children![0]!;
    expect(criterion).toMatchObject({ kind: 'criterion', id: 'two', result: 'unknown' });
    const combinator = criterion.children![0]!;
    expect(combinator).toMatchObject({ kind: 'atLeast', count: 2, result: 'unknown' });
    expect(combinator.children!.map((c) => [c.id, c.result])).toEqual([
      ['a', true],
      ['b', false],
      ['c', 'unknown'],
    ]);
  });
});

describe('which unknowns decide, when a let is used in several places', () => {
  // The trace that finds them evaluates each let once and gives every later use the same
  // unknowns again; the explaining trace evaluates it at each use. Both name the same fields.
  const p = simplePolicy(
    `  xs?: list of number
  a?: number
  b?: number`,
    `  admit when total >= 10 and (total < 100 or merchant.a > 1)
  tier gold "金": total >= 50 and merchant.b > 2
  default tier base "基础"`,
    `
let total "合计" = sum(x in merchant.xs: x)
`,
  );

  it('an unknown inside the let is named once for every use that it decides', () => {
    const d = decide(p, 'test.p', { xs: [5, null, 6], a: 2, b: 3 }, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.unknown).toEqual(['merchant.xs[1]']);
    const explained = p.evaluate('test.p', { xs: [5, null, 6], a: 2, b: 3 }, { asOf, explain: true });
    expect(explained.unknown).toEqual(d.unknown);
  });

  it('a let that is known, and fields unknown beside it', () => {
    const d = decide(p, 'test.p', { xs: [60, 40] }, { asOf });
    expect(d.outcome).toBe('undetermined');
    // Admission is open on merchant.a; the tier does not matter until it is decided.
    expect(d.unknown).toEqual(['merchant.a']);
    expect(p.evaluate('test.p', { xs: [60, 40] }, { asOf, explain: true }).unknown).toEqual(d.unknown);
  });

  it('a let first used where its unknowns do not matter still names them where they do', () => {
    const q = simplePolicy(
      `  xs?: list of number
  b?: number`,
      `  exclude big "大额": total > 1000 and merchant.b > 2
  admit when total >= 10`,
      `
let total "合计" = sum(x in merchant.xs: x)
`,
    );
    const d = decide(q, 'test.p', { xs: [5, null, 6], b: 1 }, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.unknown).toEqual(['merchant.xs[1]']);
  });
});
