import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decide, evaluateBoth, header, load, simplePolicy } from './helpers.js';

const asOf = '2024-06-15';

describe('missing and wrong-typed data', () => {
  const p = simplePolicy(
    `  rating: number "评分"
  level: Level
  opened_on: date
  reports: list of Report`,
    `  admit when all of {
    rating "评分": merchant.rating >= 4.5
    level "等级": merchant.level >= L2
    opened "开店日期": merchant.opened_on <= 2024-01-01
    reports "报告": all(r in merchant.reports: r.issued_on >= 2023-01-01)
  }`,
    `
enum Level { L1 < L2 < L3 }
type Report { issued_on: date }
`,
  );
  const good = { rating: 4.8, level: 'L3', opened_on: '2023-05-01', reports: [{ issued_on: '2023-06-01' }] };

  it('a valid subject is admitted with no data errors', () => {
    const d = decide(p, 'test.p', good, { asOf });
    expect(d.outcome).toBe('admitted');
    expect(d.dataErrors).toEqual([]);
  });

  it('a decimal string is accepted for a number', () => {
    expect(decide(p, 'test.p', { ...good, rating: '4.50' }, { asOf }).outcome).toBe('admitted');
    expect(decide(p, 'test.p', { ...good, rating: '4.49' }, { asOf }).outcome).toBe('rejected');
  });

  it('"4星" for a number is a data error at its path, and the outcome is undetermined', () => {
    const { plain, explained } = evaluateBoth(p, 'test.p', { ...good, rating: '4星' }, { asOf });
    for (const d of [plain, explained]) {
      expect(d.outcome).toBe('undetermined');
      expect(d.dataErrors).toEqual([{ path: 'merchant.rating', message: 'expected a number, got "4星" (a string)' }]);
      expect(d.unknown).toEqual(['merchant.rating']);
    }
  });

  it('a wrong-typed field does not matter when another condition already decides', () => {
    const d = decide(p, 'test.p', { ...good, rating: '4星', level: 'L1' }, { asOf });
    expect(d.outcome).toBe('rejected');
  });

  it('an unknown enum member is a data error naming the members', () => {
    const d = decide(p, 'test.p', { ...good, level: 'L9' }, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.dataErrors).toEqual([{ path: 'merchant.level', message: '"L9" (a string) is not a Level (L1, L2, L3)' }]);
    expect(d.unknown).toEqual(['merchant.level']);
  });

  it('a malformed date is a data error', () => {
    for (const bad of ['2023-02-30', '2023/05/01', '20230501', '2023-5-1']) {
      const d = decide(p, 'test.p', { ...good, opened_on: bad }, { asOf });
      expect(d.outcome, bad).toBe('undetermined');
      expect(d.dataErrors, bad).toEqual([{ path: 'merchant.opened_on', message: `expected a date YYYY-MM-DD, got ${JSON.stringify(bad)} (a string)` }]);
    }
  });

  it('a data error inside a list names the element', () => {
    const d = decide(p, 'test.p', { ...good, reports: [{ issued_on: '2023-06-01' }, { issued_on: 20230601 }] }, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.dataErrors).toEqual([{ path: 'merchant.reports[1].issued_on', message: 'expected a date YYYY-MM-DD, got 20230601 (a number)' }]);
  });

  it('a list given as an object is a data error', () => {
    const d = decide(p, 'test.p', { ...good, reports: { issued_on: '2023-06-01' } }, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.dataErrors).toEqual([{ path: 'merchant.reports', message: 'expected a list, got an object' }]);
  });

  it('a non-object subject is a data error on the subject', () => {
    const d = decide(p, 'test.p', [good], { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.dataErrors).toEqual([{ path: 'merchant', message: 'expected a record (JSON object), got a list of 1' }]);
  });

  it('extra unknown fields are ignored', () => {
    const d = decide(p, 'test.p', { ...good, nickname: 'x', extra: { deep: [1, 2, 3] }, rating_v2: 'bad' }, { asOf });
    expect(d.outcome).toBe('admitted');
    expect(d.dataErrors).toEqual([]);
  });

  it('an absent field is unknown, not a data error', () => {
    const { rating: _rating, ...rest } = good;
    const d = decide(p, 'test.p', rest, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.dataErrors).toEqual([]);
    expect(d.unknown).toEqual(['merchant.rating']);
  });

  it('is present of a wrong-typed field is unknown, whether or not the field was read before', () => {
    const first = simplePolicy('  rating?: number\n  ok?: bool', '  admit when merchant.rating is present');
    const d1 = decide(first, 'test.p', { rating: '4星' }, { asOf });
    expect(d1.outcome).toBe('undetermined');
    const after = simplePolicy('  rating?: number\n  ok?: bool', '  admit when (merchant.rating >= 4.5 or merchant.ok) and merchant.rating is present');
    const d2 = decide(after, 'test.p', { rating: '4星', ok: true }, { asOf });
    expect(d2.outcome).toBe('undetermined');
    expect(d2.dataErrors).toEqual([{ path: 'merchant.rating', message: 'expected a number, got "4星" (a string)' }]);
  });

  it('is present of a let or criterion over wrong-typed data is unknown at every use, not only the first', () => {
    const q = simplePolicy(
      '  rating?: number',
      `  admit when score is present and good is present
  prefer again "再用一次": score is present
  prefer good_again "再用一次": good is present`,
      `
let score "评分" = merchant.rating
criterion good "好": merchant.rating >= 4.5
`,
    );
    for (const subject of [{ rating: '4星' }, { rating: 4.8 }, {}]) {
      const { plain, explained } = evaluateBoth(q, 'test.p', subject, { asOf });
      for (const d of [plain, explained]) {
        const met = d.priorities.map((x) => x.met);
        if ('rating' in subject && subject.rating === '4星') {
          expect(d.outcome).toBe('undetermined');
          expect(met).toEqual(['unknown', 'unknown']);
        } else if ('rating' in subject) {
          expect(d.outcome).toBe('admitted');
          expect(met).toEqual([true, true]);
        } else {
          // Missing data: the let and the criterion have no value; nothing is wrong, so both are missing.
          expect(d.outcome).toBe('rejected');
          expect(met).toEqual([false, false]);
        }
      }
    }
  });

  it('is present asks only about what the plain path evaluates, also when explaining', () => {
    // An explanation evaluates every item of a block and both sides of a comparison; what it
    // evaluates only to show it does not make `is present` unknown.
    const q = simplePolicy(
      '  a?: number\n  b?: number\n  x?: number',
      `  admit when merchant.a is present
  prefer blocked "整块": c is present
  prefer compared "比较": d is missing`,
      `
criterion c "块": all of {
  merchant.a > 5
  merchant.b > 2
}
criterion d "比较": merchant.x + 1 > merchant.b
`,
    );
    const { plain, explained } = evaluateBoth(q, 'test.p', { a: 0, b: 'bad' }, { asOf });
    for (const d of [plain, explained]) expect(d.priorities.map((x) => x.met)).toEqual([true, true]);
    // The explanation did meet the bad value (the plain path never reads it).
    expect(explained.dataErrors.map((e) => e.path)).toContain('merchant.b');
    expect(plain.dataErrors).toEqual([]);
  });

  it('is present of a param given with the wrong type is unknown; a table with one bad row is present', () => {
    const q = simplePolicy(
      '  industry?: string',
      `  admit when lim is present
  prefer table_given "有门槛表": th is present
  prefer row "本行业门槛": th[merchant.industry] > 1`,
      `
param lim "上限": number = 3
placeholder th "门槛": table string -> number
`,
    );
    const bad = evaluateBoth(q, 'test.p', { industry: 'a' }, { asOf, params: { lim: 'zz', th: { a: 5, b: 'x' } } }).plain;
    expect(bad.outcome).toBe('undetermined');
    expect(bad.priorities.map((x) => x.met)).toEqual([true, true]);
    expect(bad.dataErrors.map((e) => e.path)).toEqual(['params.lim', 'params.th["b"]']);
    // Not given: the default, present.
    expect(evaluateBoth(q, 'test.p', { industry: 'a' }, { asOf }).plain.outcome).toBe('admitted');
    // A table that is not a table at all reads as a data error too.
    const notTable = evaluateBoth(q, 'test.p', { industry: 'a' }, { asOf, params: { th: 7 } }).plain;
    expect(notTable.priorities.map((x) => x.met)).toEqual(['unknown', 'unknown']);
  });

  it('a bad asOf is a data error, not an exception', () => {
    for (const bad of ['2024-02-30', '2024-13-01T10:00']) {
      const d = p.evaluate('test.p', good, { asOf: bad });
      expect(d.outcome, bad).toBe('undetermined');
      expect(d.dataErrors, bad).toEqual([{ path: 'asOf', message: `not a date: ${JSON.stringify(bad)}` }]);
    }
  });
});

describe('field defaults', () => {
  const p = simplePolicy(
    `  orders: number
  under_investigation: bool = false
  strikes: number = 0
  level: Level = L1`,
    `  admit when merchant.orders >= 10
  exclude investigated "调查中": merchant.under_investigation
  exclude strikes "违规": merchant.strikes >= 3
  tier top "顶级": merchant.level = L3
  default tier normal "普通"`,
    `
enum Level { L1 < L2 < L3 }
`,
  );

  it('an absent field with a default takes the default', () => {
    const d = decide(p, 'test.p', { orders: 50 }, { asOf });
    expect(d.outcome).toBe('admitted');
    expect(d.tier?.id).toBe('normal');
    expect(d.unknown).toEqual([]);
  });

  it('null takes the default too', () => {
    const d = decide(p, 'test.p', { orders: 50, under_investigation: null, strikes: null, level: null }, { asOf });
    expect(d.outcome).toBe('admitted');
    expect(d.tier?.id).toBe('normal');
  });

  it('a given value overrides the default', () => {
    const d = decide(p, 'test.p', { orders: 50, under_investigation: true }, { asOf });
    expect(d.outcome).toBe('rejected');
    expect(d.vetoedBy?.id).toBe('investigated');
    expect(decide(p, 'test.p', { orders: 50, strikes: 3 }, { asOf }).vetoedBy?.id).toBe('strikes');
    expect(decide(p, 'test.p', { orders: 50, level: 'L3' }, { asOf }).tier?.id).toBe('top');
  });

  it('a wrong-typed value is a data error even when the field has a default', () => {
    const d = decide(p, 'test.p', { orders: 50, under_investigation: 'no' }, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.dataErrors).toEqual([{ path: 'merchant.under_investigation', message: 'expected true or false, got "no" (a string)' }]);
  });
});

describe('prototype keys in data', () => {
  let before: string[];
  beforeEach(() => {
    before = Object.getOwnPropertyNames(Object.prototype).sort();
  });
  afterEach(() => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as Record<string, unknown>)['banned']).toBeUndefined();
    expect(({} as Record<string, unknown>)['orders']).toBeUndefined();
  });

  const p = load(`${header('test.proto')}
type Merchant {
  orders: number
  banned: bool = false
  industry?: string
  constructor?: string
}

subject merchant: Merchant

placeholder threshold "行业门槛": table string -> number

decide {
  admit when merchant.orders >= 10
  exclude banned "封禁": merchant.banned
  prefer named "有构造名": merchant.constructor is present
  prefer industry "行业达标": merchant.orders >= threshold[merchant.industry]
}
`);

  it('__proto__ and constructor keys from JSON change nothing and pollute nothing', () => {
    const data = JSON.parse('{"orders": 100, "__proto__": {"banned": true, "orders": 0}, "constructor": {"prototype": {"banned": true}}}');
    const d = decide(p, 'test.proto', data, { asOf });
    // `constructor` is declared as a string here, so an object there is a data error; nothing else changes.
    expect(d.outcome).toBe('admitted');
    expect(d.vetoedBy).toBeUndefined();
    expect(d.dataErrors).toEqual([{ path: 'merchant.constructor', message: 'expected a string, got an object' }]);
  });

  it('a field named constructor is unknown when the data does not give it (not Object.prototype.constructor)', () => {
    const d = decide(p, 'test.proto', { orders: 100 }, { asOf });
    expect(d.outcome).toBe('admitted');
    expect(d.priorities.find((x) => x.id === 'named')?.met).toBe(false);
    expect(d.dataErrors).toEqual([]);
  });

  it('inherited properties are not data: a prototype carrying banned does not veto', () => {
    const data = Object.create({ banned: true, orders: 0 }) as Record<string, unknown>;
    data['orders'] = 100;
    const d = decide(p, 'test.proto', data, { asOf });
    expect(d.vetoedBy).toBeUndefined();
    expect(d.outcome).toBe('admitted');
    // The same through a common merge: Object.assign's [[Set]] of an own "__proto__" key replaces the prototype.
    const merged = Object.assign({}, JSON.parse('{"orders": 100, "__proto__": {"banned": true}}'));
    expect(decide(p, 'test.proto', merged, { asOf }).vetoedBy).toBeUndefined();
  });

  it('table keys such as constructor and toString are not found on Object.prototype', () => {
    for (const industry of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const d = decide(p, 'test.proto', { orders: 100, industry }, { asOf, params: { threshold: { 服饰: 5 } } });
      expect(d.outcome, industry).toBe('admitted');
      expect(d.priorities.find((x) => x.id === 'industry')?.met, industry).toBe('unknown');
      expect(d.dataErrors, industry).toEqual([]);
    }
    const known = decide(p, 'test.proto', { orders: 100, industry: '服饰' }, { asOf, params: { threshold: { 服饰: 5 } } });
    expect(known.priorities.find((x) => x.id === 'industry')?.met).toBe(true);
  });

  it('__proto__ in params is ignored and pollutes nothing', () => {
    const params = JSON.parse('{"__proto__": {"polluted": 1}, "threshold": {"__proto__": 1, "服饰": 500}}');
    const d = decide(p, 'test.proto', { orders: 100, industry: '__proto__' }, { asOf, params });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    // The table has a row literally named "__proto__" (value 1): 100 >= 1.
    expect(d.priorities.find((x) => x.id === 'industry')?.met).toBe(true);
    const apparel = decide(p, 'test.proto', { orders: 100, industry: '服饰' }, { asOf, params });
    expect(apparel.priorities.find((x) => x.id === 'industry')?.met).toBe(false);
  });
});

describe('tables given as params', () => {
  const p = load(`${header('test.tables')}
enum Grade { A < B < C }
type Merchant { industry: string  opened_on: date }
subject merchant: Merchant
placeholder due "截止日期": table string -> date
placeholder grade_of "行业等级": table string -> Grade
placeholder caps "门槛": table string -> number

decide {
  admit when merchant.opened_on <= due[merchant.industry]
  prefer graded "等级": grade_of[merchant.industry] >= B
  prefer capped "门槛": caps[merchant.industry] > 3
}
`);
  const params = {
    due: { 服饰: '2024-01-01', default: '2020-01-01' },
    grade_of: { 服饰: 'C', 食品: 'A' },
    caps: { 服饰: '7', 食品: 2 },
  };

  it('values of every type are read once, as checked with the params (dates and enum members too)', () => {
    for (const [industry, outcome, graded, capped] of [
      ['服饰', 'admitted', true, true],
      ['食品', 'rejected', false, false],
      ['其他', 'rejected', 'unknown', 'unknown'],
    ] as const) {
      const { plain, explained } = evaluateBoth(p, 'test.tables', { industry, opened_on: '2023-06-01' }, { asOf, params });
      for (const d of [plain, explained]) {
        expect(d.dataErrors, industry).toEqual([]);
        expect(d.outcome, industry).toBe(outcome);
        expect(d.priorities.map((x) => x.met), industry).toEqual([graded, capped]);
      }
      expect(decide(p, 'test.tables', { industry, opened_on: '2023-06-01' }, { asOf, params }).outcome).toBe(outcome);
    }
  });

  it('a bad value in a params table is a data error at its row, reported once', () => {
    const d = decide(p, 'test.tables', { industry: '服饰', opened_on: '2023-06-01' }, { asOf, params: { ...params, due: { 服饰: '2024-13-01' } } });
    expect(d.outcome).toBe('undetermined');
    expect(d.dataErrors).toEqual([{ path: 'params.due["服饰"]', message: 'expected a date YYYY-MM-DD, got "2024-13-01" (a string)' }]);
  });
});
