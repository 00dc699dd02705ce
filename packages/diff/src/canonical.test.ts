import { describe, expect, it } from 'vitest';
import { check, parse, type CheckedPolicy } from '@bylaw/dsl';
import { canonical, canonicalBody, printBody, printExpr } from './canonical.js';

function admitBody(cond: string, extra = ''): { body: import('@bylaw/dsl').CriterionBody; p: CheckedPolicy } {
  const text = `policy t.c "测试" version "1" published 2024-01-01 effective 2024-01-01
enum Kind { a, b, c }
type M { x: number  y: number  k: Kind  s: string  d: date  flag: bool = false }
subject m: M
${extra}
decide { admit when ${cond} }
`;
  const r = check([{ path: 'c.policy', text }]);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((d) => d.message).join('\n'));
  const p = r.policies[0]!;
  const rule = p.decide.rules.find((x) => x.kind === 'AdmitRule')!;
  return { body: (rule as { body: import('@bylaw/dsl').CriterionBody }).body, p };
}

const key = (cond: string) => {
  const { body, p } = admitBody(cond);
  return canonicalBody(body, p);
};

describe('canonical keys: equal when only the writing differs', () => {
  const same: [string, string][] = [
    ['m.x >= 900万', 'm.x >= 9_000_000'],
    ['m.x >= 9000000', '(m.x) >= 900万'],
    ['m.x >= 10%', 'm.x >= 0.1'],
    ['m.x >= 2.50', 'm.x >= 2.5'],
    ['m.x >= 5 and m.y < 3', 'm.y < 3 and m.x >= 5'],
    ['m.x >= 5 or m.y < 3 or m.flag', 'm.flag or (m.y < 3 or m.x >= 5)'],
    ['5 <= m.x', 'm.x >= 5'],
    ['m.k in [a, b]', 'm.k in [b, a]'],
    ['m.k = Kind.a', 'm.k = a'],
    ['m.s = "x"', '"x" = m.s'],
    ['m.d >= today - 1 year', 'm.d >= today - 1 years'],
  ];
  for (const [a, b] of same) it(`${a}  ≡  ${b}`, () => expect(key(a)).toBe(key(b)));

  const different: [string, string][] = [
    ['m.x >= 5', 'm.x > 5'],
    ['m.x >= 5', 'm.x >= 6'],
    ['m.x - m.y >= 5', 'm.y - m.x >= 5'],
    ['m.k in [a, b]', 'm.k in [a, c]'],
    ['m.x >= 5 and m.y < 3', 'm.x >= 5 or m.y < 3'],
  ];
  for (const [a, b] of different) it(`${a}  ≢  ${b}`, () => expect(key(a)).not.toBe(key(b)));
});

describe('printing', () => {
  const roundTrip = [
    'm.x >= 900万',
    'not (m.x >= 5 and m.flag)',
    '(m.x + m.y) * 2 >= 10',
    'm.x - (m.y - 1) >= 0',
    '(if m.flag then m.x else m.y) >= 3',
    'm.d in last 3 natural months',
    'm.k not in [a, b]',
    'm.s starts with "A" or m.s is missing',
  ];
  for (const cond of roundTrip) {
    it(`prints ${cond} so that it parses back to the same condition`, () => {
      const { body, p } = admitBody(cond);
      const printed = printBody(body);
      const again = admitBody(printed);
      expect(canonicalBody(again.body, again.p)).toBe(canonicalBody(body, p));
    });
  }

  it('keeps literals as written', () => {
    const { body } = admitBody('m.x >= 900万 and m.d >= 2024-01-01');
    expect(printBody(body)).toBe('m.x >= 900万 and m.d >= 2024-01-01');
  });

  it('prints combinators on one line with their item ids', () => {
    const text = `criterion c "c": all of { a "A": m.x >= 1  any of { b: m.y >= 2  m.flag } }`;
    const r = admitBody('c', text);
    const crit = r.p.criteria[0]!;
    expect(printBody(crit.body)).toBe('all of { a: m.x >= 1; any of { b: m.y >= 2; m.flag } }');
  });

  it('canonical keys ignore spans: the same text parsed twice gives the same key', () => {
    const a = parse('let v = m.x >= 5', 'a.policy').ast.declarations[0] as import('@bylaw/dsl').LetDecl;
    const b = parse('\n\n  let v =\n   m.x>=5 // comment', 'b.policy').ast.declarations[0] as import('@bylaw/dsl').LetDecl;
    const { p } = admitBody('m.flag');
    expect(canonical(a.value, p)).toBe(canonical(b.value, p));
    expect(printExpr(b.value)).toBe('m.x >= 5');
  });
});
