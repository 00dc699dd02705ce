/**
 * Shared pieces of the fuzz suite: run counts, AST and span validation, a
 * generator of small but varied *valid* policies, and a generator of merchant
 * data that matches a policy's schema or attacks it.
 *
 * Run counts: every target has a CI default chosen so that the whole suite
 * stays well under a minute on a slow machine. `FUZZ_RUNS=<n>` sets the runs
 * of the cheap targets (the parser's) to n and of the expensive ones to a
 * stated fraction of n (`scaledRuns`: each evaluator case compiles a policy
 * twice, each registry case writes a folder). A long local run:
 *
 *     FUZZ_RUNS=1000000 npx vitest run test/fuzz
 *
 * Each target prints `[fuzz] <target>: <n> cases in <s> s` to stderr.
 * `FUZZ_SEED=<n>` replays a seed that fast-check printed; `FUZZ_SHRINK=1`
 * shrinks a counterexample (off by default: shrinking a generated policy can
 * take minutes).
 */
import fc from 'fast-check';
import type { Diagnostic, SourceFile, Span } from '../support/bylaw.js';

// ---------------------------------------------------------------------------
// Run counts and reporting

/** The number of runs of a property: the CI default, or FUZZ_RUNS. */
export function runs(ciDefault: number): number {
  const n = Number(process.env['FUZZ_RUNS']);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : ciDefault;
}

/** A runs count scaled for expensive targets (FUZZ_RUNS × factor, at least 1). */
export function scaledRuns(ciDefault: number, factor: number): number {
  const n = Number(process.env['FUZZ_RUNS']);
  return Number.isFinite(n) && n > 0 ? Math.max(1, Math.floor(n * factor)) : ciDefault;
}

/** A test timeout: ten minutes in CI, a day for a long run. */
export const fuzzTimeout = process.env['FUZZ_RUNS'] ? 24 * 3_600_000 : 600_000;

/** fast-check parameters: runs, optional replay seed, shrinking only when asked. */
export function params(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env['FUZZ_SEED'];
  return {
    numRuns,
    ...(seed !== undefined ? { seed: Number(seed) } : {}),
    endOnFailure: process.env['FUZZ_SHRINK'] !== '1',
  } as fc.Parameters<unknown>;
}

/** Count cases per target and print one line per target at the end (for CI logs and the issue report). */
const counters = new Map<string, { cases: number; start: number }>();
export function count(target: string, n = 1): void {
  const c = counters.get(target) ?? { cases: 0, start: performance.now() };
  c.cases += n;
  counters.set(target, c);
}
export function report(target: string, extra = ''): void {
  const c = counters.get(target);
  if (!c) return;
  process.stderr.write(`[fuzz] ${target}: ${c.cases} cases in ${((performance.now() - c.start) / 1000).toFixed(1)} s${extra ? ` (${extra})` : ''}\n`);
}

// ---------------------------------------------------------------------------
// Spans and ASTs

/** Whether a span lies inside a text of the given length (UTF-16 offsets, exclusive end). */
export function validSpan(span: Span | undefined, length: number): boolean {
  return (
    span !== undefined &&
    Number.isInteger(span.start) &&
    Number.isInteger(span.end) &&
    span.start >= 0 &&
    span.start <= span.end &&
    span.end <= length
  );
}

/** Every problem with the spans of diagnostics, given the text of each file. */
export function badDiagnosticSpans(diagnostics: readonly Diagnostic[], textOf: (file: string) => string | undefined): string[] {
  const out: string[] = [];
  for (const d of diagnostics) {
    const text = textOf(d.file);
    if (text === undefined) out.push(`${d.code} names a file that was not read: ${d.file}`);
    else if (!validSpan(d.span, text.length)) out.push(`${d.code} ${JSON.stringify(d.span)} outside ${d.file} (${text.length}): ${d.message}`);
    if (typeof d.message !== 'string' || d.message.length === 0) out.push(`${d.code} has no message`);
    for (const r of d.related ?? []) {
      const t = textOf(r.file);
      if (t === undefined || !validSpan(r.span, t.length)) out.push(`${d.code} related ${JSON.stringify(r.span)} outside ${r.file}`);
    }
  }
  return out;
}

/**
 * Every AST node whose span is not inside the file, walking iteratively (a
 * hostile AST may be deeper than the stack). Nodes are objects with `kind`.
 */
export function badAstSpans(ast: SourceFile, length: number): string[] {
  const out: string[] = [];
  const stack: unknown[] = [ast];
  const seen = new Set<unknown>();
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const x of node) stack.push(x);
      continue;
    }
    const rec = node as Record<string, unknown>;
    if ('span' in rec && !validSpan(rec['span'] as Span, length)) {
      out.push(`${String(rec['kind'] ?? '?')} ${JSON.stringify(rec['span'])}`);
      if (out.length > 5) return out;
    }
    for (const [k, v] of Object.entries(rec)) if (k !== 'span' && typeof v === 'object') stack.push(v);
  }
  return out;
}

/** The depth of an AST (nodes with `kind`), iteratively. */
export function astDepth(ast: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[ast, 0]];
  while (stack.length > 0) {
    const [node, d] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const x of node) stack.push([x, d]);
      continue;
    }
    const rec = node as Record<string, unknown>;
    const depth = 'kind' in rec ? d + 1 : d;
    if (depth > max) max = depth;
    for (const [k, v] of Object.entries(rec)) if (k !== 'span' && typeof v === 'object') stack.push([v, depth]);
  }
  return max;
}

// ---------------------------------------------------------------------------
// Prototype pollution

const protoNames = {
  object: Object.getOwnPropertyNames(Object.prototype).sort().join(','),
  array: Object.getOwnPropertyNames(Array.prototype).sort().join(','),
  function: Object.getOwnPropertyNames(Function.prototype).sort().join(','),
  string: Object.getOwnPropertyNames(String.prototype).sort().join(','),
};

/** Throws if any built-in prototype gained or lost a property, or `{}` sees a polluted key. */
export function assertNoPollution(): void {
  const now = {
    object: Object.getOwnPropertyNames(Object.prototype).sort().join(','),
    array: Object.getOwnPropertyNames(Array.prototype).sort().join(','),
    function: Object.getOwnPropertyNames(Function.prototype).sort().join(','),
    string: Object.getOwnPropertyNames(String.prototype).sort().join(','),
  };
  for (const k of Object.keys(protoNames) as (keyof typeof protoNames)[]) {
    if (now[k] !== protoNames[k]) throw new Error(`${k} prototype changed: ${now[k]}`);
  }
  const probe = {} as Record<string, unknown>;
  for (const key of ['polluted', 'isAdmin', 'score', 'level', 'ok', 'amount']) {
    if (probe[key] !== undefined) throw new Error(`Object.prototype polluted with ${key}`);
  }
}

// ---------------------------------------------------------------------------
// Policies

/** The schema of a generated policy's subject, for generating data. */
export interface FieldSpec {
  readonly name: string;
  readonly type: FieldKind;
  readonly optional: boolean;
  readonly defaultText: string | undefined;
}

export type FieldKind = 'number' | 'bool' | 'string' | 'level' | 'cat' | 'date' | 'datetime' | 'nums' | 'tags' | 'items' | 'series' | 'sub';

/** A generated policy: its text and what a data generator needs to know. */
export interface GeneratedPolicy {
  readonly id: string;
  readonly text: string;
  readonly fields: readonly FieldSpec[];
  readonly placeholders: readonly string[];
  readonly tierIds: readonly string[];
  readonly outcomeIds: readonly string[];
  readonly excludeIds: readonly string[];
  readonly mode: 'admission' | 'outcomes';
}

const levels = ['l1', 'l2', 'l3', 'l4'];
const cats = [
  { name: 'c_a', value: '服饰/鞋靴' },
  { name: 'c_b', value: undefined },
  { name: 'c_c', value: '运动户外' },
];

/** Field names: ordinary, Chinese, keyword-like, and names that objects inherit. */
const fieldNamePool = [
  'orders', 'gmv', 'score', 'flag', 'name', 'level', 'kind', 'opened', 'sent_at', 'nums', 'tags', 'items', 'monthly_orders', 'sub',
  '评分', '店铺名称', 'count', 'sum', 'all', 'constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty', 'prototype', '__defineGetter__',
];

/** Labels and citations, including text that would break out of generated code if spliced into it. */
export const nastyStrings = [
  '银牌标准',
  '产业带服务商',
  '"; globalThis.__bylawPwned = 1; "',
  "'); globalThis.__bylawPwned = 1; ('",
  '`${globalThis.__bylawPwned = 1}`',
  '\\',
  '\\"',
  '</script><script>globalThis.__bylawPwned=1</script>',
  '\u2028\u2029',
  '*/ globalThis.__bylawPwned = 1; /*',
  '\n}; globalThis.__bylawPwned = 1; {',
  '__proto__',
  'constructor',
  '',
];

/** A string as a policy string literal (JSON escapes are the language's escapes). */
export function lit(s: string): string {
  return JSON.stringify(s);
}

type G = fc.GeneratorValue;

interface Scope {
  readonly subject: string;
  readonly fields: FieldSpec[];
  lets: { name: string; type: 'number' | 'bool' | 'date' }[];
  params: { name: string; type: 'number' | 'tags' }[];
  placeholders: string[];
  tables: { name: string; key: 'cat' | 'string' }[];
  criteria: string[];
  /** Aggregation variables in scope: name → element kind. */
  vars: { name: string; kind: 'item' | 'number' | 'string' }[];
  next: () => number;
}

const pick = <T>(g: G, xs: readonly T[]): T => xs[g(fc.nat, { max: xs.length - 1 })]!;
const chance = (g: G, p: number): boolean => g(fc.double, { min: 0, max: 1, noNaN: true }) < p;

function fieldsOf(scope: Scope, ...kinds: FieldKind[]): FieldSpec[] {
  return scope.fields.filter((f) => kinds.includes(f.type));
}

function field(scope: Scope, f: FieldSpec): string {
  return `${scope.subject}.${f.name}`;
}

function numberLiteral(g: G): string {
  return pick(g, [
    () => String(g(fc.integer, { min: 0, max: 2000 })),
    () => String(g(fc.integer, { min: 0, max: 20 })),
    () => `${g(fc.integer, { min: 0, max: 99 })}.${g(fc.integer, { min: 0, max: 99 })}`,
    () => `${g(fc.integer, { min: 1, max: 9 })}万`,
    () => `${g(fc.integer, { min: 1, max: 9 })}.5亿`,
    () => `${g(fc.integer, { min: 0, max: 100 })}%`,
    () => '1_000',
    () => '9_000_000',
    () => '0.1',
  ])();
}

function dateLiteral(g: G): string {
  const y = g(fc.integer, { min: 2019, max: 2025 });
  const m = g(fc.integer, { min: 1, max: 12 });
  const d = g(fc.integer, { min: 1, max: 28 });
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function numExpr(g: G, s: Scope, depth: number): string {
  const options: (() => string)[] = [() => numberLiteral(g)];
  for (const f of fieldsOf(s, 'number')) options.push(() => field(s, f));
  for (const f of fieldsOf(s, 'sub')) options.push(() => `${field(s, f)}.score`);
  for (const l of s.lets.filter((l) => l.type === 'number')) options.push(() => l.name);
  for (const p of s.params.filter((p) => p.type === 'number')) options.push(() => p.name);
  for (const p of s.placeholders) options.push(() => p);
  for (const v of s.vars) {
    if (v.kind === 'number') options.push(() => v.name);
    if (v.kind === 'item') options.push(() => `${v.name}.amount`);
  }
  if (depth > 0) {
    const d = depth - 1;
    options.push(
      () => `(${numExpr(g, s, d)}) ${pick(g, ['+', '-', '*', '/'])} (${numExpr(g, s, d)})`,
      () => `-(${numExpr(g, s, d)})`,
      () => `(if ${boolExpr(g, s, d)} then ${numExpr(g, s, d)} else ${numExpr(g, s, d)})`,
    );
    for (const t of s.tables) {
      const cat = fieldsOf(s, 'cat');
      const str = fieldsOf(s, 'string');
      if (t.key === 'cat' && cat.length) options.push(() => `${t.name}[${field(s, pick(g, cat))}]`);
      if (t.key === 'cat') options.push(() => `${t.name}[${pick(g, cats).name}]`);
      if (t.key === 'string' && str.length) options.push(() => `${t.name}[${field(s, pick(g, str))}]`);
    }
    for (const f of fieldsOf(s, 'nums')) {
      options.push(
        () => `sum(${field(s, f)})`,
        () => `count(${field(s, f)})`,
        () => `${pick(g, ['min', 'max'])}(${field(s, f)})`,
        () => `${field(s, f)}[${g(fc.integer, { min: 0, max: 3 })}]`,
        () => withVar(g, s, 'number', (x) => `count(${x} in ${field(s, f)} where ${boolExpr(g, s, d)})`),
        () => withVar(g, s, 'number', (x) => `sum(${x} in ${field(s, f)}: ${numExpr(g, s, d)})`),
      );
    }
    for (const f of fieldsOf(s, 'items')) {
      options.push(
        () => withVar(g, s, 'item', (x) => `sum(${x} in ${field(s, f)}: ${x}.amount)`),
        () => withVar(g, s, 'item', (x) => `count(${x} in ${field(s, f)} where ${boolExpr(g, s, d)})`),
        () => withVar(g, s, 'item', (x) => `${pick(g, ['min', 'max'])}(${x} in ${field(s, f)}: ${numExpr(g, s, d)})`),
      );
    }
    for (const f of fieldsOf(s, 'series')) {
      options.push(
        () => `sum(${field(s, f)} during last ${g(fc.integer, { min: 1, max: 6 })}${chance(g, 0.5) ? ' natural' : ''} months)`,
        () => `sum(${field(s, f)})`,
        () => withVar(g, s, 'number', (x) => `count(${x} in ${field(s, f)} during last 3 natural months where ${x} > ${numberLiteral(g)})`),
      );
    }
  }
  return pick(g, options)();
}

/** Bind a fresh aggregation variable for the duration of `body`. */
function withVar(g: G, s: Scope, kind: 'item' | 'number' | 'string', body: (name: string) => string): string {
  const name = `x${s.next()}`;
  s.vars.push({ name, kind });
  try {
    return body(name);
  } finally {
    s.vars.pop();
  }
}

function dateExpr(g: G, s: Scope, depth: number): string {
  const options: (() => string)[] = [() => dateLiteral(g), () => 'today'];
  for (const f of fieldsOf(s, 'date')) options.push(() => field(s, f));
  for (const l of s.lets.filter((l) => l.type === 'date')) options.push(() => l.name);
  if (depth > 0) {
    options.push(() => `${pick(g, ['today', dateLiteral(g)])} ${pick(g, ['-', '+'])} ${g(fc.integer, { min: 1, max: 40 })} ${pick(g, ['days', 'months', 'year', 'years', 'day'])}`);
    for (const f of fieldsOf(s, 'date')) options.push(() => `${field(s, f)} + ${g(fc.integer, { min: 1, max: 90 })} days`);
  }
  return pick(g, options)();
}

function strExpr(g: G, s: Scope): string {
  const options: (() => string)[] = [() => lit(pick(g, ['a', 'ab', '服饰', '', 'SGS', 'x"y', '\\']))];
  for (const f of fieldsOf(s, 'string')) options.push(() => field(s, f));
  for (const v of s.vars) if (v.kind === 'string') options.push(() => v.name);
  return pick(g, options)();
}

function boolExpr(g: G, s: Scope, depth: number): string {
  const options: (() => string)[] = [() => `${numExpr(g, s, Math.min(depth, 1))} ${pick(g, ['=', '!=', '<', '<=', '>', '>='])} ${numExpr(g, s, Math.min(depth, 1))}`];
  for (const f of fieldsOf(s, 'bool')) options.push(() => field(s, f));
  for (const f of fieldsOf(s, 'sub')) options.push(() => `${field(s, f)}.flag`);
  for (const l of s.lets.filter((l) => l.type === 'bool')) options.push(() => l.name);
  for (const c of s.criteria) options.push(() => c);
  for (const v of s.vars) if (v.kind === 'item') options.push(() => `${v.name}.ok`, () => `${v.name}.kind ${pick(g, ['=', '!='])} ${pick(g, cats).name}`);
  for (const f of fieldsOf(s, 'level')) {
    options.push(
      () => `${field(s, f)} ${pick(g, ['=', '!=', '<', '<=', '>', '>='])} ${pick(g, levels)}`,
      () => `${field(s, f)} ${pick(g, ['in', 'not in'])} [${pick(g, levels)}, ${pick(g, levels)}]`,
    );
  }
  for (const f of fieldsOf(s, 'cat')) {
    options.push(
      () => `${field(s, f)} ${pick(g, ['=', '!='])} ${chance(g, 0.5) ? 'Cat.' : ''}${pick(g, cats).name}`,
      () => `${field(s, f)} ${pick(g, ['in', 'not in'])} [${pick(g, cats).name}, ${pick(g, cats).name}]`,
    );
  }
  for (const f of fieldsOf(s, 'string')) {
    options.push(
      () => `${field(s, f)} ${pick(g, ['=', '!=', 'contains', 'starts with', 'ends with'])} ${strExpr(g, s)}`,
      () => `${field(s, f)} ${pick(g, ['in', 'not in'])} [${lit('a')}, ${lit('服饰')}, ${strExpr(g, s)}]`,
    );
    for (const p of s.params.filter((p) => p.type === 'tags')) options.push(() => `${field(s, f)} ${pick(g, ['in', 'not in'])} ${p.name}`);
  }
  for (const f of fieldsOf(s, 'tags')) {
    options.push(
      () => `${strExpr(g, s)} ${pick(g, ['in', 'not in'])} ${field(s, f)}`,
      () => `${field(s, f)} contains ${strExpr(g, s)}`,
    );
  }
  for (const f of fieldsOf(s, 'nums')) options.push(() => `${numExpr(g, s, 0)} ${pick(g, ['in', 'not in'])} ${field(s, f)}`);
  for (const f of fieldsOf(s, 'date')) {
    options.push(
      () => `${field(s, f)} ${pick(g, ['<', '<=', '>', '>=', '=', '!='])} ${dateExpr(g, s, 1)}`,
      () => `${field(s, f)} ${pick(g, ['in', 'not in'])} last ${g(fc.integer, { min: 1, max: 24 })}${chance(g, 0.3) ? ' natural' : ''} ${pick(g, ['months', 'years'])}`,
      () => `${field(s, f)} in last ${g(fc.integer, { min: 1, max: 400 })} days`,
    );
  }
  for (const f of fieldsOf(s, 'datetime')) {
    options.push(
      () => `${field(s, f)} ${pick(g, ['<', '<=', '>', '>='])} now - ${g(fc.integer, { min: 1, max: 100 })} hours`,
      () => `${field(s, f)} + ${g(fc.integer, { min: 1, max: 72 })} hours <= now`,
      () => `${field(s, f)} in last ${g(fc.integer, { min: 1, max: 72 })} hours`,
    );
  }
  for (const f of s.fields) options.push(() => `${field(s, f)} is ${pick(g, ['present', 'missing'])}`);
  // Lets and criteria are cached per decision and params checked once: every use must see the
  // same presence. (One option for all of them: a condition asking it is explained by the interpreter.)
  const named = [...s.lets.map((l) => l.name), ...s.criteria, ...s.params.map((p) => p.name), ...s.placeholders];
  if (named.length) options.push(() => `${pick(g, named)} is ${pick(g, ['present', 'missing'])}`);
  if (depth > 0) {
    const d = depth - 1;
    options.push(
      () => `(${boolExpr(g, s, d)}) ${pick(g, ['and', 'or'])} (${boolExpr(g, s, d)})`,
      () => `not (${boolExpr(g, s, d)})`,
      () => `(if ${boolExpr(g, s, d)} then ${boolExpr(g, s, d)} else ${boolExpr(g, s, d)})`,
    );
    for (const f of fieldsOf(s, 'items')) {
      options.push(
        () => withVar(g, s, 'item', (x) => `${pick(g, ['any', 'all'])}(${x} in ${field(s, f)}: ${boolExpr(g, s, d)})`),
        () => withVar(g, s, 'item', (x) => `${pick(g, ['any', 'all'])}(${x} in ${field(s, f)} where ${boolExpr(g, s, d)}: ${boolExpr(g, s, d)})`),
        () => withVar(g, s, 'item', (x) => `count(${x} in ${field(s, f)}: ${x}.ok) >= ${g(fc.integer, { min: 0, max: 3 })}`),
      );
    }
    for (const f of fieldsOf(s, 'tags')) options.push(() => withVar(g, s, 'string', (x) => `any(${x} in ${field(s, f)}: ${x} ${pick(g, ['=', 'starts with', 'contains'])} ${strExpr(g, s)})`));
    for (const f of fieldsOf(s, 'series')) {
      options.push(() => withVar(g, s, 'number', (x) => `${pick(g, ['any', 'all'])}(${x} in ${field(s, f)} during last ${g(fc.integer, { min: 1, max: 4 })} natural months: ${x} >= ${numberLiteral(g)})`));
    }
  }
  return pick(g, options)();
}

function heading(g: G, s: Scope, prefix: string): { id: string; text: string } {
  const id = `${chance(g, 0.2) ? '标准' : prefix}${s.next()}`;
  const label = chance(g, 0.7) ? ` ${lit(pick(g, nastyStrings))}` : '';
  const cites = chance(g, 0.4) ? ` cites ${lit(pick(g, nastyStrings))}` : '';
  return { id, text: `${id}${label}${cites}` };
}

function body(g: G, s: Scope, depth: number, indent: string): string {
  if (depth <= 0 || chance(g, 0.55)) return boolExpr(g, s, g(fc.integer, { min: 0, max: 2 }));
  const n = g(fc.integer, { min: 1, max: 4 });
  const mode = pick(g, ['all of', 'any of', 'at least']);
  const items: string[] = [];
  for (let i = 0; i < n; i++) {
    const inner = body(g, s, depth - 1, indent + '  ');
    // An unnamed item is parenthesized when it is a plain condition, so that it never reads as a heading.
    items.push(chance(g, 0.6) ? `${indent}  ${heading(g, s, 'i').text}: ${inner}` : `${indent}  ${inner.startsWith('all of') || inner.startsWith('any of') || inner.startsWith('at least') ? inner : `(${inner})`}`);
  }
  const head = mode === 'at least' ? `at least ${g(fc.integer, { min: 1, max: n })} of` : mode;
  return `${head} {\n${items.join('\n')}\n${indent}}`;
}

/** An arbitrary valid policy (it must check without errors; the tests assert so). */
export const policyArb: fc.Arbitrary<GeneratedPolicy> = fc.gen().map((g) => generatePolicy(g));

export function generatePolicy(g: G, id = 'fz.p'): GeneratedPolicy {
  let counter = 0;
  const next = () => ++counter;
  const subject = pick(g, ['m', 'merchant', '商家']);
  // Fields
  const kinds: FieldKind[] = ['number', 'number', 'bool', 'string', 'level', 'cat', 'date', 'datetime', 'nums', 'tags', 'items', 'series', 'sub'];
  const names = [...fieldNamePool];
  const fields: FieldSpec[] = [];
  const nFields = g(fc.integer, { min: 1, max: 7 });
  for (let i = 0; i < nFields && names.length > 0; i++) {
    const name = names.splice(g(fc.nat, { max: names.length - 1 }), 1)[0]!;
    const type = pick(g, kinds);
    const mode = g(fc.integer, { min: 0, max: 3 });
    const defaults: Partial<Record<FieldKind, string>> = { number: '0', bool: 'false', string: '""', level: 'l1', cat: 'c_b', date: '2020-01-01' };
    const defaultText = mode === 3 ? defaults[type] : undefined;
    fields.push({ name, type, optional: mode === 1 || mode === 2 ? true : false, defaultText });
  }
  const scope: Scope = { subject, fields, lets: [], params: [], placeholders: [], tables: [], criteria: [], vars: [], next };
  const decls: string[] = [];
  // Params, placeholders, tables
  if (chance(g, 0.4)) {
    const name = `p${next()}`;
    decls.push(`param ${name} ${lit(pick(g, nastyStrings))}: number = ${numberLiteral(g)}`);
    scope.params.push({ name, type: 'number' });
  }
  if (chance(g, 0.3)) {
    const name = `p${next()}`;
    decls.push(`param ${name}: list of string = ["a", "服饰", ${lit(pick(g, nastyStrings))}]`);
    scope.params.push({ name, type: 'tags' });
  }
  if (chance(g, 0.3)) {
    const name = `ph${next()}`;
    decls.push(`placeholder ${name} "未公布的门槛": number`);
    scope.placeholders.push(name);
  }
  if (chance(g, 0.3)) {
    const name = `tb${next()}`;
    const rows = cats.filter(() => chance(g, 0.6)).map((c) => `  ${c.name}: ${numberLiteral(g)}`);
    decls.push(`table ${name} "门槛表": Cat -> number {\n${rows.join('\n')}${chance(g, 0.5) ? `\n  default: ${numberLiteral(g)}` : ''}\n}`);
    scope.tables.push({ name, key: 'cat' });
  }
  if (chance(g, 0.2)) {
    const name = `tb${next()}`;
    decls.push(`table ${name}: string -> number {\n  "a": 1\n  ${lit(pick(g, nastyStrings))}: 2\n  default: 3\n}`);
    scope.tables.push({ name, key: 'string' });
  }
  // Lets and criteria, each referring only to earlier ones (no cycles).
  const nDefs = g(fc.integer, { min: 0, max: 5 });
  for (let i = 0; i < nDefs; i++) {
    const kind = pick(g, ['let-number', 'let-bool', 'let-date', 'criterion', 'criterion']);
    if (kind === 'criterion') {
      const h = heading(g, scope, 'c');
      decls.push(`criterion ${h.text}:\n  ${body(g, scope, 2, '  ')}`);
      scope.criteria.push(h.id);
    } else {
      const name = `v${next()}`;
      const label = chance(g, 0.5) ? ` ${lit(pick(g, nastyStrings))}` : '';
      const type = kind === 'let-number' ? 'number' : kind === 'let-bool' ? 'bool' : 'date';
      const value = type === 'number' ? numExpr(g, scope, 2) : type === 'bool' ? boolExpr(g, scope, 2) : dateExpr(g, scope, 1);
      decls.push(`let ${name}${label} = ${value}`);
      scope.lets.push({ name, type });
    }
  }
  // The decide block.
  const rules: string[] = [];
  const tierIds: string[] = [];
  const outcomeIds: string[] = [];
  const excludeIds: string[] = [];
  const mode = chance(g, 0.7) ? 'admission' : 'outcomes';
  const nExcl = g(fc.integer, { min: 0, max: 2 });
  for (let i = 0; i < nExcl; i++) {
    const h = heading(g, scope, 'e');
    rules.push(`exclude ${h.text}: ${body(g, scope, 1, '  ')}`);
    excludeIds.push(h.id);
  }
  if (mode === 'admission') {
    if (chance(g, 0.6)) rules.push(`admit when ${body(g, scope, 2, '  ')}`);
    const nTiers = g(fc.integer, { min: 0, max: 3 });
    for (let i = 0; i < nTiers; i++) {
      const h = heading(g, scope, 't');
      rules.push(`tier ${h.text}: ${body(g, scope, 1, '  ')}`);
      tierIds.push(h.id);
    }
    if (nTiers > 0 && chance(g, 0.5)) {
      const h = heading(g, scope, 'd');
      rules.push(`default tier ${h.text}`);
      tierIds.push(h.id);
    }
  } else {
    const nOut = g(fc.integer, { min: 1, max: 3 });
    for (let i = 0; i < nOut; i++) {
      const h = heading(g, scope, 'o');
      rules.push(`outcome ${h.text}: ${body(g, scope, 1, '  ')}`);
      outcomeIds.push(h.id);
    }
    const h = heading(g, scope, 'o');
    rules.push(`otherwise outcome ${h.text}`);
    outcomeIds.push(h.id);
  }
  if (chance(g, 0.4)) {
    const h = heading(g, scope, 'pr');
    rules.push(`prefer ${h.text}: ${body(g, scope, 1, '  ')}`);
  }
  const grantable = [...tierIds, ...outcomeIds];
  const nBen = g(fc.integer, { min: 0, max: 2 });
  for (let i = 0; i < nBen; i++) {
    const h = heading(g, scope, 'b');
    const to = grantable.length > 0 && chance(g, 0.6) ? ` for ${grantable.filter(() => chance(g, 0.6)).concat(grantable[0]!).filter((x, j, a) => a.indexOf(x) === j).join(', ')}` : '';
    rules.push(`benefit ${h.text}${to}`);
  }
  // Shuffle the order of excludes/prefers/benefits relative to each other is not needed: order is semantic for tiers/outcomes only.
  const typeField = (f: FieldSpec) => {
    const t: Record<FieldKind, string> = {
      number: 'number', bool: 'bool', string: 'string', level: 'Level', cat: 'Cat', date: 'date', datetime: 'datetime',
      nums: 'list of number', tags: 'list of string', items: 'list of Item', series: 'monthly number', sub: 'Sub',
    };
    return `  ${f.name}${f.optional ? '?' : ''}: ${t[f.type]}${f.defaultText !== undefined ? ` = ${f.defaultText}` : ''}${chance(g, 0.3) ? ` ${lit(pick(g, nastyStrings))}` : ''}`;
  };
  const text = [
    `policy ${id} ${lit(pick(g, nastyStrings))}`,
    `  version ${lit(pick(g, ['1', '2023.1', pick(g, nastyStrings)]))}`,
    '  published 2020-01-01',
    '  effective 2020-01-01',
    ...(chance(g, 0.3) ? [`  timezone ${lit(pick(g, ['Asia/Shanghai', 'UTC', '+05:45', 'America/New_York']))}`] : []),
    ...(chance(g, 0.3) ? [`  note ${lit(pick(g, nastyStrings))}`] : []),
    '',
    `enum Level { ${levels.join(' < ')} }`,
    `enum Cat { ${cats.map((c) => (c.value ? `${c.name} ${lit(c.value)}` : c.name)).join(', ')} }`,
    'type Item { amount: number  ok: bool  kind: Cat  on?: date }',
    'type Sub { score: number  flag: bool = false }',
    `type M ${lit(pick(g, nastyStrings))} {`,
    ...fields.map(typeField),
    '}',
    '',
    `subject ${subject}: M`,
    '',
    ...decls,
    '',
    'decide {',
    ...rules.map((r) => '  ' + r),
    '}',
    '',
  ].join('\n');
  return { id, text, fields, placeholders: scope.placeholders, tierIds, outcomeIds, excludeIds, mode };
}

// ---------------------------------------------------------------------------
// Merchant data

/** Values that are wrong for any type, or strange for the right one. */
export function adversarialValue(g: G): unknown {
  return pick(g, [
    () => null,
    () => Number.NaN,
    () => Number.POSITIVE_INFINITY,
    () => Number.NEGATIVE_INFINITY,
    () => 1e308,
    () => -1e308,
    () => Number.MIN_VALUE,
    () => -0,
    () => 2 ** 53 + 1,
    () => '12.50',
    () => '1e5',
    () => 'NaN',
    () => ' 12',
    () => '4星',
    () => '',
    () => 'x'.repeat(g(fc.integer, { min: 1000, max: 50_000 })),
    () => '\u0000\ud800',
    () => true,
    () => [],
    () => [1, 'a', null, {}],
    () => new Array(g(fc.integer, { min: 100, max: 3000 })).fill(7),
    () => ({}),
    () => JSON.parse('{"__proto__": {"polluted": true, "score": 1}, "constructor": {"prototype": {"polluted": true}}}'),
    () => JSON.parse('{"prototype": {"polluted": true}, "amount": 1, "ok": true, "kind": "c_b"}'),
    () => deepObject(g(fc.integer, { min: 10, max: 5000 })),
    () => deepArray(g(fc.integer, { min: 10, max: 5000 })),
    () => '2023-02-30',
    () => '2023-13-01',
    () => '2023-06-15T25:00',
    () => '9999-12-31',
    () => '0000-01-01',
    () => 'l9',
    () => '服饰',
    () => ({ '2023-06': 'x', '2023-07': null, 'not-a-month': 5 }),
  ])();
}

function deepObject(depth: number): unknown {
  let o: Record<string, unknown> = { leaf: 1 };
  const keys = ['amount', 'score', 'ok', 'kind', 'flag'];
  for (let i = 0; i < depth; i++) o = { [keys[i % keys.length]!]: o, leaf: i };
  return o;
}

function deepArray(depth: number): unknown {
  let a: unknown = [1];
  for (let i = 0; i < depth; i++) a = [a];
  return a;
}

function dateString(g: G): string {
  const y = g(fc.integer, { min: 2019, max: 2025 });
  const m = g(fc.integer, { min: 1, max: 12 });
  const d = g(fc.integer, { min: 1, max: 28 });
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function goodNumber(g: G): unknown {
  return pick(g, [
    () => g(fc.integer, { min: -10, max: 3000 }),
    () => g(fc.integer, { min: 0, max: 20 }),
    () => g(fc.integer, { min: 0, max: 20_000_000 }),
    () => Math.round(g(fc.double, { min: 0, max: 1000, noNaN: true }) * 100) / 100,
    () => String(g(fc.integer, { min: 0, max: 2000 })),
    () => `${g(fc.integer, { min: 0, max: 999 })}.${g(fc.integer, { min: 0, max: 99 })}`,
  ])();
}

function goodValue(g: G, kind: FieldKind, adversity: number): unknown {
  const maybe = (good: () => unknown) => (chance(g, adversity) ? adversarialValue(g) : chance(g, 0.05) ? null : good());
  switch (kind) {
    case 'number':
      return goodNumber(g);
    case 'bool':
      return g(fc.boolean);
    case 'string':
      return pick(g, ['a', 'ab', 'ba', '服饰', '服饰/鞋靴', 'SGS', '', 'x"y', '\\', 'constructor', '__proto__']);
    case 'level':
      return pick(g, levels);
    case 'cat':
      return pick(g, ['服饰/鞋靴', 'c_a', 'c_b', '运动户外', 'c_c']);
    case 'date':
      return dateString(g);
    case 'datetime':
      return `${dateString(g)}T${String(g(fc.integer, { min: 0, max: 23 })).padStart(2, '0')}:${pick(g, ['00', '30'])}${pick(g, ['', '+08:00', 'Z', ':15'])}`;
    case 'nums':
      return Array.from({ length: g(fc.integer, { min: 0, max: 5 }) }, () => maybe(() => goodNumber(g)));
    case 'tags':
      return Array.from({ length: g(fc.integer, { min: 0, max: 5 }) }, () => maybe(() => goodValue(g, 'string', 0)));
    case 'items':
      return Array.from({ length: g(fc.integer, { min: 0, max: 4 }) }, () =>
        maybe(() => record(g, { amount: 'number', ok: 'bool', kind: 'cat', on: 'date' }, adversity)),
      );
    case 'series': {
      const out: Record<string, unknown> = {};
      for (let y = 2022; y <= 2024; y++) for (let m = 1; m <= 12; m++) if (chance(g, 0.7)) out[`${y}-${String(m).padStart(2, '0')}`] = maybe(() => goodNumber(g));
      return out;
    }
    case 'sub':
      return record(g, { score: 'number', flag: 'bool' }, adversity);
  }
}

function record(g: G, shape: Record<string, FieldKind>, adversity: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, kind] of Object.entries(shape)) {
    if (chance(g, 0.1)) continue;
    set(out, k, chance(g, adversity) ? adversarialValue(g) : goodValue(g, kind, adversity));
  }
  return out;
}

/** An own property, even for `__proto__` (as JSON.parse makes it). */
function set(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Merchant data for a policy: mostly well-typed, with adversarial values at the given rate. */
export function subjectFor(g: G, p: GeneratedPolicy): unknown {
  if (chance(g, 0.05)) {
    return pick(g, [() => null, () => undefined, () => [], () => 'merchant', () => 42, () => true, () => deepObject(100), () => JSON.parse('{"__proto__":{"polluted":1}}')])();
  }
  const adversity = pick(g, [0, 0, 0.05, 0.2, 0.6]);
  const out: Record<string, unknown> = {};
  for (const f of p.fields) {
    const r = g(fc.double, { min: 0, max: 1, noNaN: true });
    if (r < 0.1) continue; // missing
    set(out, f.name, r < 0.15 ? null : chance(g, adversity) ? adversarialValue(g) : goodValue(g, f.type, adversity));
  }
  if (chance(g, 0.1)) set(out, pick(g, ['extra_key', '__proto__', 'constructor', 'prototype']), adversarialValue(g));
  // Through JSON when possible, so that `__proto__` becomes an own key as in parsed data.
  if (chance(g, 0.5)) {
    try {
      const text = JSON.stringify(out);
      if (text !== undefined) return JSON.parse(text);
    } catch {
      // deep values: keep the object as is
    }
  }
  return out;
}

/** A well-formed subject: every field present, of its type (what most production records look like). */
export function cleanSubjectFor(g: G, p: GeneratedPolicy): unknown {
  const out: Record<string, unknown> = {};
  for (const f of p.fields) set(out, f.name, goodValue(g, f.type, 0));
  return JSON.parse(JSON.stringify(out));
}

/** A value for every placeholder. */
export function cleanParamsFor(g: G, p: GeneratedPolicy): Record<string, unknown> | undefined {
  if (p.placeholders.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const ph of p.placeholders) out[ph] = goodNumber(g);
  return out;
}

/** Params for a policy: usually none, sometimes placeholder values, sometimes junk. */
export function paramsFor(g: G, p: GeneratedPolicy): Record<string, unknown> | undefined {
  const r = g(fc.integer, { min: 0, max: 9 });
  if (r < 6) return undefined;
  const out: Record<string, unknown> = JSON.parse('{"__proto__": {"polluted": true}}');
  for (const ph of p.placeholders) out[ph] = chance(g, 0.7) ? goodNumber(g) : adversarialValue(g);
  if (r === 9) out['constructor'] = adversarialValue(g);
  return out;
}

/** An evaluation date: usually valid and after the policy takes effect. */
export function asOfArb(g: G): string {
  return pick(g, [
    () => '2023-09-08',
    () => '2024-02-29',
    () => dateString(g),
    () => '2023-09-08T23:30:00+08:00',
    () => '2023-09-08T10:00',
    () => '2019-12-31',
    () => pick(g, ['2023-02-30', '', 'yesterday', '2023-9-8', '2023-09-08T99:00']),
  ])();
}
