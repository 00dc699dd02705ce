import { describe, expect, it } from 'vitest';
import { check, type CheckedPolicy } from '@bylaw/dsl';
import { diffPolicies } from './diff.js';
import { matchItems } from './analyze.js';

/** A policy around a decide block and extra declarations, over a small merchant type. */
function policy(decide: string, extra = '', version = '1'): CheckedPolicy {
  const text = `policy t.p "测试"
  version "${version}"
  published 2024-01-01
  effective 2024-01-01
subject m: M
enum Level { L1 < L2 < L3 < L4 }
enum Kind { a, b, c }
type Report { passed: bool  score: number  issued_on: date }
type M {
  gmv: number
  rating: number
  level: Level
  kind: Kind
  kinds: list of Kind
  flag: bool = false
  other: bool = false
  region: string
  reports: list of Report
  orders: monthly number
  joined_on: date
}
${extra}
decide {
${decide}
}
`;
  const r = check([{ path: `v${version}.policy`, text }]);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((d) => d.message).join('\n'));
  return r.policies[0]!;
}

/** The direction `bylaw diff` gives the first change in meaning between two admit conditions. */
function direction(oldBody: string, newBody: string, extraOld = '', extraNew = extraOld): string | undefined {
  const d = diffPolicies(policy(`admit when ${oldBody}`, extraOld), policy(`admit when ${newBody}`, extraNew));
  const c = d.changes.find((x) => x.meaning);
  return c ? (c.direction ?? 'none') : 'equal';
}

describe('direction of a changed condition', () => {
  const table: [string, string, string][] = [
    ['m.gmv >= 900万', 'm.gmv >= 1000万', 'stricter'],
    ['m.gmv >= 1000万', 'm.gmv >= 900万', 'looser'],
    ['m.gmv >= 900万', 'm.gmv > 900万', 'stricter'],
    ['m.gmv > 900万', 'm.gmv >= 900万', 'looser'],
    ['m.gmv <= 5', 'm.gmv <= 8', 'looser'],
    ['m.gmv < 5', 'm.gmv < 3', 'stricter'],
    ['900万 <= m.gmv', 'm.gmv >= 1000万', 'stricter'],
    ['m.level >= L2', 'm.level >= L3', 'stricter'],
    ['m.joined_on <= 2024-01-01', 'm.joined_on <= 2023-06-01', 'stricter'],
    ['m.joined_on >= today - 1 year', 'm.joined_on >= today - 2 years', 'looser'],
    ['m.kind in [a, b, c]', 'm.kind in [a, b]', 'stricter'],
    ['m.kind not in [a]', 'm.kind not in [a, b]', 'stricter'],
    ['m.region = "华东"', 'm.region = "华南"', 'unknown'],
    ['m.gmv >= 5 and m.rating >= 4', 'm.gmv >= 5', 'looser'],
    ['m.gmv >= 5', 'm.gmv >= 5 and m.flag', 'stricter'],
    ['m.gmv >= 5 or m.flag', 'm.gmv >= 5', 'stricter'],
    ['m.gmv >= 5', 'm.gmv >= 5 or m.flag', 'looser'],
    ['not (m.gmv >= 5)', 'not (m.gmv >= 6)', 'looser'],
    ['m.gmv >= 5 and m.rating >= 4', 'm.gmv >= 6 and m.rating >= 3', 'unknown'],
    ['any(r in m.reports: r.score >= 60)', 'any(r in m.reports: r.score >= 80)', 'stricter'],
    ['all(r in m.reports: r.score >= 60)', 'all(r in m.reports: r.score >= 50)', 'looser'],
    ['count(r in m.reports where r.passed) >= 2', 'count(r in m.reports where r.passed) >= 3', 'stricter'],
    ['count(r in m.reports where r.score >= 60) >= 2', 'count(r in m.reports where r.score >= 50) >= 2', 'looser'],
    ['sum(m.orders during last 3 natural months) >= 10', 'sum(m.orders during last 6 natural months) >= 10', 'unknown'],
    ['any(v in m.orders during last 3 natural months: v > 0)', 'any(v in m.orders during last 6 natural months: v > 0)', 'looser'],
    ['m.flag', 'm.flag and m.other', 'stricter'],
  ];
  for (const [a, b, want] of table) {
    it(`${a}  →  ${b}: ${want}`, () => expect(direction(a, b)).toBe(want));
  }

  it('through a param: raising a minimum is stricter, wherever it is used', () => {
    expect(direction('m.gmv >= p', 'm.gmv >= p', 'param p "门槛": number = 900万', 'param p "门槛": number = 1000万')).toBe('stricter');
  });

  it('through a let: a wider window under any(…) is looser', () => {
    expect(
      direction('any(v in m.orders during w: v > 0)', 'any(v in m.orders during w: v > 0)', 'let w = last 3 natural months', 'let w = last 6 natural months'),
    ).toBe('looser');
  });

  it('through a table row', () => {
    const t = (x: string) => `table min_score: Kind -> number { a: ${x}  default: 60 }`;
    expect(direction('m.rating >= min_score[m.kind]', 'm.rating >= min_score[m.kind]', t('70'), t('80'))).toBe('stricter');
  });

  it('a placeholder given a value has no direction, and says why', () => {
    const d = diffPolicies(policy('admit when m.gmv >= p', 'placeholder p: number'), policy('admit when m.gmv >= p', 'param p: number = 5'));
    const c = d.changes.find((x) => x.meaning)!;
    expect(c.direction).toBe('unknown');
    expect(c.why.join(' ')).toContain('was a placeholder without a value');
  });

  it('a caller-supplied param value makes a change of its default irrelevant', () => {
    const d = diffPolicies(policy('admit when m.gmv >= p', 'param p: number = 5'), policy('admit when m.gmv >= p', 'param p: number = 6'), { params: { p: 7 } });
    expect(d.meaning).toBe(false);
  });

  it('an exclusion whose condition is met by more subjects makes the policy stricter', () => {
    const d = diffPolicies(policy('admit when m.gmv >= 5\n exclude x: m.rating < 3'), policy('admit when m.gmv >= 5\n exclude x: m.rating < 4'));
    const c = d.changes.find((x) => x.meaning)!;
    expect(c.direction).toBe('stricter');
    expect(c.affects).toEqual(['exclusion x']);
  });

  it('reordering tiers changes meaning; reordering exclusions does not', () => {
    const x = 'tier x: m.gmv >= 5';
    const y = 'tier y: m.rating >= 4';
    const d = diffPolicies(policy(`${x}\n ${y}\n default tier base`), policy(`${y}\n ${x}\n default tier base`));
    expect(d.changes.map((c) => [c.what, c.meaning])).toEqual([['tier order', true]]);
    const ex = (first: string, second: string) => `admit when m.gmv >= 5\n exclude ${first}\n exclude ${second}`;
    const e = diffPolicies(policy(ex('x: m.flag', 'y: m.other')), policy(ex('y: m.other', 'x: m.flag')));
    expect(e.meaning).toBe(false);
    expect(e.changes.map((c) => c.what)).toEqual(['exclusion order']);
  });

  it('an unused definition changes nothing in meaning', () => {
    const d = diffPolicies(policy('admit when m.gmv >= 5', 'param unused: number = 1'), policy('admit when m.gmv >= 5', 'param unused: number = 2'));
    expect(d.meaning).toBe(false);
    expect(d.changes[0]!.why.join(' ')).toContain('not used by any decide rule');
  });
});

describe('matchItems', () => {
  const p = policy('admit when m.gmv >= 5');
  const item = (id: string | undefined, body: string) => {
    const q = policy(`admit when ${body}`);
    const rule = q.decide.rules[0]!;
    return { ...(id ? { id } : {}), body: (rule as { body: never }).body };
  };
  it('matches by id, then by body, then unnamed items by the quantity they test', () => {
    const olds = [item('a', 'm.gmv >= 5'), item(undefined, 'm.rating >= 4'), item('c', 'm.flag')];
    const news = [item('c', 'm.flag'), item(undefined, 'm.rating >= 5'), item('renamed', 'm.gmv >= 5')];
    const pairs = matchItems(olds, news, p, p);
    expect(pairs.map((x) => [x.key, x.old?.id ?? (x.old ? '·' : '-'), x.new?.id ?? (x.new ? '·' : '-')])).toEqual([
      ['c', 'c', 'c'],
      ['#2', '·', '·'],
      ['renamed', 'a', 'renamed'],
    ]);
  });
});
