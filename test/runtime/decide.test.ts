import { describe, expect, it } from 'vitest';
import { decide, header, load, simplePolicy } from './helpers.js';

const asOf = '2024-06-15';

describe('tiers', () => {
  const withDefault = simplePolicy(
    '  orders?: number\n  gmv?: number',
    `  tier gold "金牌" cites "等级": merchant.orders >= 1000
  tier silver "银牌": merchant.orders >= 100
  default tier base "基础"
  benefit badge "认证标签"
  benefit matchmaking "撮合支持" for silver, gold
  benefit vip "专属客服" for gold`,
  );

  it('the first tier that holds wins, even when later ones hold too', () => {
    const d = decide(withDefault, 'test.p', { orders: 5000 }, { asOf });
    expect(d.outcome).toBe('admitted');
    expect(d.admission).toBe('admitted');
    expect(d.tier).toEqual({ id: 'gold', label: '金牌', cites: '等级' });
    expect(decide(withDefault, 'test.p', { orders: 500 }, { asOf }).tier?.id).toBe('silver');
  });

  it('the default tier applies when no other holds', () => {
    const d = decide(withDefault, 'test.p', { orders: 5 }, { asOf });
    expect(d.outcome).toBe('admitted');
    expect(d.tier).toEqual({ id: 'base', label: '基础', cites: undefined });
  });

  it('benefits follow the tier', () => {
    expect(decide(withDefault, 'test.p', { orders: 5000 }, { asOf }).benefits.map((b) => b.id)).toEqual(['badge', 'matchmaking', 'vip']);
    expect(decide(withDefault, 'test.p', { orders: 500 }, { asOf }).benefits.map((b) => b.id)).toEqual(['badge', 'matchmaking']);
    expect(decide(withDefault, 'test.p', { orders: 5 }, { asOf }).benefits.map((b) => b.id)).toEqual(['badge']);
    expect(decide(withDefault, 'test.p', { orders: 500 }, { asOf }).benefits[1]).toEqual({ id: 'matchmaking', label: '撮合支持', cites: undefined });
  });

  it('an unknown tier condition: admitted but the outcome is undetermined, with the possible tiers', () => {
    const d = decide(withDefault, 'test.p', {}, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.admission).toBe('admitted');
    expect(d.tier).toBeUndefined();
    expect(d.possible?.map((t) => t.id)).toEqual(['gold', 'silver', 'base']);
    expect(d.unknown).toEqual(['merchant.orders']);
    expect(d.benefits).toEqual([]);
  });

  const noDefault = simplePolicy(
    '  orders?: number\n  gmv?: number',
    `  tier gold "金牌": merchant.gmv >= 1000
  tier silver "银牌": merchant.orders >= 100`,
  );

  it('without a default tier, reaching no tier is a rejection', () => {
    const d = decide(noDefault, 'test.p', { orders: 5, gmv: 5 }, { asOf });
    expect(d.outcome).toBe('rejected');
    expect(d.admission).toBe('rejected');
    expect(d.reason).toBe('no tier is reached');
    expect(d.tier).toBeUndefined();
  });

  it('a better tier unknown and a worse one holding: undetermined between the two', () => {
    const d = decide(noDefault, 'test.p', { orders: 500 }, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.admission).toBe('admitted');
    expect(d.possible?.map((t) => t.id)).toEqual(['gold', 'silver']);
    expect(d.unknown).toEqual(['merchant.gmv']);
  });

  it('every tier unknown without a default: undetermined, admission too', () => {
    const d = decide(noDefault, 'test.p', {}, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.admission).toBe('undetermined');
    expect(d.possible?.map((t) => t.id)).toEqual(['gold', 'silver']);
    expect([...d.unknown].sort()).toEqual(['merchant.gmv', 'merchant.orders']);
  });

  it('a better tier known false does not block a worse one', () => {
    const d = decide(noDefault, 'test.p', { gmv: 5, orders: 500 }, { asOf });
    expect(d.outcome).toBe('admitted');
    expect(d.tier?.id).toBe('silver');
  });
});

describe('exclusions', () => {
  const p = simplePolicy(
    '  orders?: number\n  uses_stolen_images?: bool',
    `  admit when merchant.orders >= 10
  exclude image_theft "盗图、使用明星街拍图的店铺" cites "不招商类型(1)": merchant.uses_stolen_images
  benefit badge "标签"`,
  );

  it('a holding exclusion vetoes whatever else holds', () => {
    const d = decide(p, 'test.p', { orders: 100, uses_stolen_images: true }, { asOf });
    expect(d.outcome).toBe('rejected');
    expect(d.vetoedBy).toEqual({ id: 'image_theft', label: '盗图、使用明星街拍图的店铺', cites: '不招商类型(1)' });
    expect(d.reason).toBeUndefined();
    expect(d.benefits).toEqual([]);
  });

  it('a veto decides even when admission is unknown', () => {
    const d = decide(p, 'test.p', { uses_stolen_images: true }, { asOf });
    expect(d.outcome).toBe('rejected');
    expect(d.vetoedBy?.id).toBe('image_theft');
    expect(d.unknown).toEqual([]);
  });

  it('an exclusion that does not hold lets the subject in', () => {
    const d = decide(p, 'test.p', { orders: 100, uses_stolen_images: false }, { asOf });
    expect(d.outcome).toBe('admitted');
    expect(d.vetoedBy).toBeUndefined();
    expect(d.benefits.map((b) => b.id)).toEqual(['badge']);
  });

  it('an unknown exclusion leaves an otherwise admitted subject undetermined', () => {
    const d = decide(p, 'test.p', { orders: 100 }, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.unknown).toEqual(['merchant.uses_stolen_images']);
  });

  it('an unknown exclusion does not matter when admission fails', () => {
    const d = decide(p, 'test.p', { orders: 1 }, { asOf });
    expect(d.outcome).toBe('rejected');
    expect(d.reason).toBe('the admission conditions are not met');
  });
});

describe('custom outcomes', () => {
  const p = simplePolicy(
    '  score?: number\n  banned: bool = false',
    `  outcome shown "展示" cites "展示规则": merchant.score >= 80
  outcome limited "限流": merchant.score >= 60
  otherwise outcome blocked "屏蔽"
  exclude banned "封禁": merchant.banned
  benefit boost "流量扶持" for shown
  benefit notice "整改通知" for limited, blocked`,
  );

  it('the first outcome that holds wins', () => {
    const d = decide(p, 'test.p', { score: 90 }, { asOf });
    expect(d.outcome).toBe('shown');
    expect(d.outcomeLabel).toBe('展示');
    expect(d.admission).toBeUndefined();
    expect(d.benefits.map((b) => b.id)).toEqual(['boost']);
    const limited = decide(p, 'test.p', { score: 70 }, { asOf });
    expect(limited.outcome).toBe('limited');
    expect(limited.benefits.map((b) => b.id)).toEqual(['notice']);
  });

  it('otherwise applies when none holds', () => {
    const d = decide(p, 'test.p', { score: 10 }, { asOf });
    expect(d.outcome).toBe('blocked');
    expect(d.outcomeLabel).toBe('屏蔽');
    expect(d.benefits.map((b) => b.id)).toEqual(['notice']);
  });

  it('otherwise applies when an exclusion holds', () => {
    const d = decide(p, 'test.p', { score: 90, banned: true }, { asOf });
    expect(d.outcome).toBe('blocked');
    expect(d.vetoedBy?.id).toBe('banned');
  });

  it('an unknown score leaves the outcome undetermined between the candidates', () => {
    const d = decide(p, 'test.p', {}, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.possible?.map((o) => o.id)).toEqual(['shown', 'limited', 'blocked']);
    expect(d.unknown).toEqual(['merchant.score']);
    expect(d.benefits).toEqual([]);
  });
});

describe('priorities', () => {
  const p = simplePolicy(
    '  orders: number\n  has_ops_team?: bool',
    `  admit when merchant.orders >= 10
  prefer own_ops_team "具有独立的快手电商运营团队" cites "优先招商对象": merchant.has_ops_team`,
  );

  it('are reported, met or not, without changing the outcome', () => {
    for (const [has, met] of [
      [true, true],
      [false, false],
      [undefined, 'unknown'],
    ] as const) {
      const d = decide(p, 'test.p', { orders: 100, has_ops_team: has }, { asOf });
      expect(d.outcome, String(has)).toBe('admitted');
      expect(d.unknown).toEqual([]);
      expect(d.priorities).toEqual([{ id: 'own_ops_team', label: '具有独立的快手电商运营团队', cites: '优先招商对象', met }]);
    }
    expect(decide(p, 'test.p', { orders: 1, has_ops_team: true }, { asOf }).outcome).toBe('rejected');
  });
});

describe('placeholders and params', () => {
  const p = simplePolicy(
    '  headcount?: number\n  orders?: number',
    `  admit when all of {
    merchant.headcount >= s_min_headcount
    merchant.orders >= min_orders
  }`,
    `
placeholder s_min_headcount "S级工厂总人数门槛": number
param min_orders "订单量门槛": number = 1000
`,
  );

  it('a placeholder without a value leaves the decision undetermined, naming it', () => {
    const d = decide(p, 'test.p', { headcount: 500, orders: 5000 }, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect(d.unknown).toEqual(['placeholder s_min_headcount']);
  });

  it('missing data and the placeholder are both named', () => {
    const d = decide(p, 'test.p', { orders: 5000 }, { asOf });
    expect(d.outcome).toBe('undetermined');
    expect([...d.unknown].sort()).toEqual(['merchant.headcount', 'placeholder s_min_headcount']);
  });

  it('a placeholder does not matter when another condition already fails', () => {
    const d = decide(p, 'test.p', { headcount: 500, orders: 5 }, { asOf });
    expect(d.outcome).toBe('rejected');
    expect(d.unknown).toEqual([]);
  });

  it('params supply the placeholder', () => {
    expect(decide(p, 'test.p', { headcount: 500, orders: 5000 }, { asOf, params: { s_min_headcount: 300 } }).outcome).toBe('admitted');
    expect(decide(p, 'test.p', { headcount: 500, orders: 5000 }, { asOf, params: { s_min_headcount: '501' } }).outcome).toBe('rejected');
  });

  it('params override a param value', () => {
    const subject = { headcount: 500, orders: 50 };
    const params = { s_min_headcount: 300 };
    expect(decide(p, 'test.p', subject, { asOf, params }).outcome).toBe('rejected');
    expect(decide(p, 'test.p', subject, { asOf, params: { ...params, min_orders: 10 } }).outcome).toBe('admitted');
    expect(decide(p, 'test.p', subject, { asOf, params: { ...params, min_orders: '50.0' } }).outcome).toBe('admitted');
  });

  it('a wrong-typed param is a data error under params.', () => {
    const d = decide(p, 'test.p', { headcount: 500, orders: 5000 }, { asOf, params: { s_min_headcount: 300, min_orders: 'many' } });
    expect(d.outcome).toBe('undetermined');
    expect(d.dataErrors).toEqual([{ path: 'params.min_orders', message: 'expected a number, got "many" (a string)' }]);
  });

  it('a params object changed between evaluations is read afresh', () => {
    const subject = { headcount: 500, orders: 50 };
    const params: Record<string, unknown> = { s_min_headcount: 300, min_orders: 10 };
    expect(decide(p, 'test.p', subject, { asOf, params }).outcome).toBe('admitted');
    params['min_orders'] = 1000;
    expect(decide(p, 'test.p', subject, { asOf, params }).outcome).toBe('rejected');
  });

  it('a param default that uses today follows each evaluation date', () => {
    const q = simplePolicy('  opened_on: date', '  admit when merchant.opened_on <= cutoff', '\nparam cutoff "截止日": date = today - 30 days\n');
    const subject = { opened_on: '2024-05-01' };
    expect(decide(q, 'test.p', subject, { asOf: '2024-06-15' }).outcome).toBe('admitted');
    // On 2024-01-15 the cutoff is 2023-12-16: a shop opened on 2024-05-01 is after it.
    expect(decide(q, 'test.p', subject, { asOf: '2024-01-15' }).outcome).toBe('rejected');
    expect(decide(q, 'test.p', subject, { asOf: '2024-05-31' }).outcome).toBe('admitted');
    expect(decide(q, 'test.p', subject, { asOf: '2024-05-30' }).outcome).toBe('rejected');
  });

  it('a placeholder table: rows from params, unknown for a missing key', () => {
    const t = simplePolicy(
      '  industry: string\n  orders: number',
      '  admit when merchant.orders > threshold[merchant.industry]',
      '\nplaceholder threshold "达标商家标准": table string -> number\n',
    );
    const params = { threshold: { 服饰内衣: 3000, default: 5000 } };
    expect(decide(t, 'test.p', { industry: '服饰内衣', orders: 3001 }, { asOf, params }).outcome).toBe('admitted');
    expect(decide(t, 'test.p', { industry: '服饰内衣', orders: 3000 }, { asOf, params }).outcome).toBe('rejected');
    expect(decide(t, 'test.p', { industry: '家居', orders: 4000 }, { asOf, params }).outcome).toBe('rejected');
    const none = decide(t, 'test.p', { industry: '家居', orders: 4000 }, { asOf, params: { threshold: { 服饰内衣: 3000 } } });
    expect(none.outcome).toBe('undetermined');
    expect(none.unknown).toEqual(['threshold["家居"]']);
    const missing = decide(t, 'test.p', { industry: '家居', orders: 4000 }, { asOf });
    expect(missing.unknown).toEqual(['placeholder threshold']);
  });

  it('a literal table with a default row', () => {
    const t = simplePolicy(
      '  category: Category\n  tone: number',
      '  admit when merchant.tone >= brand_tone_min[merchant.category]',
      `
enum Category { apparel "服饰/鞋靴", sports "运动户外鞋服", home "家居" }
table brand_tone_min "品牌调性分门槛": Category -> number {
  apparel: 2
  default: 3
}
`,
    );
    expect(decide(t, 'test.p', { category: '服饰/鞋靴', tone: 2 }, { asOf }).outcome).toBe('admitted');
    expect(decide(t, 'test.p', { category: 'apparel', tone: 2 }, { asOf }).outcome).toBe('admitted');
    expect(decide(t, 'test.p', { category: 'sports', tone: 2 }, { asOf }).outcome).toBe('rejected');
    expect(decide(t, 'test.p', { category: '家居', tone: 3 }, { asOf }).outcome).toBe('admitted');
  });
});

describe('without admit when', () => {
  it('every subject is admitted', () => {
    const p = load(`${header('test.all')}
type Merchant { orders?: number }
subject merchant: Merchant
decide {
  benefit welcome "欢迎礼包"
}
`);
    const d = decide(p, 'test.all', {}, { asOf });
    expect(d.outcome).toBe('admitted');
    expect(d.benefits.map((b) => b.id)).toEqual(['welcome']);
  });
});

describe('sums', () => {
  const p = simplePolicy('  orders: list of number', '  admit when sum(merchant.orders) >= 9007199254740990');
  const total = (orders: unknown[]) => {
    const d = decide(p, 'test.p', { orders }, { asOf });
    return d.outcome;
  };

  it('add exactly across the safe-integer range, fractions and huge values (generated code and the interpreter agree)', () => {
    expect(total([9007199254740990])).toBe('admitted');
    expect(total([9007199254740989])).toBe('rejected');
    expect(total([9007199254740980, 10])).toBe('admitted');
    expect(total([9007199254740980, 9])).toBe('rejected');
    // Past the safe range, and back.
    expect(total([9007199254740991, 1, -2])).toBe('admitted');
    expect(total([9007199254740991, 1, -3])).toBe('rejected');
    expect(total([1e20, -1e20, 9007199254740990])).toBe('admitted');
    expect(total([0.1, 0.2, 9007199254740989.7])).toBe('admitted');
    expect(total([-5, 5, 9007199254740990])).toBe('admitted');
    expect(total([])).toBe('rejected');
    expect(total(['9007199254740990'])).toBe('admitted');
  });
});

describe('the as-of date on the generated paths', () => {
  const p = simplePolicy('  opened: date', '  admit when merchant.opened < today');
  const subject = { opened: '2000-01-01' };

  it('a missing or bad date is a data error however the calls before went (no clock left over)', () => {
    const policy = p.inForce('test.p', '2024-06-01')!.policy;
    const notADate = (asOf: unknown) => ({ outcome: 'undetermined', dataErrors: [{ path: 'asOf', message: `not a date: ${JSON.stringify(asOf)}` }] });
    for (const asOf of [undefined, 'bad', '2024-06-01', 'bad', undefined, '2024-06-01', undefined]) {
      const options = { asOf } as unknown as { asOf: string };
      const d = policy.decide(subject, options);
      const e = policy.evaluate(subject, options);
      if (asOf === '2024-06-01') {
        expect(d.outcome).toBe('admitted');
        expect(e.outcome).toBe('admitted');
      } else {
        expect({ outcome: d.outcome, dataErrors: d.dataErrors }).toEqual(notADate(asOf));
        expect({ outcome: e.outcome, dataErrors: e.dataErrors }).toEqual(notADate(asOf));
      }
    }
  });
});
