/**
 * Code generation for the plain decision path: a checked policy's rules as
 * one JavaScript function, built once per policy with `new Function`.
 *
 * Safety: no text from the policy is ever spliced into the generated source.
 * Names in the generated code are generated (`t12`, `let3`); every string,
 * field name and constant is either a number printed from a finite double or
 * an element of the constants array `K`, read by index. Field names are read
 * as `o[K[7]]`.
 *
 * Coverage: the common shapes (field reads with type checks, comparisons,
 * and/or/not, membership in constant lists, lets, criteria, combinators, sums
 * of lists) are generated inline; every other expression calls the
 * interpreter's closure for that node, so the generated function always
 * computes exactly what the interpreter computes.
 */
import type * as A from '@bylaw/dsl';
import type { CheckedPolicy, Type } from '@bylaw/dsl';
import * as D from './values/decimal.js';
import { dayFromCivil } from './values/calendar.js';
import { ConversionFailure, plainRecord, readOwn, type Converter } from './convert.js';

/** What the generator needs from the interpreter it accelerates. */
export interface CodegenHost<Ctx> {
  readonly policy: CheckedPolicy;
  /** The interpreter's plain closure for an expression (the fallback). */
  closure(e: A.Expression): (ctx: Ctx) => unknown;
  letSlot(decl: A.LetDecl): number;
  criterionSlot(decl: A.CriterionDecl): number;
  paramSlot(name: string): number;
  converter(type: Type): Converter;
  /** Record a data error at a path; returns undefined (unknown). */
  fail(ctx: Ctx, path: string, message: string): undefined;
  /** Whether values of this expression come straight from data (and need checking when read). */
  isRawData(e: A.Expression): boolean;
  readonly maxStringLength: number;
  readonly maxListLength: number;
  /** The interpreter's step budget: generated loops count list elements as its aggregations do. */
  readonly maxSteps: number;
}

/**
 * The generated function: computes the value of every rule body into `out`,
 * then returns the epilogue's result (a precomputed decision when the rules
 * decide the outcome without unknowns), or undefined.
 */
export type RulesFunction<Ctx> = (ctx: Ctx, out: (boolean | undefined)[]) => unknown;

const inherited = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * The most temporaries generated code may use. Each is a local of a generated function;
 * a function with hundreds of thousands of locals (a combinator of 100,000 items) has a
 * frame larger than the stack. Beyond this a policy is left to the interpreter.
 */
export const MAX_GENERATED_TEMPORARIES = 20_000;

/**
 * Generate the rules function for a policy's rule bodies, in order; undefined when the
 * policy is too large for generated code (see {@link MAX_GENERATED_TEMPORARIES}).
 */
export function generateRules<Ctx>(
  host: CodegenHost<Ctx>,
  bodies: readonly A.CriterionBody[],
  epilogue: (constant: (value: unknown) => string) => string[] = () => [],
): { fn: RulesFunction<Ctx>; source: string } | undefined {
  const g = new Generator(host);
  const lines: string[] = [];
  for (let i = 0; i < bodies.length; i++) {
    if (g.temporaries > MAX_GENERATED_TEMPORARIES) return undefined;
    const { code, result } = g.capture(() => g.body(bodies[i]!));
    // Line by line, not spread as arguments: a rule's code can have more lines than the stack holds arguments.
    lines.push('{');
    for (const l of code) lines.push(l);
    lines.push(`out[${i}] = ${result};`, '}');
  }
  if (g.temporaries > MAX_GENERATED_TEMPORARIES) return undefined;
  for (const l of epilogue((v) => g.constant(v))) lines.push(l);
  const source = [
    '"use strict";',
    ...g.prelude,
    'return function rules(ctx, out) {',
    ...lines.map((l) => '  ' + l),
    '};',
  ].join('\n');
  const helpers = {
    slow(convert: Converter, raw: unknown, ctx: Ctx, path: string): unknown {
      const v = convert(raw);
      return v instanceof ConversionFailure ? host.fail(ctx, path, v.message) : v;
    },
    readOwn,
    plainRecord,
    objectPrototype: Object.prototype,
    add: D.add,
    sub: D.sub,
    mul: D.mul,
    div: D.div,
  };
  const factory = new Function('K', 'H', source) as (k: unknown[], h: typeof helpers) => RulesFunction<Ctx>;
  return { fn: factory(g.constants, helpers), source };
}

class Generator<Ctx> {
  readonly constants: unknown[] = [];
  readonly prelude: string[] = [];
  private out: string[] = [];
  private temp = 0;

  /** How many temporaries (locals) the generated code has used so far. */
  get temporaries(): number {
    return this.temp;
  }
  private readonly lets = new Map<A.LetDecl, string>();
  private readonly criteria = new Map<A.CriterionDecl, string>();

  constructor(private readonly host: CodegenHost<Ctx>) {}

  /** A constant for code outside the generator (the epilogue). */
  constant(value: unknown): string {
    return this.k(value);
  }

  private k(value: unknown): string {
    this.constants.push(value);
    return `K[${this.constants.length - 1}]`;
  }

  private t(): string {
    return `t${this.temp++}`;
  }

  /** Append lines; arrays (captured code) are appended element by element, never spread as arguments. */
  private emit(...parts: (string | readonly string[])[]): void {
    for (const p of parts) {
      if (typeof p === 'string') this.out.push(p);
      else for (const l of p) this.out.push(l);
    }
  }

  /** A function of the prelude around captured code. */
  private preludeFunction(head: readonly string[], code: readonly string[], tail: readonly string[]): void {
    for (const l of head) this.prelude.push(l);
    for (const l of code) this.prelude.push('  ' + l);
    for (const l of tail) this.prelude.push(l);
  }

  /** Run a generator step into a fresh statement buffer. */
  capture(step: () => string): { code: string[]; result: string } {
    const saved = this.out;
    this.out = [];
    const result = step();
    const code = this.out;
    this.out = saved;
    return { code, result };
  }

  private typeOf(e: A.Expression): Type {
    return this.host.policy.types.get(e) ?? { kind: 'error' };
  }

  private fallback(e: A.Expression): string {
    const v = this.t();
    this.emit(`const ${v} = ${this.k(this.host.closure(e))}(ctx);`);
    return v;
  }

  // ---------------------------------------------------------------- criteria

  body(b: A.CriterionBody): string {
    if (b.kind !== 'Combinator') return this.expr(b);
    const r = this.t();
    if (b.mode === 'atLeast') {
      const need = Number(b.count?.value ?? 0);
      const t = this.t();
      const u = this.t();
      this.emit(`let ${t} = 0, ${u} = 0;`);
      for (const item of b.items) {
        const { code, result } = this.capture(() => this.body(item.body));
        this.emit('{', code, `if (${result} === true) ${t}++; else if (${result} === undefined) ${u}++;`, '}');
      }
      this.emit(`const ${r} = ${t} >= ${need} ? true : ${t} + ${u} < ${need} ? false : undefined;`);
      return r;
    }
    // all: false decides; any: true decides. Later items run only while undecided.
    const decisive = b.mode === 'all' ? 'false' : 'true';
    const neutral = b.mode === 'all' ? 'true' : 'false';
    // One flat labelled block left by `break` (not one nested `if` per item: a combinator of
    // 100,000 items would nest the generated code deeper than the JavaScript parser can go).
    const done = this.t();
    this.emit(`let ${r} = ${neutral};`, `${done}: {`);
    for (const item of b.items) {
      const { code, result } = this.capture(() => this.body(item.body));
      this.emit(code, `if (${result} === ${decisive}) { ${r} = ${decisive}; break ${done}; } else if (${result} === undefined) ${r} = undefined;`);
    }
    this.emit('}');
    return r;
  }

  private criterionRef(decl: A.CriterionDecl): string {
    let name = this.criteria.get(decl);
    if (!name) {
      name = `crit${this.criteria.size}`;
      this.criteria.set(decl, name);
      const slot = this.host.criterionSlot(decl);
      const { code, result } = this.capture(() => this.body(decl.body));
      this.preludeFunction(
        [`function ${name}(ctx) {`, `  if (ctx.criterionGen[${slot}] === ctx.gen) return ctx.criteria[${slot}];`],
        code,
        [`  ctx.criteria[${slot}] = ${result};`, `  ctx.criterionGen[${slot}] = ctx.gen;`, `  return ${result};`, '}'],
      );
    }
    const v = this.t();
    this.emit(`const ${v} = ${name}(ctx);`);
    return v;
  }

  private letRef(decl: A.LetDecl): string {
    let name = this.lets.get(decl);
    if (!name) {
      name = `let${this.lets.size}`;
      this.lets.set(decl, name);
      const slot = this.host.letSlot(decl);
      const { code, result } = this.capture(() => this.expr(decl.value));
      this.preludeFunction(
        [`function ${name}(ctx) {`, `  if (ctx.letGen[${slot}] === ctx.gen) return ctx.lets[${slot}];`],
        code,
        [`  ctx.lets[${slot}] = ${result};`, `  ctx.letGen[${slot}] = ctx.gen;`, `  return ${result};`, '}'],
      );
    }
    const v = this.t();
    this.emit(`const ${v} = ${name}(ctx);`);
    return v;
  }

  // ------------------------------------------------------------- expressions

  expr(e: A.Expression): string {
    switch (e.kind) {
      case 'NumberLiteral':
        return this.number(Number(e.value));
      case 'BoolLiteral':
        return e.value ? 'true' : 'false';
      case 'StringLiteral':
        return jsString(e.value);
      case 'DateLiteral':
        return this.number(dayFromCivil(e.year, e.month, e.day));
      case 'NameRef':
        return this.name(e);
      case 'MemberAccess':
        return this.member(e);
      case 'UnaryExpr':
        if (e.operator === 'not') {
          const a = this.expr(e.operand);
          const v = this.t();
          this.emit(`const ${v} = ${a} === undefined ? undefined : !${a};`);
          return v;
        }
        return this.fallback(e);
      case 'BinaryExpr':
        return this.binary(e);
      case 'ConditionalExpr': {
        const c = this.expr(e.condition);
        const v = this.t();
        const a = this.capture(() => this.expr(e.then));
        const b = this.capture(() => this.expr(e.otherwise));
        this.emit(`let ${v};`, `if (${c} === true) {`, a.code, `${v} = ${a.result};`, `} else if (${c} === false) {`, b.code, `${v} = ${b.result};`, '}');
        return v;
      }
      case 'AggregateExpr':
        return this.aggregate(e);
      default:
        return this.fallback(e);
    }
  }

  private number(n: number): string {
    // A finite double prints as a JavaScript number literal; anything else goes through K.
    return Number.isFinite(n) ? `(${String(n)})` : this.k(n);
  }

  private name(e: A.NameRef): string {
    const r = this.host.policy.names.get(e);
    switch (r?.kind) {
      case 'subject':
        return 'ctx.subject';
      case 'enumMember':
        return this.number(r.index);
      case 'param':
      case 'placeholder':
        return `ctx.params[${this.host.paramSlot(r.decl.name.name)}]`;
      case 'let':
        return this.letRef(r.decl);
      case 'criterion':
        return this.criterionRef(r.decl);
      default:
        return this.fallback(e);
    }
  }

  /** The static data path of a field chain from the subject, for messages. */
  private staticPath(e: A.Expression): string | undefined {
    if (e.kind === 'NameRef') return this.host.policy.names.get(e)?.kind === 'subject' ? e.name : undefined;
    if (e.kind === 'MemberAccess') {
      const base = this.staticPath(e.object);
      return base === undefined ? undefined : `${base}.${e.member.name}`;
    }
    return undefined;
  }

  private member(e: A.MemberAccess): string {
    const r = this.host.policy.names.get(e);
    if (r?.kind === 'enumMember') return this.number(r.index);
    const path = this.staticPath(e);
    const objectType = this.typeOf(e.object);
    const field = objectType.kind === 'record' ? objectType.fields.get(e.member.name) : undefined;
    if (path === undefined || !field) return this.fallback(e);
    const obj = this.expr(e.object);
    const v = this.t();
    const key = jsString(e.member.name);
    const read = inherited.has(e.member.name) ? `H.readOwn(${obj}, ${key})` : `${obj}[${key}]`;
    const missing = field.decl.defaultValue ? this.defaultValue(field.decl.defaultValue) : 'undefined';
    const slow = (raw: string) => `H.slow(${this.k(this.host.converter(field.type))}, ${raw}, ctx, ${this.k(path)})`;
    const known = obj === 'ctx.subject';
    this.emit(known ? `let ${v} = ${read};` : `let ${v} = ${obj} === undefined ? undefined : ${read};`);
    this.emit(
      missing === 'undefined'
        ? `if (${v} === null) ${v} = undefined;`
        : `if (${v} === undefined || ${v} === null) ${v} = ${known ? missing : `${obj} === undefined ? undefined : ${missing}`};`,
    );
    const t = field.type;
    if (missing === 'undefined') this.emit(`else if (${v} === undefined) {}`);
    switch (t.kind) {
      case 'number':
        this.emit(`else if (typeof ${v} !== "number" || ${v} - ${v} !== 0) ${v} = ${slow(v)};`);
        break;
      case 'bool':
        this.emit(`else if (typeof ${v} !== "boolean") ${v} = ${slow(v)};`);
        break;
      case 'string':
        this.emit(`else if (typeof ${v} !== "string" || ${v}.length > ${this.host.maxStringLength}) ${v} = ${slow(v)};`);
        break;
      case 'enum': {
        const raw = this.t();
        this.emit(`else { const ${raw} = ${v}; ${v} = typeof ${raw} === "string" ? ${this.k(t.byDataValue)}.get(${raw}) : undefined; if (${v} === undefined) ${v} = ${slow(raw)}; }`);
        break;
      }
      case 'record':
        this.emit(`else if (typeof ${v} !== "object" || Array.isArray(${v}) || Object.getPrototypeOf(${v}) !== H.objectPrototype) ${v} = ${slow(v)};`);
        break;
      case 'list':
        this.emit(`else if (!Array.isArray(${v})) ${v} = ${slow(v)};`);
        break;
      default:
        this.emit(`else ${v} = ${slow(v)};`);
    }
    return v;
  }

  private defaultValue(e: A.Expression): string {
    // Field defaults are literals (the checker insists); enum members and dates included.
    return this.expr(e);
  }

  private binary(e: A.BinaryExpr): string {
    const op = e.operator;
    if (op === 'and' || op === 'or') {
      const decisive = op === 'and' ? 'false' : 'true';
      const a = this.expr(e.left);
      const v = this.t();
      const right = this.capture(() => this.expr(e.right));
      this.emit(
        `let ${v};`,
        `if (${a} === ${decisive}) ${v} = ${decisive};`,
        'else {',
        right.code,
        `${v} = ${right.result} === ${decisive} ? ${decisive} : ${a} === undefined || ${right.result} === undefined ? undefined : ${op === 'and' ? 'true' : 'false'};`,
        '}',
      );
      return v;
    }
    const lt = this.typeOf(e.left);
    const rt = this.typeOf(e.right);
    const scalar = (t: Type) => t.kind === 'number' || t.kind === 'date' || t.kind === 'datetime' || t.kind === 'enum' || t.kind === 'bool' || t.kind === 'string';
    const infix: Record<string, string> = { '=': '===', '!=': '!==', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
    const ordered = (t: Type) => t.kind === 'number' || t.kind === 'date' || t.kind === 'datetime' || t.kind === 'enum';
    if (op in infix && scalar(lt) && scalar(rt) && (op === '=' || op === '!=' || ordered(lt))) {
      return this.strict(e, (a, b) => `${a} ${infix[op]} ${b}`);
    }
    if ((op === 'in' || op === 'not in') && e.right.kind === 'ListLiteral' && e.right.elements.every((x) => isSimpleConstant(x, this.host.policy)) && scalar(lt)) {
      const set = new Set(e.right.elements.map((x) => constantValue(x, this.host.policy)));
      const a = this.expr(e.left);
      const v = this.t();
      this.emit(`const ${v} = ${a} === undefined ? undefined : ${op === 'not in' ? '!' : ''}${this.k(set)}.has(${a});`);
      return v;
    }
    // Like the interpreter, `contains` evaluates its right side even when the left is unknown (for its data errors).
    if (op === 'contains' && lt.kind === 'string' && rt.kind === 'string') return this.strict(e, (a, b) => `${a}.includes(${b})`, true);
    if ((op === 'in' || op === 'not in') && rt.kind === 'list' && this.host.isRawData(e.right)) {
      const el = rt.element;
      const path = this.staticPath(e.right);
      if (path !== undefined && (el.kind === 'string' || el.kind === 'number' || el.kind === 'enum')) return this.inDataList(e, el, path, op === 'not in');
    }
    if (lt.kind === 'number' && rt.kind === 'number' && (op === '+' || op === '-' || op === '*' || op === '/')) {
      const fn = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div' }[op];
      return this.strict(e, (a, b) => `H.${fn}(${a}, ${b})`);
    }
    return this.fallback(e);
  }

  /**
   * `x in list` for a list of strings, numbers or enum members from data: each
   * element checked as it is compared; an element that is missing or wrong
   * makes a miss unknown (three-valued), and long lists go to the interpreter,
   * which enforces the limit.
   */
  private inDataList(e: A.BinaryExpr, el: Type, path: string, negate: boolean): string {
    const a = this.expr(e.left);
    const v = this.t();
    const right = this.capture(() => this.expr(e.right));
    const list = right.result;
    const i = this.t();
    const x = this.t();
    const unknown = this.t();
    const convert = this.k(this.host.converter(el));
    const jsType = el.kind === 'number' ? 'number' : 'string';
    // For enums the data holds member strings: compare their member index.
    const match = el.kind === 'enum' ? `${this.k(el.byDataValue)}.get(${x}) === ${a}` : `${x} === ${a}`;
    const constant = isLiteralCode(a);
    // The list is read even when the left side is unknown, as the interpreter does (for its data errors).
    // A list over the limits goes to the interpreter, which reports it; otherwise its length counts as steps.
    this.emit(
      `let ${v};`,
      right.code,
      constant ? '{' : `if (${a} !== undefined) {`,
      `  if (${list} !== undefined && (${list}.length > ${this.host.maxListLength} || ctx.steps + ${list}.length > ${this.host.maxSteps})) ${v} = ${this.k(this.host.closure(e))}(ctx);`,
      `  else if (${list} !== undefined) {`,
      `    ctx.steps += ${list}.length;`,
      `    let ${unknown} = false;`,
      `    ${v} = false;`,
      `    for (let ${i} = 0; ${i} < ${list}.length; ${i}++) {`,
      `      let ${x} = ${list}[${i}];`,
      `      if (typeof ${x} === "${jsType}"${el.kind === 'number' ? ` && ${x} - ${x} === 0` : el.kind === 'enum' ? ` && ${this.k(el.byDataValue)}.has(${x})` : ''}) { if (${match}) { ${v} = true; break; } continue; }`,
      `      if (${x} === undefined || ${x} === null) { ${unknown} = true; continue; }`,
      `      ${x} = H.slow(${convert}, ${x}, ctx, ${this.k(path)} + "[" + ${i} + "]");`,
      `      if (${x} === undefined) ${unknown} = true; else if (${x} === ${a}) { ${v} = true; break; }`,
      '    }',
      `    if (${v} === false && ${unknown}) ${v} = undefined;`,
      '  }',
      '}',
    );
    if (!negate) return v;
    const n = this.t();
    this.emit(`const ${n} = ${v} === undefined ? undefined : !${v};`);
    return n;
  }

  /** `left op right` where unknown on either side is unknown; the right side runs only when the left is known. */
  private strict(e: A.BinaryExpr, combine: (a: string, b: string) => string, alwaysRight = false): string {
    const a = this.expr(e.left);
    const v = this.t();
    const right = this.capture(() => this.expr(e.right));
    if (isLiteralCode(right.result) && right.code.length === 0) {
      this.emit(`const ${v} = ${a} === undefined ? undefined : ${combine(a, right.result)};`);
      return v;
    }
    if (isLiteralCode(a)) {
      this.emit(right.code, `const ${v} = ${right.result} === undefined ? undefined : ${combine(a, right.result)};`);
      return v;
    }
    if (alwaysRight) {
      this.emit(right.code, `const ${v} = ${a} === undefined || ${right.result} === undefined ? undefined : ${combine(a, right.result)};`);
      return v;
    }
    this.emit(`let ${v};`, `if (${a} !== undefined) {`, right.code, `${v} = ${right.result} === undefined ? undefined : ${combine(a, right.result)};`, '}');
    return v;
  }

  private aggregate(e: A.AggregateExpr): string {
    const sourceType = this.typeOf(e.source);
    const simpleSum =
      e.fn === 'sum' && !e.variable && !e.filter && !e.projection && sourceType.kind === 'list' && sourceType.element.kind === 'number';
    if (!simpleSum || !this.host.isRawData(e.source)) return this.fallback(e);
    // sum(list of numbers from data): each element checked as it is added.
    const list = this.expr(e.source);
    const path = this.staticPath(e.source);
    if (path === undefined) return this.fallback(e);
    const v = this.t();
    const i = this.t();
    const x = this.t();
    const convert = this.k(this.host.converter(sourceType.element));
    const unknown = this.t();
    // As the interpreter: a list over the limits goes to it (it reports them), the length counts as steps,
    // and a missing or bad element makes the sum unknown without stopping the checks of the others.
    this.emit(
      `let ${v};`,
      `if (${list} !== undefined && (${list}.length > ${this.host.maxListLength} || ctx.steps + ${list}.length > ${this.host.maxSteps})) ${v} = ${this.k(this.host.closure(e))}(ctx);`,
      `else if (${list} !== undefined) {`,
      `  ctx.steps += ${list}.length;`,
      `  ${v} = 0;`,
      `  let ${unknown} = false;`,
      `  for (let ${i} = 0; ${i} < ${list}.length; ${i}++) {`,
      `    let ${x} = ${list}[${i}];`,
      `    if (${x} === undefined || ${x} === null) { ${unknown} = true; continue; }`,
      `    if (typeof ${x} !== "number" || ${x} - ${x} !== 0) { ${x} = H.slow(${convert}, ${x}, ctx, ${this.k(path)} + "[" + ${i} + "]"); if (${x} === undefined) { ${unknown} = true; continue; } }`,
      `    if (${v} !== undefined) ${v} = Number.isSafeInteger(${v}) && Number.isSafeInteger(${x}) && Number.isSafeInteger(${v} + ${x}) ? ${v} + ${x} : H.add(${v}, ${x});`,
      '  }',
      `  if (${unknown}) ${v} = undefined;`,
      '}',
    );
    return v;
  }
}

/** A string or number literal as JavaScript source: `JSON.stringify` yields exactly one string literal token. */
function jsString(value: string): string {
  return JSON.stringify(value);
}

/** Whether generated code is a literal (a number in parentheses, a string literal, true/false). */
function isLiteralCode(code: string): boolean {
  return /^\(-?[0-9.e+-]+\)$/.test(code) || code === 'true' || code === 'false' || (code.startsWith('"') && code.endsWith('"'));
}

/** A literal, or an enum member written by name: the same value on every evaluation. */
function isSimpleConstant(e: A.Expression, p: CheckedPolicy): boolean {
  if (e.kind === 'StringLiteral' || e.kind === 'NumberLiteral' || e.kind === 'BoolLiteral' || e.kind === 'DateLiteral') return true;
  return (e.kind === 'NameRef' || e.kind === 'MemberAccess') && p.names.get(e)?.kind === 'enumMember';
}

/** The runtime value of a constant list element (enum members as their index). */
function constantValue(e: A.Expression, p: CheckedPolicy): unknown {
  switch (e.kind) {
    case 'StringLiteral':
      return e.value;
    case 'NumberLiteral':
      return Number(e.value);
    case 'BoolLiteral':
      return e.value;
    case 'DateLiteral':
      return dayFromCivil(e.year, e.month, e.day);
    default: {
      const r = p.names.get(e);
      return r?.kind === 'enumMember' ? r.index : Symbol('not a constant');
    }
  }
}
