/**
 * Scaling: each stage's work grows at most linearly with its input.
 *
 * For each stage, hostile and ordinary input shapes are measured at a base
 * size and at that size doubled three times; the steps (and bytes allocated)
 * for 8× the input must stay within 8× (with a little slack for fixed costs),
 * where quadratic work would give about 64×. Work is counted, never timed
 * (see test/support/steps.ts), so the result does not depend on the machine
 * or its load. A stage bounded by a limit is measured with the limit out of
 * the way, to show the work up to the limit is linear too.
 */
import { describe, it } from 'vitest';
import { check, parse, renderDiagnostics, tokenize, type CheckedPolicy, type Diagnostic } from '../support/bylaw.js';
import { diffPolicies, findWitnesses, renderText } from '../../packages/diff/src/index.js';
import { countedReads, expectLinear, type Shape } from '../support/steps.js';

const H = 'policy t.p "缩放"\n  version "1"\n  published 2024-01-01\n  effective 2024-01-01\n';
const T = 'type M { a: number, b: bool, s: string }\nsubject m: M\n';
const policy = (body: string, rule = 'm.b') => `${H}${T}${body}\ndecide { admit when ${rule} }\n`;
const lines = (n: number, line: (i: number) => string) => Array.from({ length: n }, (_, i) => line(i)).join('\n');
const unlimited = { maxSyntaxErrors: Number.POSITIVE_INFINITY };

function stage(name: string, shapes: readonly Shape[]): void {
  describe(name, () => {
    for (const shape of shapes) it(shape.name, async () => void (await expectLinear(shape)));
  });
}

stage('lexer', [
  { name: 'the lines of a policy', base: 200, make: (n) => () => tokenize(policy(lines(n, (i) => `let v${i} "标签" = m.a * 1.5 + ${i} // note`))) },
  // A line of unclosed curly quotes took 36 s for 160 KB (each “ rescanned the line).
  { name: 'unclosed curly quotes on one line', base: 2_000, make: (n) => () => tokenize('“'.repeat(n)) },
  { name: 'unclosed straight quotes on one line', base: 2_000, make: (n) => () => tokenize('"\\'.repeat(n)) },
  { name: 'unexpected characters', base: 2_000, make: (n) => () => tokenize('@ '.repeat(n)) },
  { name: 'invisible characters in a name', base: 2_000, make: (n) => () => tokenize('a\u200b'.repeat(n)) },
]);

stage('parser', [
  { name: 'declarations', base: 100, make: (n) => () => parse(policy(lines(n, (i) => `let v${i} "标签" = if m.b then m.a + ${i} else [1, 2][0]`))) },
  { name: 'syntax errors (no limit)', base: 100, make: (n) => () => parse(lines(n, (i) => `let v${i} = (1 + )`), 'x', unlimited) },
  { name: 'syntax errors on one line (no limit)', base: 100, make: (n) => () => parse('let x = @@ + 1 '.repeat(n), 'x', unlimited) },
  { name: 'a long chain a + a + …', base: 500, make: (n) => () => parse(policy(`let s = ${'m.a + '.repeat(n)}1`), 'x', { maxNestingDepth: 1e9 }) },
  { name: 'an all of block', base: 200, make: (n) => () => parse(policy(`criterion c: all of {\n${lines(n, (i) => `  i${i} "条": m.a > ${i}`)}\n}`, 'c')) },
]);

stage('checker', [
  { name: 'definitions', base: 100, make: (n) => () => check([{ path: 'a.policy', text: policy(lines(n, (i) => `let v${i} = m.a + ${i}\ncriterion c${i}: v${i} > 0 and m.b`), lines(n, (i) => `c${i}`).replace(/\n/g, ' and ')) }]) },
  // Each unknown name is compared with the names in scope until the check's budget of 200,000
  // comparisons is spent (docs/limits.md); from about 450 names on, only linear work is left.
  { name: 'unknown names (with "did you mean")', base: 500, make: (n) => () => check([{ path: 'a.policy', text: policy(lines(n, (i) => `let v${i} = m.aa + w${i}`)) }]) },
  {
    name: 'an enum and its members in use',
    base: 200,
    make: (n) => () =>
      check([{ path: 'a.policy', text: `${H}enum E { ${lines(n, (i) => `e${i}`).replace(/\n/g, ', ')} }\ntype M { e: E }\nsubject m: M\n${lines(n, (i) => `criterion c${i}: m.e = e${i}`)}\ndecide { admit when c0 }\n` }]),
  },
  { name: 'many tiers', base: 50, make: (n) => () => check([{ path: 'a.policy', text: `${H}${T}decide {\n${lines(n, (i) => `  tier t${i} "级${i}": m.a >= ${n - i}`)}\n  default tier base\n}\n` }]) },
]);

/** Diagnostics of a text, rendered as `bylaw check` renders them. */
function rendering(text: string): () => unknown {
  const ds: Diagnostic[] = [...parse(text, 'x.policy', unlimited).diagnostics];
  const sources = new Map([['x.policy', text]]);
  return () => renderDiagnostics(ds, sources);
}

stage('diagnostics', [
  // 80 KB on one line took 80 s to render: each diagnostic indexed the file and spread its line.
  { name: 'errors on one long line', base: 200, make: (n) => rendering('let x = @@ + 1 '.repeat(n)) },
  { name: 'errors on many lines', base: 200, make: (n) => rendering(lines(n, () => 'let x = @@ + 1')) },
  { name: 'one error at the end of a long line', base: 20_000, make: (n) => rendering(`let x = ${'1 + '.repeat(n / 4)}@`) },
]);

/**
 * Two versions of a policy, checked; the work measured is the whole `bylaw diff`: analysis,
 * witnesses, text. Each witness is found by evaluating the policy (work in proportion to it) for
 * each change, so the search is bounded by budgets, not by construction: they are lowered here
 * (to 20 evaluations and 20,000 analysis steps in all) so that the sizes measured go past them
 * and show that everything else is linear.
 */
const smallBudgets = { maxWitnessEvaluationsInAll: 20, maxAnalysisSteps: 20_000 };
function differ(old: string, next: string): () => unknown {
  const checked = (text: string, path: string): CheckedPolicy => {
    const r = check([{ path, text }]);
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) throw new Error(`${path} does not check: ${errors.map((d) => d.message).join('; ')}`);
    const p = r.policies[0]!;
    // Enum members are searched by built-ins (indexOf, includes): make those reads steps.
    for (const f of p.subject.type.fields.values()) if (f.type.kind === 'enum') (f.type as { members: readonly string[] }).members = countedReads(f.type.members);
    return p;
  };
  const po = checked(old, 'old.policy');
  const pn = checked(next, 'new.policy');
  return () => {
    const d = diffPolicies(po, pn, { asOf: '2024-03-01', limits: smallBudgets });
    findWitnesses(d, po, pn, { limits: smallBudgets });
    return renderText(d);
  };
}
const version = (v: number) => `policy t.p "缩放"\n  version "${v}"\n  published 2024-01-01\n  effective 2024-0${v}-01\n`;

stage('diff', [
  {
    // One removed member of a 100,000-member enum took 101 s (a search of the new members per old member).
    name: 'an enum with one member removed',
    base: 2_000,
    make: (n) => {
      const body = (v: number, count: number) => `${version(v)}enum E { ${Array.from({ length: count }, (_, i) => `e${i}`).join(', ')} }\ntype M { e: E, a: number }\nsubject m: M\ncriterion c: m.e = e1 and m.a > 0\ndecide { admit when c }\n`;
      return differ(body(1, n), body(2, n - 1));
    },
  },
  {
    // 800 rewritten criteria took 140 s: each edit analysed the whole policy again, and searched witnesses over it.
    name: 'every criterion rewritten',
    base: 25,
    make: (n) => {
      const body = (v: number, k: number) => `${version(v)}type M { a: number, b: number }\nsubject m: M\n${lines(n, (i) => `criterion c${i}: m.a > ${i + k} and m.b < ${i}`)}\ndecide { admit when all of {\n${lines(n, (i) => `  c${i}`)}\n} }\n`;
      return differ(body(1, 0), body(2, 1));
    },
  },
  {
    name: 'one criterion rewritten among many',
    base: 50,
    make: (n) => {
      const body = (v: number, k: number) => `${version(v)}type M { a: number, b: number }\nsubject m: M\n${lines(n, (i) => `criterion c${i}: m.a > ${i === 1 ? i + k : i} and m.b < ${i}`)}\ndecide { admit when all of {\n${lines(n, (i) => `  c${i}`)}\n} }\n`;
      return differ(body(1, 0), body(2, 1));
    },
  },
  {
    name: 'every tier threshold moved',
    base: 10,
    make: (n) => {
      const body = (v: number, k: number) => `${version(v)}type M { a: number }\nsubject m: M\ndecide {\n${lines(n, (i) => `  tier t${i}: m.a >= ${(n - i) * 10 + k}`)}\n  default tier base\n}\n`;
      return differ(body(1, 0), body(2, 1));
    },
  },
]);
