import { describe, expect, it } from 'vitest';
import { comparisons, decide, evaluateBoth, nodes, simplePolicy } from './helpers.js';

const asOf = '2024-06-15';

describe('shortfall in explanations', () => {
  const p = simplePolicy(
    `  paid_orders: number
  refund_rate: number
  rating: number`,
    `  admit when silver`,
    `
criterion silver "银牌" cites "银牌标准":
  all of {
    paid "支付订单量" cites "银牌标准·必须指标": merchant.paid_orders >= 900万
    refunds "退款率": merchant.refund_rate <= 5%
    rating "评分": merchant.rating > 4.5
  }
`,
  );

  it('7800000 against >= 900万 is "1,200,000 short"', () => {
    const { explained } = evaluateBoth(p, 'test.p', { paid_orders: 7800000, refund_rate: 0.01, rating: 4.8 }, { asOf });
    expect(explained.outcome).toBe('rejected');
    const c = comparisons(explained.explanation).find((x) => x.text === 'merchant.paid_orders >= 900万');
    expect(c).toEqual({
      text: 'merchant.paid_orders >= 900万',
      operator: '>=',
      left: '7,800,000',
      right: '9,000,000',
      result: false,
      shortfall: '1,200,000 short',
    });
  });

  it('an upper bound that is exceeded is "over"; a strict bound says so', () => {
    const d = p.evaluate('test.p', { paid_orders: 9000000, refund_rate: '0.08', rating: 4.5 }, { asOf, explain: true });
    const byText = new Map(comparisons(d.explanation).map((c) => [c.text, c]));
    expect(byText.get('merchant.paid_orders >= 900万')).toMatchObject({ result: true, left: '9,000,000' });
    expect(byText.get('merchant.paid_orders >= 900万')!.shortfall).toBeUndefined();
    expect(byText.get('merchant.refund_rate <= 5%')).toMatchObject({ result: false, left: '0.08', right: '0.05', shortfall: '0.03 over' });
    expect(byText.get('merchant.rating > 4.5')).toMatchObject({ result: false, shortfall: '0 short (must be more than 4.5)' });
  });

  it('the explanation tree names the criterion, items, labels and citations', () => {
    const d = p.evaluate('test.p', { paid_orders: 7800000, refund_rate: 0.01, rating: 4.8 }, { asOf, explain: true });
    expect(d.explanation).toHaveLength(1);
    const rule = d.explanation![0]!;
    expect(rule).toMatchObject({ kind: 'rule', role: 'admit', result: false });
    const all = nodes(d.explanation);
    expect(all.find((n) => n.kind === 'criterion')).toMatchObject({ id: 'silver', label: '银牌', cites: '银牌标准', result: false });
    expect(all.filter((n) => n.kind === 'item').map((n) => [n.id, n.result])).toEqual([
      ['paid', false],
      ['refunds', true],
      ['rating', true],
    ]);
    expect(all.find((n) => n.id === 'paid')).toMatchObject({ label: '支付订单量', cites: '银牌标准·必须指标' });
  });

  it('an unknown side shows as ? and the node names the missing field', () => {
    const d = p.evaluate('test.p', { refund_rate: 0.01, rating: 4.8 }, { asOf, explain: true });
    expect(d.outcome).toBe('undetermined');
    expect(d.unknown).toEqual(['merchant.paid_orders']);
    const c = comparisons(d.explanation).find((x) => x.text === 'merchant.paid_orders >= 900万');
    expect(c).toMatchObject({ left: '?', right: '9,000,000', result: 'unknown' });
    expect(c!.shortfall).toBeUndefined();
    expect(nodes(d.explanation).find((n) => n.id === 'paid')).toMatchObject({ result: 'unknown', unknown: ['merchant.paid_orders'] });
  });
});

describe('comparisons repeated inside an aggregation', () => {
  const p = simplePolicy(`  xs: list of number`, `  admit when all of {\n    big "大": any(x in merchant.xs: x >= 40)\n    count(x in merchant.xs where x > 100) = 0\n  }`);

  it('the first 19 are shown, then the latest; the ones between are counted', () => {
    const xs = Array.from({ length: 30 }, (_, i) => i + 1);
    const { explained } = evaluateBoth(p, 'test.p', { xs }, { asOf });
    const condition = nodes(explained.explanation).find((n) => n.kind === 'condition')!;
    expect(condition.comparisons!.map((c) => c.left)).toEqual([...Array.from({ length: 19 }, (_, i) => String(i + 1)), '30']);
    expect(condition.comparisons![19]).toEqual({ text: 'x >= 40', operator: '>=', left: '30', right: '40', result: false, shortfall: '10 short' });
    expect(condition.omittedComparisons).toBe(10);
    // In the second condition the latest is the outermost comparison, which completes last.
    const counted = nodes(explained.explanation).filter((n) => n.kind === 'condition')[1]!;
    expect(counted.comparisons!.map((c) => `${c.text}: ${c.left}`).slice(18)).toEqual(['x > 100: 19', 'count(x in merchant.xs where x > 100) = 0: 0']);
    expect(counted.omittedComparisons).toBe(11);
  });

  it('twenty or fewer are all shown, with nothing counted', () => {
    const { explained } = evaluateBoth(p, 'test.p', { xs: [1, 50] }, { asOf });
    const condition = nodes(explained.explanation).find((n) => n.kind === 'condition')!;
    expect(condition.comparisons!.map((c) => `${c.text}: ${c.left}`)).toEqual(['x >= 40: 1', 'x >= 40: 50']);
    expect(condition.omittedComparisons).toBeUndefined();
  });
});

describe('exact decimals', () => {
  it('0.1 + 0.2 = 0.3 holds in a policy condition', () => {
    const p = simplePolicy('  x?: number', '  admit when 0.1 + 0.2 = 0.3');
    expect(decide(p, 'test.p', {}, { asOf }).outcome).toBe('admitted');
  });

  it('data values add exactly: 0.1 + 0.2 from data equals 0.3', () => {
    const p = simplePolicy('  a: number\n  b: number', '  admit when merchant.a + merchant.b = 0.3');
    expect(decide(p, 'test.p', { a: 0.1, b: 0.2 }, { asOf }).outcome).toBe('admitted');
    expect(decide(p, 'test.p', { a: '0.1', b: '0.2' }, { asOf }).outcome).toBe('admitted');
    expect(decide(p, 'test.p', { a: 0.1, b: 0.21 }, { asOf }).outcome).toBe('rejected');
  });

  it('money sums are exact', () => {
    const p = simplePolicy(
      '  orders: list of Order',
      '  admit when sum(o in merchant.orders: o.amount) = 59.97 and sum(o in merchant.orders: o.amount) * 3 = 179.91',
      '\ntype Order { amount: number }\n',
    );
    const orders = [{ amount: 19.99 }, { amount: '19.99' }, { amount: 19.99 }];
    expect(decide(p, 'test.p', { orders }, { asOf }).outcome).toBe('admitted');
    const tenCents = simplePolicy('  xs: list of number', '  admit when sum(merchant.xs) = 1');
    expect(decide(tenCents, 'test.p', { xs: Array(10).fill(0.1) }, { asOf }).outcome).toBe('admitted');
  });

  it('percentages, 万 and 亿 are exact', () => {
    const p = simplePolicy('  x?: number', '  admit when 10% * 100 = 10 and 2.5亿 = 250000000 and 900万 / 3 = 300万 and 1 / 3 * 3 <= 1');
    expect(decide(p, 'test.p', {}, { asOf }).outcome).toBe('admitted');
  });

  it('the shortfall of a decimal threshold is exact', () => {
    const p = simplePolicy('  gmv: number', '  admit when merchant.gmv >= 100.3');
    const d = p.evaluate('test.p', { gmv: 100.1 }, { asOf, explain: true });
    expect(comparisons(d.explanation)[0]!.shortfall).toBe('0.2 short');
  });
});
