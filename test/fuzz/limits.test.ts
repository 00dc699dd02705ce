/**
 * Limits: every named limit (docs/limits.md) has a safe default, can be set
 * by the embedding engineer through the API, and turns into a clear error —
 * a diagnostic for policy text, a data error for data — on every evaluation
 * path alike (generated code, interpreter, explanations). Evaluation always
 * terminates: nested walks over data lists count as steps, a `during` window
 * cannot list more months than a list may hold, and data is never walked
 * deeper than the policy reads it.
 *
 * No test here times anything: a hang or a quadratic blow-up shows as a test
 * running past its timeout (speed is measured by the benchmarks in bench/).
 */
import { describe, expect, it } from 'vitest';
import {
  check,
  compile,
  defaultLimits,
  defaultRuntimeLimits,
  loadPolicies,
  parse,
  PolicyRegistry,
  type Decision,
  type RuntimeLimits,
} from '../support/bylaw.js';

const H = 'policy t.p "x"\n  version "1"\n  published 2020-01-01\n  effective 2020-01-01\n';
const asOf = '2023-09-08';

function registries(fields: string, admit: string, runtimeLimits: Partial<RuntimeLimits> = {}, extra = '') {
  const text = `${H}type M { ${fields} }\nsubject m: M\n${extra}\ndecide { admit when ${admit} }\n`;
  const fast = PolicyRegistry.fromSources([{ path: 'l.policy', text }], { runtimeLimits });
  const slow = PolicyRegistry.fromSources([{ path: 'l.policy', text }], { runtimeLimits, codegen: false });
  expect(fast.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { fast: fast.registry!, slow: slow.registry! };
}

/** Evaluate on every path; they agree on the outcome and the data error paths. Returns the plain decision. */
function everyPath(r: ReturnType<typeof registries>, subject: unknown): Decision {
  const plain = r.fast.evaluate('t.p', subject, { asOf });
  const explained = r.fast.evaluate('t.p', subject, { asOf, explain: true });
  const interp = r.slow.evaluate('t.p', subject, { asOf });
  const quick = r.fast.inForce('t.p', asOf)!.policy.decide(subject, { asOf });
  const quickInterp = r.slow.inForce('t.p', asOf)!.policy.decide(subject, { asOf });
  for (const d of [explained, interp]) expect(d.outcome).toBe(plain.outcome);
  for (const d of [quick, quickInterp]) expect(d.outcome).toBe(plain.outcome);
  const paths = (d: { dataErrors: readonly { path: string }[] }) => d.dataErrors.map((e) => e.path).sort();
  expect(paths(interp)).toEqual(paths(plain));
  expect(paths(quick)).toEqual(paths(plain));
  expect(paths(quickInterp)).toEqual(paths(plain));
  return plain;
}

describe('defaults', () => {
  it('are the documented values, frozen', () => {
    expect(defaultLimits).toEqual({ maxSourceLength: 4_000_000, maxNestingDepth: 100, maxSyntaxErrors: 1_000 });
    expect(defaultRuntimeLimits).toEqual({ maxListLength: 100_000, maxSteps: 10_000_000, maxStringLength: 1_000_000, maxReferenceDepth: 16 });
    expect(Object.isFrozen(defaultLimits)).toBe(true);
    expect(Object.isFrozen(defaultRuntimeLimits)).toBe(true);
  });

  it('the real policies load with the defaults', () => {
    const r = loadPolicies(['policies']);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});

describe('maxSourceLength: policy size', () => {
  it('a file over the limit is BYL4002 with the size and the limit, from parse, check, fromSources and loadPolicies', () => {
    const text = `${H}type M { a: bool }\nsubject m: M\ndecide { admit when m.a }\n`;
    const small = { maxSourceLength: 50 };
    const p = parse(text, 'a.policy', small);
    expect(p.diagnostics.map((d) => d.code)).toEqual(['BYL4002']);
    expect(p.diagnostics[0]!.message).toBe(`the file has ${text.length} characters; the limit is 50`);
    expect(p.diagnostics[0]!.hint).toMatch(/limits\.maxSourceLength/);
    expect(check([{ path: 'a.policy', text }], { limits: small }).diagnostics.map((d) => d.code)).toContain('BYL4002');
    const r = PolicyRegistry.fromSources([{ path: 'a.policy', text }], { limits: small });
    expect(r.registry).toBeUndefined();
    expect(loadPolicies(['policies'], { limits: { maxSourceLength: 1000 } }).registry).toBeUndefined();
    // Raised, the same file loads.
    expect(PolicyRegistry.fromSources([{ path: 'a.policy', text }], { limits: { maxSourceLength: 10_000 } }).registry).toBeDefined();
  });

  it('the default rejects a 4 MB file before lexing it', () => {
    const text = ' '.repeat(4_000_001);
    expect(parse(text).diagnostics.map((d) => d.code)).toEqual(['BYL4002']);
  });
});

describe('maxSyntaxErrors: malformed files', () => {
  const broken = (n: number) => Array.from({ length: n }, (_, i) => `let v${i} = (1 + )`).join('\n');
  const few = { maxSyntaxErrors: 100 };
  it('after the limit the file is read no further: the first errors, then BYL4003 where reading stopped', () => {
    const text = broken(250);
    const ds = parse(text, 'junk.policy', few).diagnostics;
    expect(ds.length).toBe(101);
    expect(ds.slice(0, 100).every((d) => d.code === 'BYL1004')).toBe(true);
    const last = ds.at(-1)!;
    expect(last.code).toBe('BYL4003');
    expect(last.message).toBe('more than 100 syntax errors: the file is not read beyond this point');
    expect(last.hint).toMatch(/limits\.maxSyntaxErrors/);
    // It stops at the 101st error: line 101 of the file.
    expect(text.slice(0, last.span.start).split('\n').length).toBe(101);
    // check() and the registry report the same and build nothing from the file.
    expect(check([{ path: 'junk.policy', text }], { limits: few }).diagnostics.filter((d) => d.code === 'BYL4003').length).toBe(1);
    expect(PolicyRegistry.fromSources([{ path: 'junk.policy', text }], { limits: few }).registry).toBeUndefined();
  });

  it('lexical errors count too, in file order with the syntax errors; the default is 1,000', () => {
    const text = '@ '.repeat(3_000);
    const ds = parse(text, 'junk.policy').diagnostics;
    expect(ds.map((d) => d.code)).toEqual([...Array<string>(1_000).fill('BYL1001'), 'BYL4003']);
    expect(ds.at(-1)!.span.start).toBe(2_000);
    const mixed = parse(`${broken(30)}\n${'@ '.repeat(30)}\n${broken(30)}`, 'x', { maxSyntaxErrors: 45 }).diagnostics.map((d) => d.code);
    expect(mixed).toEqual([...Array<string>(30).fill('BYL1004'), ...Array<string>(15).fill('BYL1001'), 'BYL4003']);
  });

  it('is configurable both ways; under the limit every error is reported', () => {
    expect(parse(broken(250), 'x', { maxSyntaxErrors: 300 }).diagnostics.filter((d) => d.code === 'BYL1004').length).toBe(250);
    expect(parse(broken(250), 'x', { maxSyntaxErrors: 300 }).diagnostics.map((d) => d.code)).not.toContain('BYL4003');
  });
});

describe('maxNestingDepth: AST depth', () => {
  const nested = (n: number) => `${H}type M { a: number }\nsubject m: M\ndecide { admit when ${'('.repeat(n)}m.a${')'.repeat(n)} > 0 }\n`;
  it('deeper than the limit is BYL4001 naming the limit; configurable both ways', () => {
    const d = parse(nested(150)).diagnostics.find((x) => x.code === 'BYL4001');
    expect(d?.message).toBe('nesting is deeper than 100 levels');
    expect(d?.hint).toMatch(/limits\.maxNestingDepth/);
    expect(parse(nested(90), 'x', { maxNestingDepth: 80 }).diagnostics.map((x) => x.code)).toContain('BYL4001');
    // Raised beyond what the parser's own recursion can take, the stack ends it, and the message says so.
    const stack = parse(nested(20_000), 'x', { maxNestingDepth: 100_000 }).diagnostics.find((x) => x.code === 'BYL4001');
    expect(stack?.message).toBe('nesting is too deep to parse: the stack ran out before 100000 levels');
    expect(parse(nested(10), 'x', { maxNestingDepth: 5 }).diagnostics.map((x) => x.code)).toContain('BYL4001');
    expect(PolicyRegistry.fromSources([{ path: 'a.policy', text: nested(10) }], { limits: { maxNestingDepth: 5 } }).registry).toBeUndefined();
  });

  it('chains count as nesting: a + b + … and m.a and … (built by loops, walked by recursion)', () => {
    const chain = `${H}type M { a: number }\nsubject m: M\ndecide { admit when ${'m.a + '.repeat(200)}m.a > 0 }\n`;
    const d = check([{ path: 'a.policy', text: chain }]).diagnostics.find((x) => x.code === 'BYL4001');
    expect(d?.message).toMatch(/deeper than 100 levels/);
    expect(check([{ path: 'a.policy', text: chain }], { limits: { maxNestingDepth: 1000 } }).diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
  });

  it('nesting through definitions counts: a chain of lets or criteria deeper than the limit is BYL4001 at the definition', () => {
    const lets = Array.from({ length: 300 }, (_, i) => (i === 0 ? 'let v0 = m.a' : `let v${i} = v${i - 1}`)).join('\n');
    const text = `${H}type M { a: number }\nsubject m: M\n${lets}\ndecide { admit when v299 > 0 }\n`;
    const r = check([{ path: 'a.policy', text }]);
    const d = r.diagnostics.find((x) => x.code === 'BYL4001');
    expect(d?.message).toMatch(/^v\d+ nests \d+ levels deep, counting the lets and criteria it uses; the limit is 100$/);
    expect(r.policies).toEqual([]);
    const raised = PolicyRegistry.fromSources([{ path: 'a.policy', text }], { limits: { maxNestingDepth: 2000 } });
    expect(raised.registry?.evaluate('t.p', { a: 1 }, { asOf, explain: true }).outcome).toBe('admitted');
  });
});

describe('maxListLength: list length in data', () => {
  const shapes: [string, string, (n: number) => unknown][] = [
    ['sum of a data list (generated code)', 'sum(m.xs) > 0', (n) => ({ xs: new Array(n).fill(1) })],
    ['membership in a data list (generated code)', '5 in m.xs', (n) => ({ xs: new Array(n).fill(1) })],
    ['aggregation with a variable', 'any(x in m.xs: x > 5)', (n) => ({ xs: new Array(n).fill(1) })],
    ['count of a string list', 'count(m.tags) > 0', (n) => ({ tags: new Array(n).fill('a') })],
    ['contains on a data list', 'm.tags contains "b"', (n) => ({ tags: new Array(n).fill('a') })],
  ];
  for (const [name, admit, data] of shapes) {
    it(`${name}: over the limit is a data error on every path; under it, evaluated`, () => {
      const r = registries('xs?: list of number  tags?: list of string', admit, { maxListLength: 1000 });
      const over = everyPath(r, data(1001));
      expect(over.outcome).toBe('undetermined');
      expect(over.dataErrors.map((e) => e.message)).toContainEqual(expect.stringMatching(/has 1001 elements; the limit is 1000/));
      const under = everyPath(r, data(1000));
      expect(under.dataErrors).toEqual([]);
    });
  }

  it('a window cannot list more months than a list may hold (no hang, no out-of-memory)', () => {
    const r = registries('s?: monthly number', 'sum(m.s during last 100000000 months) > 0');
    const d = everyPath(r, { s: { '2023-01': 1 } });
    expect(d.outcome).toBe('undetermined');
    expect(d.dataErrors[0]!.message).toMatch(/window of 100000001 months; the limit is 100000/);
    expect(everyPath(registries('s?: monthly number', 'sum(m.s during last 24 months) >= 1'), { s: { '2023-01': 1 } }).outcome).toBe('undetermined');
  });

  it('a window length the calendar cannot count is refused by the checker', () => {
    for (const w of ['last 10000000000000000 days', 'last 3000000000 hours']) {
      const text = `${H}type M { d: datetime }\nsubject m: M\ndecide { admit when m.d in ${w} }\n`;
      const r = check([{ path: 'a.policy', text }]);
      expect(r.diagnostics.map((d) => d.message)).toContainEqual(expect.stringMatching(/a window is a whole number of units, from 1 to \d+/));
    }
  });
});

describe('maxSteps: evaluation steps', () => {
  it('nested aggregations over data stop at the step limit with a data error, on every path', () => {
    const r = registries('xs?: list of number  ys?: list of number', 'any(x in m.xs: any(y in m.ys: x = y))', { maxSteps: 10_000 });
    const xs = Array.from({ length: 200 }, (_, i) => i + 1000);
    const d = everyPath(r, { xs, ys: xs.map((x) => -x) });
    expect(d.outcome).toBe('undetermined');
    expect(d.dataErrors.map((e) => e.message)).toContain('evaluation took more than 10000 steps');
    expect(everyPath(r, { xs: xs.slice(0, 50), ys: xs.slice(0, 50) }).outcome).toBe('admitted');
  });

  it('membership in a data list inside an aggregation counts too (|xs| × |ys| is bounded)', () => {
    const r = registries('xs?: list of number  ys?: list of number', 'any(x in m.xs: x in m.ys)', { maxSteps: 10_000 });
    const xs = Array.from({ length: 500 }, (_, i) => i);
    const d = everyPath(r, { xs, ys: xs.map((x) => -x - 1) });
    expect(d.dataErrors.map((e) => e.message)).toContain('evaluation took more than 10000 steps');
  });

  it('with the default limits the worst nesting the defaults allow still ends in seconds', () => {
    const r = registries('xs?: list of number  ys?: list of number', 'any(x in m.xs: x in m.ys)');
    const big = Array.from({ length: 100_000 }, (_, i) => i);
    const d = r.fast.evaluate('t.p', { xs: big, ys: big.map((x) => -x - 1) }, { asOf });
    expect(d.dataErrors.map((e) => e.message)).toContain('evaluation took more than 10000000 steps');
  }, 60_000);
});

describe('maxStringLength: strings in data', () => {
  it('a string over the limit is a data error naming both lengths, on every path', () => {
    const r = registries('s?: string', 'm.s = "a"', { maxStringLength: 100 });
    const d = everyPath(r, { s: 'a'.repeat(101) });
    expect(d.outcome).toBe('undetermined');
    expect(d.dataErrors).toEqual([{ path: 'm.s', message: 'the string has 101 characters; the limit is 100' }]);
    expect(everyPath(r, { s: 'a'.repeat(100) }).outcome).toBe('rejected');
  });
});

describe('maxReferenceDepth and compile()', () => {
  it('compile() takes runtime limits too', async () => {
    const text = `${H}type M { xs?: list of number }\nsubject m: M\ndecide { admit when sum(m.xs) > 0 }\n`;
    const checked = check([{ path: 'c.policy', text }]).policies[0]!;
    const compiled = compile(checked, { limits: { maxListLength: 3 } });
    expect(compiled.decide({ xs: [1, 2, 3, 4] }, { asOf }).dataErrors[0]!.message).toMatch(/the limit is 3/);
    expect(compiled.evaluate({ xs: [1, 2, 3] }, { asOf }).outcome).toBe('admitted');
  });
});

describe('data is never walked deeper than the policy reads it', () => {
  it('deeply nested and cyclic data objects evaluate quickly without recursion', () => {
    const r = registries('a?: number  r?: M', 'm.r.r.a > 0 or m.a > 0');
    let deep: Record<string, unknown> = { a: 1 };
    for (let i = 0; i < 100_000; i++) deep = { r: deep, a: 'x' };
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['r'] = cyclic;
    expect(() => everyPath(r, deep)).not.toThrow();
    expect(everyPath(r, cyclic).outcome).toBe('admitted');
  });
});

describe('large policies and data within the limits never crash', () => {
  it('a combinator of 100,000 items: compiled (left to the interpreter when too large for generated code) and evaluated on every path', () => {
    const items = Array.from({ length: 100_000 }, (_, i) => `  (m.a > ${i})`).join('\n');
    const text = `${H}type M { a?: number }\nsubject m: M\ndecide { admit when all of {\n${items}\n} }\n`;
    expect(text.length).toBeLessThan(defaultLimits.maxSourceLength);
    const r = { fast: PolicyRegistry.fromSources([{ path: 'l.policy', text }]).registry!, slow: PolicyRegistry.fromSources([{ path: 'l.policy', text }], { codegen: false }).registry! };
    expect(r.fast.inForce('t.p', asOf)!.policy.generatedSource).toBeUndefined();
    expect(everyPath(r, { a: 5 }).outcome).toBe('rejected');
    expect(everyPath(r, { a: 500_000 }).outcome).toBe('admitted');
    expect(everyPath(r, {}).outcome).toBe('undetermined');
  });

  it('200,000 unknown list elements reach the explanation of a criterion used twice', () => {
    const r = registries('xs?: list of number  ys?: list of number', 'c and (c or m.xs is present)', {}, 'criterion c: any(x in m.xs: x > 0) or any(y in m.ys: y > 0)');
    const nulls = new Array(100_000).fill(null);
    const d = everyPath(r, { xs: nulls, ys: nulls });
    expect(d.outcome).toBe('undetermined');
    expect(d.unknown.length).toBe(200_000);
  });

  it('100,000 bad elements of a data list: one data error each, in linear time', () => {
    const r = registries('xs?: list of number', 'sum(m.xs) > 1 or count(x in m.xs where x > 1) > 0');
    const d = everyPath(r, { xs: new Array(100_000).fill('x') });
    expect(d.dataErrors.length).toBe(100_000);
  }, 60_000);
});
