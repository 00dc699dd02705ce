/**
 * Every construct of the language in one policy (and one library): it parses
 * to the expected AST, checks without errors, and evaluates as documented in
 * docs/language.md.
 */
import { describe, expect, it } from 'vitest';
import { parse, check, PolicyRegistry, decimalOfNumberLiteral, type SourceFile, type Expression } from '../support/bylaw.js';

const library = `// A library: no header.
enum Level "平台等级" { L1 < L2 < L3 < L4 < L5 }
enum Category { apparel "服饰/鞋靴", sports "运动户外鞋服" }
type Report { issuer: string  issued_on: date  passed?: bool }
`;

const policy = `/* Every construct. */
policy demo.every_construct "全部语法"
  version "1.0"
  published 2024-01-01
  effective 2024-01-15 until 2025-01-15
  source "docs/language.md"
  timezone "Asia/Shanghai"
  note "a test policy"

import "./lib.policy"

subject m: Merchant

type Merchant "商家" {
  level: Level "平台等级"
  category: Category
  name?: string
  banned: bool = false
  gmv: number
  reports: list of Report
  orders: monthly number
  tags: list of string
  notice_at?: datetime
}

let period "评定周期" = last 3 natural months
let paid = sum(m.orders during period)
param min_gmv "GMV门槛": number = 50万
placeholder secret "原文未给出": number
placeholder by_tag "按标签的门槛": table string -> number
table tone_min "调性分门槛": Category -> number {
  apparel: 2
  default: 3
}

criterion level_ok "等级" cites "第一": m.level >= L3
criterion every "组合" cites "第二":
  all of {
    gmv_ok "GMV" cites "第二(1)": m.gmv >= min_gmv
    any of {
      brand "品牌": "brand" in m.tags
      recent "近一年报告": any(r in m.reports where r.issuer = "SGS": r.issued_on >= today - 1 year)
    }
    at least 1 of {
      pct: 10% * m.gmv > 1万
      tagged: any(t in m.tags: m.gmv >= by_tag[t])
      toned: m.gmv > tone_min[m.category]
      paid >= 2.5亿 or paid = 0
    }
    named_not "否定": not m.banned
  }

decide {
  admit when all of {
    level_ok
    every
  }
  exclude banned_shop "封禁" cites "不招商": m.banned
  tier gold "金牌": m.gmv >= 100万 and m.category in [apparel, Category.sports]
  default tier base "基础"
  prefer named "有名字": m.name is present and m.name starts with "旗舰" and m.name contains "店"
  benefit badge "标签" for gold, base
}
`;

const other = `policy demo.other "其他"
  version "1"
  published 2024-01-01
  effective 2024-01-01
import "./lib.policy"
subject m: Merchant2
type Merchant2 { level: Level  ref: Merchant3  at?: datetime }
type Merchant3 { level: Level }
criterion c: m.ref satisfies demo.ref and (if m.level > L2 then 1 else 2) = 1 and min(x in [3, 1, 2]: x) - max([1, 2]) = -1 and count([1, 2]) = 2
criterion soon: m.at + 24 hours <= now or m.at is missing
decide {
  outcome ok "通过": c and soon
  otherwise outcome no "不通过"
}
`;

const ref = `policy demo.ref "被引用"
  version "1"
  published 2024-01-01
  effective 2024-01-01
import "./lib.policy"
subject s: Merchant3
type Merchant3 { level: Level }
decide {
  admit when s.level >= L3
}
`;

const files = [
  { path: 'lib.policy', text: library },
  { path: 'every.policy', text: policy },
  { path: 'other.policy', text: other },
  { path: 'ref.policy', text: ref },
];
const host = {
  readFile: (p: string) => files.find((f) => f.path === p)?.text,
  resolve: (_from: string, spec: string) => spec.replace(/^\.\//, ''),
};

function kinds(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => kinds(n, out));
  else if (node && typeof node === 'object') {
    const k = (node as { kind?: unknown }).kind;
    if (typeof k === 'string') out.add(k);
    for (const [key, v] of Object.entries(node)) if (key !== 'span') kinds(v, out);
  }
  return out;
}

describe('every construct', () => {
  it('parses without diagnostics into every kind of AST node', () => {
    const all = new Set<string>();
    for (const f of files) {
      const r = parse(f.text, f.path);
      expect(r.diagnostics, f.path).toEqual([]);
      kinds(r.ast, all);
    }
    const expected = [
      'SourceFile', 'PolicyHeader', 'VersionItem', 'PublishedItem', 'EffectiveItem', 'SourceItem', 'TimezoneItem', 'NoteItem',
      'ImportDecl', 'SubjectDecl', 'RecordTypeDecl', 'FieldDecl', 'EnumDecl', 'EnumMember', 'LetDecl', 'ParamDecl',
      'PlaceholderDecl', 'TableDecl', 'TableEntry', 'CriterionDecl', 'Combinator', 'CriterionItem', 'DecideBlock',
      'AdmitRule', 'ExcludeRule', 'TierRule', 'DefaultTierRule', 'OutcomeRule', 'OtherwiseRule', 'PreferRule', 'BenefitRule',
      'PrimitiveType', 'NamedType', 'ListType', 'MonthlyType', 'TableType',
      'NumberLiteral', 'StringLiteral', 'BoolLiteral', 'DateLiteral', 'DurationLiteral', 'ListLiteral', 'NameRef',
      'TodayRef', 'NowRef', 'MemberAccess', 'IndexAccess', 'UnaryExpr', 'BinaryExpr', 'ConditionalExpr', 'AggregateExpr',
      'PeriodExpr', 'DuringExpr', 'SatisfiesExpr', 'PresenceExpr', 'Identifier', 'QualifiedName',
    ];
    const missing = expected.filter((k) => !all.has(k));
    expect(missing).toEqual([]);
  });

  it('checks all files together without errors', () => {
    const r = check(files.filter((f) => f.path !== 'lib.policy'), { host });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.policies.map((p) => p.id).sort()).toEqual(['demo.every_construct', 'demo.other', 'demo.ref']);
    const every = r.policies.find((p) => p.id === 'demo.every_construct')!;
    expect(every.effective).toEqual({ from: '2024-01-15', until: '2025-01-15' });
    expect(every.placeholders.map((p) => p.name.name)).toEqual(['secret', 'by_tag']);
    // The unused placeholder is both a placeholder warning and an unused warning.
    // The version ends (until) with no successor; secret is unused; placeholders are listed.
    expect(r.diagnostics.map((d) => d.code).sort()).toEqual(['BYL3016', 'BYL3018', 'BYL3019', 'BYL3019']);
  });

  it('keeps comments aside and numbers exact', () => {
    const r = parse(policy, 'every.policy');
    expect(r.ast.comments.map((c) => c.text)).toEqual(['/* Every construct. */']);
    expect(decimalOfNumberLiteral('50万')).toBe('500000');
    expect(decimalOfNumberLiteral('2.5亿')).toBe('250000000');
    expect(decimalOfNumberLiteral('10%')).toBe('0.1');
    expect(decimalOfNumberLiteral('9_000_000')).toBe('9000000');
    expect(decimalOfNumberLiteral('0.125%')).toBe('0.00125');
  });

  it('evaluates as the reference says', () => {
    const { registry } = PolicyRegistry.fromSources(files.filter((f) => f.path !== 'lib.policy'), { host });
    expect(registry).toBeDefined();
    const subject = {
      level: 'L4',
      category: '服饰/鞋靴',
      name: '旗舰店',
      gmv: 1_200_000,
      reports: [{ issuer: 'SGS', issued_on: '2024-01-01' }],
      orders: { '2024-03': 1, '2024-04': 2, '2024-05': 3 },
      tags: [],
    };
    const d = registry!.evaluate('demo.every_construct', subject, { asOf: '2024-06-10', explain: true });
    expect(d.outcome).toBe('admitted');
    expect(d.tier?.id).toBe('gold');
    expect(d.priorities).toEqual([{ id: 'named', label: '有名字', cites: undefined, met: true }]);
    expect(d.benefits.map((b) => b.id)).toEqual(['badge']);
    // 近一年内: the same day a year back is within; the day before is not.
    const older = registry!.evaluate('demo.every_construct', { ...subject, reports: [{ issuer: 'SGS', issued_on: '2023-06-09' }] }, { asOf: '2024-06-10' });
    expect(older.outcome).toBe('rejected');
    const edge = registry!.evaluate('demo.every_construct', { ...subject, reports: [{ issuer: 'SGS', issued_on: '2023-06-10' }] }, { asOf: '2024-06-10' });
    expect(edge.outcome).toBe('admitted');
    // Outside the effective period: not in force.
    expect(registry!.evaluate('demo.every_construct', subject, { asOf: '2025-01-15' }).outcome).toBe('not_in_force');
    // Custom outcomes, satisfies, conditional, min/max/count, datetimes.
    const o = registry!.evaluate('demo.other', { level: 'L3', ref: { level: 'L3' }, at: '2024-06-09T00:00:00+08:00' }, { asOf: '2024-06-10' });
    expect(o.outcome).toBe('ok');
    const notYet = registry!.evaluate('demo.other', { level: 'L3', ref: { level: 'L3' }, at: '2024-06-09T00:00:01+08:00' }, { asOf: '2024-06-10' });
    expect(notYet.outcome).toBe('no');
    const refRejects = registry!.evaluate('demo.other', { level: 'L3', ref: { level: 'L2' } }, { asOf: '2024-06-10' });
    expect(refRejects.outcome).toBe('no');
  });

  it('looks tables up by key, with the default row', () => {
    const text = `policy t.table "表"
  version "1"
  published 2024-01-01
  effective 2024-01-01
enum Category { apparel "服饰", sports "运动" }
type M { category: Category  score: number }
subject m: M
table tone_min: Category -> number {
  apparel: 2
  default: 3
}
decide {
  admit when m.score > tone_min[m.category]
}
`;
    const { registry } = PolicyRegistry.fromSources([{ path: 't.policy', text }]);
    const ast = parse(text).ast as SourceFile;
    const decide = ast.declarations.find((d) => d.kind === 'DecideBlock')!;
    expect(kinds(decide).has('IndexAccess')).toBe(true);
    const asOf = '2024-02-01';
    expect(registry!.evaluate('t.table', { category: '服饰', score: 2.5 }, { asOf }).outcome).toBe('admitted');
    expect(registry!.evaluate('t.table', { category: '运动', score: 2.5 }, { asOf }).outcome).toBe('rejected');
    expect(registry!.evaluate('t.table', { category: 'sports', score: 3.5 }, { asOf }).outcome).toBe('admitted');
  });

  it('reads a datetime literal', () => {
    const r = parse('let t = 2024-01-01T10:00:00+08:00', 'x.policy');
    const letDecl = r.ast.declarations[0] as { value: Expression };
    expect(letDecl.value.kind).toBe('DateTimeLiteral');
  });
});
