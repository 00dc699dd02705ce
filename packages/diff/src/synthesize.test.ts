import { describe, expect, it } from 'vitest';
import { check, type CheckedPolicy } from '@bylaw/dsl';
import { compile } from '@bylaw/runtime';
import { aim, boundaryValues, epsilonOf, Synth, type Slot } from './synthesize.js';
import * as Cal from './calendar.js';

const TODAY = '2024-03-01';

function policy(decls: string, admit: string): CheckedPolicy {
  const text = `policy t.s "测试" version "1" published 2024-01-01 effective 2024-01-01
enum Level { L1 < L2 < L3 }
type Shop { orders: monthly number  active: bool }
type M {
  gmv: number
  level: Level
  joined_on: date
  sent_at: datetime
  shops: list of Shop
  tags: list of string
  sales: monthly number
}
subject m: M
${decls}
decide { admit when ${admit} }
`;
  const r = check([{ path: 's.policy', text }]);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((d) => d.message).join('\n'));
  return r.policies[0]!;
}

/** Make the admit condition hold (or fail) by synthesis, then ask the runtime. */
function realize(decls: string, admit: string, truth: boolean): { outcome: string; subject: Record<string, unknown> } {
  const p = policy(decls, admit);
  const subject: Record<string, unknown> = {};
  const root: Slot = { get: () => subject, set: () => undefined };
  const today = Cal.parseDay(TODAY)!;
  const months = Cal.monthsOf(Cal.windowOf(6, 'month', true, today, p.timezone));
  const s = new Synth(p, { today, months, maxListLength: 5000, context: new Map(), params: {} }, root);
  Object.assign(subject, s.skeleton(p.subject.type));
  const rule = p.decide.rules[0] as { body: import('@bylaw/dsl').CriterionBody };
  s.makeTrue(rule.body, truth);
  return { outcome: compile(p).evaluate(subject, { asOf: TODAY }).outcome, subject };
}

describe('the synthesizer makes conditions hold or fail, as the runtime judges them', () => {
  const cases: [string, string][] = [
    ['', 'm.gmv >= 900万'],
    ['', 'm.gmv > 900万 and m.gmv < 901万'],
    ['', 'm.level >= L2'],
    ['', 'm.level = L3 or m.gmv = 7'],
    ['', 'm.joined_on >= today - 1 year'],
    ['', 'today < m.joined_on + 1 year'],
    ['', 'm.sent_at + 24 hours <= now'],
    ['', 'm.joined_on in last 30 days'],
    ['', '"VIP" in m.tags'],
    ['', 'm.tags contains "VIP"'],
    ['let period = last 3 natural months', 'sum(m.sales during period) >= 100万'],
    ['let period = last 3 natural months', 'any(v in m.sales during period: v > 10)'],
    ['let period = last 3 natural months', 'all(v in m.sales during period: v > 10)'],
    ['let period = last 3 natural months', 'count(s in m.shops where s.active and any(v in s.orders during period: v > 0)) >= 1200'],
    ['', 'all(s in m.shops: s.active)'],
    ['criterion big "大": m.gmv >= 5', 'big and not (m.level < L2)'],
    ['', 'm.gmv is present'],
  ];
  for (const [decls, admit] of cases) {
    it(`${admit}: true`, () => expect(realize(decls, admit, true).outcome).toBe('admitted'));
    it(`${admit}: false`, () => expect(realize(decls, admit, false).outcome).toBe('rejected'));
  }

  it('a count of 1,200 becomes a list of 1,200 matching elements', () => {
    const { subject } = realize('let period = last 3 natural months', 'count(s in m.shops where any(v in s.orders during period: v > 0)) >= 1200', true);
    expect((subject['shops'] as unknown[]).length).toBe(1200);
  });

  it('monthly series hold the months the windows read', () => {
    const { subject } = realize('let period = last 3 natural months', 'sum(m.sales during period) >= 100', true);
    expect(subject['sales']).toEqual({ '2023-09': 0, '2023-10': 0, '2023-11': 0, '2023-12': 100, '2024-01': 0, '2024-02': 0 });
  });
});

describe('aiming at thresholds', () => {
  it('steps by the last decimal of the threshold', () => {
    expect(epsilonOf(900)).toBe(1);
    expect(epsilonOf(4.5)).toBe(0.1);
    expect(epsilonOf(0.05)).toBe(0.01);
  });

  it('puts the quantity on the right side of each operator', () => {
    const t = { kind: 'number', value: 10 } as const;
    expect(aim(t, '>=', true)).toEqual({ kind: 'number', value: 10 });
    expect(aim(t, '>=', false)).toEqual({ kind: 'number', value: 9 });
    expect(aim(t, '>', true)).toEqual({ kind: 'number', value: 11 });
    expect(aim(t, '<', true)).toEqual({ kind: 'number', value: 9 });
    expect(aim(t, '<=', false)).toEqual({ kind: 'number', value: 11 });
  });

  it('tries between two thresholds first, then at and around each', () => {
    const v = boundaryValues({ kind: 'number', value: 9_000_000 }, { kind: 'number', value: 10_000_000 }).map((x) => (x.kind === 'number' ? x.value : NaN));
    expect(v).toEqual([9_500_000, 9_000_000, 8_999_999, 9_000_001, 10_000_000, 9_999_999, 10_000_001]);
  });
});
