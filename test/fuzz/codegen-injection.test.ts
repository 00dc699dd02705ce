/**
 * No code execution from policy text.
 *
 * The runtime turns each policy into JavaScript with `new Function`
 * (codegen.ts). Policy text reaches that code only as constants: names in the
 * generated code are generated, strings are JSON string literals or entries
 * of a constants array. These tests feed identifiers, strings, labels,
 * citations, enum data values, table keys, param values, header fields and
 * data keys designed to break out of generated code, compile and evaluate
 * them, and assert that:
 *  - a global canary that injected code would set stays unset (and no
 *    prototype is touched);
 *  - the generated source holds the hostile text only inside string literals;
 *  - generated code and the interpreter still agree, so the text was kept as
 *    data (`m.s = "<hostile>"` is true exactly when the data says so).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PolicyRegistry, renderDiagnostic } from '../support/bylaw.js';
import { assertNoPollution, count, lit, nastyStrings, params, report, scaledRuns, fuzzTimeout } from './support.js';

const g = globalThis as Record<string, unknown>;
beforeEach(() => {
  delete g['__bylawPwned'];
});
afterEach(() => {
  expect(g['__bylawPwned'], 'injected code ran').toBeUndefined();
  assertNoPollution();
});

/** Text meant to end a string, a comment or a block in generated code and run a statement. */
const breakouts = [
  ...nastyStrings,
  '"+(globalThis.__bylawPwned=1)+"',
  "'+(globalThis.__bylawPwned=1)+'",
  '`+(globalThis.__bylawPwned=1)+`',
  '${globalThis.__bylawPwned=1}',
  '\\u0022);globalThis.__bylawPwned=1;//',
  '\\"+(globalThis.__bylawPwned=1)+\\"',
  '\u2028globalThis.__bylawPwned=1',
  '\ud800"+(globalThis.__bylawPwned=1)+"',
  ']; globalThis.__bylawPwned = 1; [',
  '}); globalThis.__bylawPwned = 1; ({',
  '-->globalThis.__bylawPwned=1',
  '<!--\nglobalThis.__bylawPwned=1',
  'K[0](); H.constructor.constructor("globalThis.__bylawPwned=1")()',
  '__proto__',
  'constructor',
  'prototype',
];

/** Hostile strings: the fixed breakouts, and random text around them. */
const hostile = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...breakouts) },
  { weight: 2, arbitrary: fc.tuple(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom(...breakouts), fc.string({ unit: 'binary', maxLength: 12 })).map((p) => p.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('"', "'", '`', '\\', '$', '{', '}', '(', ')', ';', '/', '*', '\n', '\u2028', '\u2029', 'x', '=', '+'), maxLength: 30 }) },
);

/** Field names: identifiers only, but the ones objects inherit and unusual letters. */
const fieldName = fc.constantFrom('constructor', '__proto__', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf', 'ſ', 'ǅx', 'ℌ', 'ª', '_', '字段', 'eval', 'Function', 'globalThis', 'K', 'H', 'ctx', 'out', 'arguments', 'this_', 'let', 'count');

/** Strip JSON string literals from generated source: what is left is code. */
function codeOutsideStrings(source: string): string {
  return source.replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
}

function policyText(s: { label: string; literal: string; member: string; key: string; list: string; title: string; version: string; note: string; source: string; f1: string; f2: string }): string {
  return `policy fz.inj ${lit(s.title)}
  version ${lit(s.version)}
  published 2020-01-01
  effective 2020-01-01
  source ${lit(s.source)}
  note ${lit(s.note)}

// ${s.label.replace(/[\r\n\u2028\u2029]/g, ' ')}
/* ${s.label.replace(/\*\//g, '')} */
enum Kind { a ${lit(s.member)}, b }
type M ${lit(s.label)} {
  ${s.f1}?: string ${lit(s.label)}
  ${s.f2 === s.f1 ? `${s.f2}_2` : s.f2}?: Kind
  tags?: list of string
}
subject m: M
param words ${lit(s.label)}: list of string = [${lit(s.list)}, "x"]
table weights ${lit(s.label)}: string -> number { ${lit(s.key)}: 1  default: 0 }
criterion same ${lit(s.label)} cites ${lit(s.label)}:
  all of {
    eq ${lit(s.label)} cites ${lit(s.literal)}: m.${s.f1} = ${lit(s.literal)}
  }
decide {
  exclude listed ${lit(s.label)}: m.${s.f1} in words
  tier t1 ${lit(s.label)} cites ${lit(s.label)}: same
  tier t2: weights[m.${s.f1}] > 0 or ${lit(s.literal)} in m.tags or m.${s.f1} contains ${lit(s.literal)}
  tier t3: m.${s.f2 === s.f1 ? `${s.f2}_2` : s.f2} = a
  default tier base ${lit(s.label)}
  benefit b1 ${lit(s.label)} for t1
}
`;
}

describe('no code execution from policy text', () => {
  it('hostile strings in every string position and hostile field names: generated code keeps them as data', () => {
    const target = 'codegen injection';
    fc.assert(
      fc.property(
        fc.record({ label: hostile, literal: hostile, member: hostile, key: hostile, list: hostile, title: hostile, version: hostile, note: hostile, source: hostile, f1: fieldName, f2: fieldName }),
        (s) => {
          count(target);
          const text = policyText(s);
          const fast = PolicyRegistry.fromSources([{ path: 'inj.policy', text }]);
          const errors = fast.diagnostics.filter((d) => d.severity === 'error');
          // Every hostile text here is a valid string literal, so the policy must check.
          expect(errors.map((d) => renderDiagnostic(d, text)).join('\n'), text).toBe('');
          const slow = PolicyRegistry.fromSources([{ path: 'inj.policy', text }], { codegen: false });
          const version = fast.registry!.inForce('fz.inj', '2023-01-01')!;
          const source = version.policy.generatedSource!;
          expect(source).toBeDefined();
          // The hostile payloads appear in code only inside string literals.
          const code = codeOutsideStrings(source);
          expect(code).not.toContain('__bylawPwned');
          expect(code).not.toContain('globalThis');
          // Evaluate with data that matches the literal and data that does not, on every path.
          const f1 = s.f1;
          const f2 = s.f2 === s.f1 ? `${s.f2}_2` : s.f2;
          const subjects = [
            JSON.parse(JSON.stringify({ [f1]: s.literal, [f2]: s.member, tags: [s.literal] })),
            JSON.parse(JSON.stringify({ [f1]: s.literal + 'x', [f2]: 'b' })),
            JSON.parse(JSON.stringify({ [f1]: s.list, [f2]: s.member })),
            JSON.parse(JSON.stringify({ [f1]: s.key })),
            {},
          ];
          for (const subject of subjects) {
            const params = JSON.parse(JSON.stringify({ words: [s.key], __proto__: { polluted: 1 } }));
            for (const p of [undefined, params]) {
              const opts = { asOf: '2023-01-01', ...(p ? { params: p } : {}) };
              const a = fast.registry!.evaluate('fz.inj', subject, opts);
              const b = slow.registry!.evaluate('fz.inj', subject, opts);
              const c = version.policy.decide(subject, opts);
              const e = fast.registry!.evaluate('fz.inj', subject, { ...opts, explain: true });
              expect({ o: a.outcome, t: a.tier?.id, v: a.vetoedBy?.id }).toEqual({ o: b.outcome, t: b.tier?.id, v: b.vetoedBy?.id });
              expect({ o: c.outcome, t: c.tier, v: c.vetoedBy }).toEqual({ o: a.outcome, t: a.tier?.id, v: a.vetoedBy?.id });
              expect(e.outcome).toBe(a.outcome);
              expect(g['__bylawPwned']).toBeUndefined();
            }
          }
          // The literal compares as data: a subject holding exactly it satisfies `same`.
          const exact = fast.registry!.evaluate('fz.inj', JSON.parse(JSON.stringify({ [f1]: s.literal, [f2]: 'b' })), { asOf: '2023-01-01', params: { words: [] } });
          expect(exact.tier?.id).toBe('t1');
          assertNoPollution();
        },
      ),
      params(scaledRuns(200, 0.02)),
    );
    report(target);
  }, fuzzTimeout);

  it('enum members, lets, criteria and ids named like the generated code’s own names', () => {
    // Generated code uses t0…, let0…, crit0…, K, H, ctx, out: policies may use the same names.
    const text = `policy fz.names "x"
  version "1"
  published 2020-01-01
  effective 2020-01-01
enum E { K, H, ctx, out, t0, let0, crit0 }
type M { K?: number  H?: number  ctx?: E  out?: bool  t0?: number  Function?: string  eval?: string }
subject m: M
let t1 = m.K + m.H
let let0 = t1 > 1
criterion crit0: let0 and m.out
criterion crit1: m.ctx in [K, H, out] and m.eval = "globalThis.__bylawPwned = 1"
decide {
  tier t2: crit0
  tier t3: crit1
  default tier t4
}
`;
    const fast = PolicyRegistry.fromSources([{ path: 'n.policy', text }]);
    expect(fast.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const slow = PolicyRegistry.fromSources([{ path: 'n.policy', text }], { codegen: false });
    for (const subject of [
      { K: 1, H: 2, out: true },
      { ctx: 'out', eval: 'globalThis.__bylawPwned = 1', Function: 'return 1' },
      { K: 'globalThis.__bylawPwned=1', H: '1' },
      {},
    ]) {
      const a = fast.registry!.evaluate('fz.names', subject, { asOf: '2023-01-01' });
      const b = slow.registry!.evaluate('fz.names', subject, { asOf: '2023-01-01' });
      expect(a.tier?.id ?? a.outcome).toBe(b.tier?.id ?? b.outcome);
    }
    const d = fast.registry!.evaluate('fz.names', { ctx: 'out', out: false, eval: 'globalThis.__bylawPwned = 1' }, { asOf: '2023-01-01' });
    expect(d.tier?.id).toBe('t3');
  });

  it('number literals of every form print as numbers, never as text', () => {
    const text = `policy fz.num "x"
  version "1"
  published 2020-01-01
  effective 2020-01-01
type M { n?: number }
subject m: M
decide {
  tier a: m.n = 1${'0'.repeat(400)}
  tier b: m.n = 0.${'0'.repeat(400)}1
  tier c: m.n > 9_007_199_254_740_993 and m.n < 1e2
  tier d: m.n = 2.5亿 or m.n = 10% or m.n = 900万
  default tier e
}
`;
    const r = PolicyRegistry.fromSources([{ path: 'num.policy', text }]);
    if (r.registry) {
      const src = r.registry.inForce('fz.num', '2023-01-01')!.policy.generatedSource!;
      expect(codeOutsideStrings(src)).not.toMatch(/[^\w.]1e2[^\w]/);
      expect(r.registry.evaluate('fz.num', { n: 250_000_000 }, { asOf: '2023-01-01' }).tier?.id).toBe('d');
    } else {
      // 1e2 is not a Bylaw number: a syntax error is the right answer too.
      expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    }
  });
});
