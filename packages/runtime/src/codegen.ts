/**
 * Code generation: a checked policy's rules as JavaScript, built once per
 * policy with `new Function`, in two forms.
 *
 * - {@link generateRules}: the plain decision path — the rules function, and
 *   a decide() entry of its own per policy for the common case.
 * - {@link generateExplainer}: the explaining path — every item of every
 *   combinator evaluated, node values and comparison operands recorded in a
 *   flat array that explanation.ts turns into the tree when it is read.
 *
 * Safety: no policy text is spliced into the generated source as code.
 * Names in the generated code are generated (`t12`, `crit3`); strings and
 * field names appear only as JSON string literals (`JSON.stringify` yields
 * exactly one string-literal token), numbers only as printed finite doubles,
 * and every other constant (sets, converters, closures, decisions) as an
 * element of the constants array `K`, read by index.
 *
 * Coverage: the common shapes (field reads with type checks, comparisons,
 * and/or/not, membership in constant lists and data lists, lets, criteria,
 * combinators, aggregations with their variables, `where` and projections,
 * `during` windows, rows of params tables) are generated inline (explaining
 * code leaves aggregations and windows to the interpreter); every other expression
 * calls the interpreter's closure for that node, so the generated function
 * always computes exactly what the interpreter computes. Explaining code
 * does that only for expressions that record nothing (no comparison, let or
 * criterion inside); a policy that needs more is explained by the interpreter.
 */
import type * as A from '@bylaw/dsl';
import { aggregation, assertNever, binaryOperator, binaryOverload, isScalar, unaryOverload, type CheckedPolicy, type JsHelpers, type Type } from '@bylaw/dsl';
import { dayFromCivil, formatMonthKey, monthCountOfWindow, monthsOfWindow, type Window } from '@bylaw/dsl/calendar';
import { ConversionFailure, isPlainRecord, readOwn, type Converter } from './convert.js';
import {
  addComparison,
  comparisonTrace,
  displayer,
  type Displayer,
  isComparison,
  labelFields,
  labelled,
  MAX_RECORDED_COMPARISONS,
  type ConditionPart,
  type CriterionTemplate,
  type ExplainTemplate,
  type LabelFields,
  type RuleTemplate,
} from './explanation.js';
import type { ExplanationNode } from './decision.js';

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
  /** An expression's text as explanations show it. */
  textOf(e: A.Expression): string;
  /** Stop the evaluation at a limit, as the interpreter does (its exception, with this message). */
  limitExceeded(message: string): never;
  /**
   * The slot of an aggregation's variable in the interpreter's context (`ctx.vars`, `ctx.indices`),
   * where generated loops put the element for interpreter closures inside them that read it.
   */
  variableSlot(e: A.AggregateExpr & { readonly variable: A.Identifier }): number;
}

/**
 * The generated function: computes the value of every rule body into `out`,
 * then returns the epilogue's result (a precomputed decision when the rules
 * decide the outcome without unknowns), or undefined.
 */
export type RulesFunction<Ctx> = (ctx: Ctx, out: (boolean | undefined)[]) => unknown;

/**
 * What a generated decide() entry needs from the compiled policy: the context it
 * reuses, the values array, and the way back for everything it does not handle.
 */
export interface DecideEntry<Ctx> {
  readonly ctx: Ctx;
  readonly values: (boolean | undefined)[];
  /** The shared empty data-error list: a context holding it has no data errors. */
  readonly noErrors: readonly unknown[];
  /** The full decide(): begins the context itself (params, clock, subject checks, limits). */
  decide(subject: unknown, options: { readonly asOf: string }): unknown;
  /** The decision from the values when the rules ran but the epilogue could not tell (unknowns, data errors). */
  finish(ctx: Ctx): unknown;
}

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
  entry?: DecideEntry<Ctx>,
): { fn: RulesFunction<Ctx>; source: string; decide?: (subject: unknown, options: { readonly asOf: string }) => unknown } | undefined {
  const g = new Generator(host);
  const rules = rulesSource(g, 'function rules(ctx, out) {', bodies.length, (i) => g.body(bodies[i]!), epilogue, '}');
  if (!rules) return undefined;
  const source = [
    ...rules,
    // The entry, one per policy (so that its call sites see one policy): the common case inline,
    // everything else through E.decide; a limit or any exception ends in E.decide too, which
    // starts again and reports it.
    'if (!E) return { rules };',
    'const ctx = E.ctx, values = E.values, noErrors = E.noErrors;',
    'const isPlainRecord = H.isPlainRecord;',
    'function decide(subject, options) {',
    // Plain records only: a null-prototype record, an array or a class instance takes E.decide.
    '  if (options.asOf !== ctx.clockAsOf || !isPlainRecord(subject)) return E.decide(subject, options);',
    '  ctx.gen++;',
    '  ctx.subject = subject;',
    '  ctx.options = options;',
    '  ctx.depth = 0;',
    '  ctx.steps = 0;',
    '  ctx.failures = 0;',
    '  ctx.errors = noErrors;',
    '  ctx.errorPaths = undefined;',
    '  let decided;',
    '  try {',
    '    decided = rules(ctx, values);',
    '  } catch (e) {',
    '    return E.decide(subject, options);',
    '  }',
    '  if (decided !== undefined && ctx.errors === noErrors) return decided;',
    '  return E.finish(ctx);',
    '}',
    'return { rules, decide };',
  ].join('\n');
  const factory = compileSource(source, 'K', 'H', 'E') as
    | ((k: unknown[], h: ReturnType<typeof helpers<Ctx>>, e: DecideEntry<Ctx> | undefined) => { rules: RulesFunction<Ctx>; decide?: (subject: unknown, options: { readonly asOf: string }) => unknown })
    | undefined;
  if (!factory) return undefined;
  const made = factory(g.constants, helpers(host), entry);
  return { fn: made.rules, source, ...(made.decide ? { decide: made.decide } : {}) };
}

/**
 * The source of a function (`open` … `close`) that computes every rule into `out[i]`, each in a
 * block of its own, then runs the epilogue; the generator's prelude (criteria, lets) before it.
 * Undefined when the policy is too large for generated code (see {@link MAX_GENERATED_TEMPORARIES}).
 */
function rulesSource<Ctx>(
  g: Generator<Ctx>,
  open: string,
  count: number,
  rule: (i: number) => string,
  epilogue: (constant: (value: unknown) => string) => string[],
  close: string,
): string[] | undefined {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    if (g.temporaries > MAX_GENERATED_TEMPORARIES) return undefined;
    const { code, result } = g.capture(() => rule(i));
    // Line by line, not spread as arguments: a rule's code can have more lines than the stack holds arguments.
    lines.push('{');
    for (const l of code) lines.push(l);
    lines.push(`out[${i}] = ${result};`, '}');
  }
  if (g.temporaries > MAX_GENERATED_TEMPORARIES) return undefined;
  for (const l of epilogue((v) => g.constant(v))) lines.push(l);
  const source = ['"use strict";', ...g.prelude, open];
  for (const l of g.scope.decls) source.push('  ' + l);
  for (const l of lines) source.push('  ' + l);
  source.push(close);
  return source;
}

/**
 * The generated source as a function, or undefined when the engine will not compile it: code
 * nested deeper than its parser goes (a long chain of criteria, each used once, inlined into the
 * next, with the nesting limit raised far) is left to the interpreter rather than failing the load.
 */
function compileSource(source: string, ...parameters: string[]): ((...args: never[]) => unknown) | undefined {
  try {
    return new Function(...parameters, source) as (...args: never[]) => unknown;
  } catch (e) {
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}

/** Thrown while generating when a policy needs what the generator does not do; the interpreter does it. */
class NotGenerated extends Error {}

/** A rule of the decide block as explaining code records it. */
export interface ExplainRule {
  readonly body: A.CriterionBody;
  readonly role: string;
  readonly fields: LabelFields | undefined;
}

/**
 * The explaining function: `explain(ctx, out, R)` evaluates every rule as the
 * interpreter's traced closures do (every item of a combinator), storing node
 * values and comparison operands in the record `R` (see explanation.ts) and rule
 * values in `out`, and returns the epilogue's result. It throws `unknown` (the
 * helpers' sentinel) as soon as any recorded value is unknown: explanations of
 * unknowns (which fields decide them) are the interpreter's job. Undefined when
 * the policy uses expressions whose comparisons it could not record, or is too large.
 */
export function generateExplainer<Ctx>(
  host: CodegenHost<Ctx>,
  rules: readonly ExplainRule[],
  epilogue: (constant: (value: unknown) => string) => string[],
): {
  fn: (ctx: Ctx, out: (boolean | undefined)[], record: unknown[]) => unknown;
  source: string;
  /** The tree of a record (see {@link generateMaterializer}). */
  build: (record: readonly unknown[]) => ExplanationNode[];
  slots: number;
  unknown: object;
} | undefined {
  const g = new Generator(host, true);
  const templates: RuleTemplate[] = [];
  let lines: string[] | undefined;
  try {
    lines = rulesSource(
      g,
      'return function explain(ctx, out, R) {',
      rules.length,
      (i) => {
        const rule = rules[i]!;
        const body = g.explainBody(rule.body);
        // A rule's value is its body's, already recorded.
        templates.push({ role: rule.role, fields: rule.fields, slot: body.template.slot, child: body.template });
        return body.result;
      },
      epilogue,
      '};',
    );
  } catch (e) {
    if (e instanceof NotGenerated) return undefined;
    throw e;
  }
  if (!lines) return undefined;
  const source = lines.join('\n');
  const unknown = Object.freeze({ unknown: true });
  const factory = compileSource(source, 'K', 'H') as ((k: unknown[], h: unknown) => (ctx: Ctx, out: (boolean | undefined)[], record: unknown[]) => unknown) | undefined;
  const build = generateMaterializer(templates);
  if (!factory || !build) return undefined;
  return { fn: factory(g.constants, { ...helpers(host), unknown }), source, build, slots: g.explain!.slots, unknown };
}

/**
 * The builder of explanation trees from records of one explaining function: a function
 * `(record) => nodes` that makes the nodes the templates describe, as the interpreter's
 * traced closures make them (same kinds, keys in the same order, texts, values, shortfalls),
 * each node an object literal (texts and labels read from `K`), each criterion and condition
 * a function of its own, a criterion's node shared by every place that shows it.
 * Undefined when the engine will not compile it (the policy is then explained by the interpreter).
 */
export function generateMaterializer(rules: readonly RuleTemplate[]): ((record: readonly unknown[]) => ExplanationNode[]) | undefined {
  const constants: unknown[] = [];
  const k = (value: unknown) => {
    constants.push(value);
    return `K[${constants.length - 1}]`;
  };
  const functions: string[] = [];
  const criteria = new Map<CriterionTemplate, string>();
  const label = (fields: LabelFields | undefined) =>
    fields ? [`id: ${k(fields.id)}`, ...(fields.label !== undefined ? [`label: ${k(fields.label)}`] : []), ...(fields.cites !== undefined ? [`cites: ${k(fields.cites)}`] : [])] : [];
  const result = (slot: number) => `result: t(R[${slot}])`;
  const criterion = (c: CriterionTemplate): string => {
    let name = criteria.get(c);
    if (!name) {
      const index = criteria.size;
      name = `crit${index}`;
      criteria.set(c, name);
      const body = node(c.child!);
      // One node per criterion, kept in C[index], wherever it is shown; made before its children.
      functions.push(
        `function ${name}(R, C) {`,
        `  let n = C[${index}];`,
        '  if (n !== undefined) return n;',
        `  n = C[${index}] = { kind: "criterion", ${[...label(c.fields), result(c.slot)].join(', ')}, children: [] };`,
        `  n.children.push(${body});`,
        '  return n;',
        '}',
      );
    }
    return `${name}(R, C)`;
  };
  let conditions = 0;
  const node = (t: ExplainTemplate): string => {
    switch (t.kind) {
      case 'group':
        return `{ kind: ${jsString(t.mode)}, ${t.mode === 'atLeast' ? `count: ${k(t.count)}, ` : ''}${result(t.slot)}, children: [${t.children.map(node).join(', ')}] }`;
      case 'item':
        return `{ kind: "item", ${[...label(t.fields), result(t.slot)].join(', ')}, children: [${node(t.child)}] }`;
      case 'criterion':
        return criterion(t.criterion);
      case 'condition': {
        const name = `condition${conditions++}`;
        const many = t.parts.filter((p) => p.kind === 'comparison').length > MAX_RECORDED_COMPARISONS;
        const lines = [`function ${name}(R, C) {`, `  const n = { kind: "condition", text: ${k(t.text)}, ${result(t.slot)}, comparisons: [], children: [] };`];
        for (const part of t.parts) {
          if (part.kind === 'criterion') lines.push(`  if (R[${part.slot}] !== undefined) n.children.push(${criterion(part.criterion)});`);
          else {
            const s = part.slot;
            const trace = `H.comparison(${k(part)}, R[${s}], R[${s + 1}], R[${s + 2}])`;
            lines.push(`  if (R[${s + 2}] !== undefined) ${many ? `H.addComparison(n, ${trace})` : `n.comparisons.push(${trace})`};`);
          }
        }
        lines.push('  return n;', '}');
        functions.push(...lines);
        return `${name}(R, C)`;
      }
    }
  };
  const roots = rules.map((r) => `{ kind: "rule", role: ${k(r.role)}, ${[...label(r.fields), result(r.slot)].join(', ')}, children: [${node(r.child)}] }`);
  const source = [
    '"use strict";',
    'const t = (v) => (v === true ? true : v === false ? false : "unknown");',
    ...functions,
    'return function build(R) {',
    `  const C = new Array(${criteria.size});`,
    `  return [${roots.join(', ')}];`,
    '};',
  ].join('\n');
  const factory = compileSource(source, 'K', 'H') as ((k: unknown[], h: unknown) => (record: readonly unknown[]) => ExplanationNode[]) | undefined;
  if (!factory) return undefined;
  const comparison = (part: Extract<ConditionPart, { kind: 'comparison' }>, a: unknown, b: unknown, v: unknown) =>
    comparisonTrace(part.text, part.operator, a, b, v, part.shortfall, part.showLeft, part.showRight);
  return factory(constants, { comparison, addComparison });
}

/** What generated code calls: conversions of values that fail the inline checks, and exact arithmetic. */
function helpers<Ctx>(host: CodegenHost<Ctx>) {
  return {
    slow(convert: Converter, raw: unknown, ctx: Ctx, path: string): unknown {
      const v = convert(raw);
      return v instanceof ConversionFailure ? host.fail(ctx, path, v.message) : v;
    },
    readOwn,
    objectPrototype: Object.prototype,
    isPlainRecord,
    monthKeys,
    // The interpreter's limit messages, word for word.
    tooLong(path: string, n: number): never {
      return host.limitExceeded(`${path} has ${n} elements; the limit is ${host.maxListLength}`);
    },
    tooManySteps(): never {
      return host.limitExceeded(`evaluation took more than ${host.maxSteps} steps`);
    },
    windowTooLong(path: string, w: Window): never {
      return host.limitExceeded(`${path} during a window of ${monthCountOfWindow(w)} months; the limit is ${host.maxListLength}`);
    },
  };
}

/** The months of a window seen last at one `during`: windows are cached per clock, so this hits almost always. */
interface MonthKeysCache {
  window: Window | undefined;
  keys: string[];
}

/** The month keys (`2023-06`) of a window, as the interpreter's `during` lists them; undefined when there are more than `max`. */
function monthKeys(cache: MonthKeysCache, w: Window, max: number): string[] | undefined {
  if (cache.window === w) return cache.keys;
  if (!(monthCountOfWindow(w) <= max)) return undefined;
  cache.keys = monthsOfWindow(w).map(formatMonthKey);
  cache.window = w;
  return cache.keys;
}

/** An aggregation variable bound by a generated loop. */
interface LoopVariable {
  /** The local holding the element, and the one holding its index. */
  readonly value: string;
  readonly index: string;
  /** Code for the data path of the aggregation's source, as the interpreter writes it (undefined when it cannot be built here). */
  readonly path: string | undefined;
  /** Whether an interpreter closure inside the loop reads the variable (from `ctx.vars`). */
  exported: boolean;
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
  /** The generated function being written: its function-level locals and memoized field reads. */
  scope: Scope = newScope();

  /** Explain mode (see {@link generateExplainer}): the slots used so far, and what they show. */
  readonly explain: ExplainState | undefined;

  /** How many places refer to each criterion (a criterion used once is inlined). */
  private readonly references = new Map<A.CriterionDecl, number>();

  /** The aggregation variables of the loops being generated. */
  private readonly variables = new Map<A.Identifier, LoopVariable>();
  /** How many generated aggregation loops enclose the code being generated. */
  private loops = 0;

  constructor(
    private readonly host: CodegenHost<Ctx>,
    explain = false,
  ) {
    for (const r of host.policy.names.values()) if (r.kind === 'criterion') this.references.set(r.decl, (this.references.get(r.decl) ?? 0) + 1);
    this.explain = explain ? { slots: 0, lastComparison: undefined, condition: undefined, criteria: new Map() } : undefined;
  }

  // ------------------------------------------------------------ explain mode

  private slots(n: number): number {
    const at = this.explain!.slots;
    this.explain!.slots += n;
    return at;
  }

  /** Record a node's value; an unknown value leaves explaining to the interpreter. */
  private recordNode(slot: number, value: string): void {
    this.emit(`if ((R[${slot}] = ${value}) === undefined) throw H.unknown;`);
  }

  /** Record a comparison's sides and result in the condition being generated. */
  private recordComparison(e: A.BinaryExpr, left: string, right: string, result: string): void {
    const x = this.explain;
    if (!x) return;
    if (!x.condition) throw new NotGenerated('a comparison outside a condition');
    const slot = this.slots(3);
    const zone = this.host.policy.timezone;
    const leftType = this.typeOf(e.left);
    const rightType = this.typeOf(e.right);
    const showLeft = this.displayerOf(leftType, zone);
    const showRight = this.displayerOf(rightType, zone);
    const shortfall = binaryOverload(e.operator, leftType, rightType)?.shortfall;
    x.condition.push({ kind: 'comparison', text: this.host.textOf(e), operator: e.operator, shortfall, showLeft, showRight, slot });
    this.emit(`R[${slot}] = ${left}; R[${slot + 1}] = ${right};`);
    this.recordNode(slot + 2, result);
    x.lastComparison = { result, slot: slot + 2 };
  }

  /** Displayers of lists, one per element type, shared by every comparison that shows such a list. */
  private readonly listDisplayers = new Map<Type, Displayer>();

  /**
   * How a comparison shows a value of a type. A list is shown by a displayer shared by every
   * comparison of the policy with a list of that element type, which remembers the text of the
   * last list it showed: the record holds one copy of a list read once per decision
   * (`listCopies`), however many comparisons read it, so eight tests of membership in one list
   * format it once. (Copies are never changed; a new decision records new ones.)
   */
  private displayerOf(t: Type, zone: string): Displayer {
    // Other values are shown by a displayer of the comparison's own, which remembers its last
    // value too: a threshold (`>= 900万`) is formatted once.
    if (t.kind !== 'list') return remembering(displayer(t, zone));
    const key = [...this.listDisplayers.keys()].find((k) => k.kind === 'list' && sameType(k.element, t.element)) ?? t;
    let show = this.listDisplayers.get(key);
    if (!show) this.listDisplayers.set(key, (show = remembering(displayer(t, zone))));
    return show;
  }

  /**
   * The checks the interpreter makes of a list an aggregation or membership test walks: its
   * length against `maxListLength`, then (`steps`) its length added to the steps against
   * `maxSteps`; past either, the evaluation stops with the interpreter's message (the data
   * path of `at`, as the interpreter writes it). No value is computed again.
   */
  private listLimits(list: string, at: A.Expression): string {
    const path = this.pathCode(at, false) ?? this.k(this.host.textOf(at));
    return (
      `if (${list}.length > ${this.number(this.host.maxListLength)}) H.tooLong(${path}, ${list}.length); ` +
      `if ((ctx.steps += ${list}.length) > ${this.number(this.host.maxSteps)}) H.tooManySteps();`
    );
  }


  /** A rule body, combinator or condition, with every item evaluated (explanations show each). */
  explainBody(b: A.CriterionBody): { result: string; template: ExplainTemplate } {
    if (b.kind !== 'Combinator') return this.explainCondition(b);
    const r = this.t();
    const children: ExplainTemplate[] = [];
    const need = b.mode === 'atLeast' ? Number(b.count?.value ?? 0) : undefined;
    // Items are never unknown here (an unknown one ends explaining code), so truth is two-valued.
    this.emit(b.mode === 'atLeast' ? `let ${r} = 0;` : `let ${r} = ${b.mode === 'all' ? 'true' : 'false'};`);
    for (const item of b.items) {
      const { code, result } = this.capture(() => {
        const inner = this.explainItem(item);
        children.push(inner.template);
        return inner.result;
      });
      this.emit('{', code, b.mode === 'all' ? `if (${result} === false) ${r} = false;` : b.mode === 'any' ? `if (${result} === true) ${r} = true;` : `if (${result} === true) ${r}++;`, '}');
    }
    const slot = this.slots(1);
    const value = b.mode === 'atLeast' ? `${r} >= ${need}` : r;
    this.recordNode(slot, value);
    return { result: `R[${slot}]`, template: { kind: 'group', mode: b.mode, count: need, slot, children } };
  }

  private explainItem(item: A.CriterionItem): { result: string; template: ExplainTemplate } {
    const inner = this.explainBody(item.body);
    if (!item.id) return inner;
    // An item's value is its body's, already recorded.
    return { result: inner.result, template: { kind: 'item', fields: labelFields(labelled(item as A.Heading)), slot: inner.template.slot, child: inner.template } };
  }

  private explainCondition(e: A.Expression): { result: string; template: ExplainTemplate } {
    const named = e.kind === 'NameRef' ? this.host.policy.names.get(e) : undefined;
    if (named?.kind === 'criterion') {
      const ref = this.explainCriterionRef(named.decl);
      return { result: ref.result, template: { kind: 'criterion', slot: ref.slot, criterion: ref.criterion } };
    }
    const x = this.explain!;
    const saved = x.condition;
    const parts: ConditionPart[] = [];
    x.condition = parts;
    x.lastComparison = undefined;
    const value = this.expr(e);
    x.condition = saved;
    // A condition that is one comparison has its value recorded already.
    let slot: number;
    const last = x.lastComparison as ExplainState['lastComparison']; // set by this.expr()
    if (last?.result === value) slot = last.slot;
    else {
      slot = this.slots(1);
      this.recordNode(slot, value);
    }
    return { result: value, template: { kind: 'condition', text: this.host.textOf(e), slot, parts } };
  }

  /** A reference to a criterion: its function runs (and records) once per decision. */
  private explainCriterionRef(decl: A.CriterionDecl): { result: string; slot: number; criterion: CriterionTemplate } {
    const x = this.explain!;
    let c = x.criteria.get(decl);
    if (!c) {
      const name = `crit${x.criteria.size}`;
      const index = this.host.criterionSlot(decl);
      const criterion: CriterionTemplate = { index, fields: labelFields(labelled(decl)), slot: -1, child: undefined };
      c = { name, criterion };
      x.criteria.set(decl, c);
      const saved = x.condition;
      x.condition = undefined;
      this.preludeFunction(
        [`function ${name}(ctx, R) {`, `  if (ctx.criterionGen[${index}] === ctx.gen) { ctx.failures += ctx.criterionFailures[${index}]; return ctx.criteria[${index}]; }`, '  const failures = ctx.failures;'],
        () => {
          const body = this.explainBody(decl.body);
          criterion.child = body.template;
          criterion.slot = body.template.slot;
          return body.result;
        },
        (result) => [`  ctx.criteria[${index}] = ${result};`, `  ctx.criterionGen[${index}] = ctx.gen;`, `  ctx.criterionFailures[${index}] = ctx.failures - failures;`, `  return ${result};`, '}'],
      );
      x.condition = saved;
    }
    const v = this.t();
    const slot = this.slots(1);
    this.emit(`const ${v} = ${c.name}(ctx, R);`, `R[${slot}] = ${v};`);
    if (x.condition) x.condition.push({ kind: 'criterion', slot, criterion: c.criterion });
    return { result: v, slot, criterion: c.criterion };
  }

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

  /** A function of the prelude around code generated by `step` in a scope of its own. */
  private preludeFunction(head: readonly string[], step: () => string, tail: (result: string) => readonly string[]): void {
    const saved = this.scope;
    this.scope = newScope();
    const { code, result } = this.capture(step);
    const scope = this.scope;
    this.scope = saved;
    const lines = [...head];
    for (const l of scope.decls) lines.push('  ' + l);
    for (const l of code) lines.push('  ' + l);
    for (const l of tail(result)) lines.push(l);
    for (const l of lines) this.prelude.push(l);
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
    // Explaining code may leave to the interpreter only what records nothing: no comparison
    // (the interpreter's plain closure would not record it), no let or criterion.
    if (this.explain && !recordsNothing(e, this.host.policy)) throw new NotGenerated('an expression the explaining code cannot record');
    // The interpreter's closure reads the variables of enclosing generated loops from the context.
    if (this.variables.size > 0) this.exportVariables(e);
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
    if (this.explain) return this.explainCriterionRef(decl).result;
    // A criterion used in one place only is computed there: no function, no cache. Not inside a
    // loop, though: there it would be computed again for every element (the interpreter computes
    // a criterion once per decision, and counts its steps once).
    if (this.references.get(decl) === 1 && this.loops === 0) return this.body(decl.body);
    let name = this.criteria.get(decl);
    if (!name) {
      name = `crit${this.criteria.size}`;
      this.criteria.set(decl, name);
      const slot = this.host.criterionSlot(decl);
      this.preludeFunction(
        // A cached value meets the data errors of its evaluation again (for `is present`).
        [`function ${name}(ctx) {`, `  if (ctx.criterionGen[${slot}] === ctx.gen) { ctx.failures += ctx.criterionFailures[${slot}]; return ctx.criteria[${slot}]; }`, '  const failures = ctx.failures;'],
        () => this.body(decl.body),
        (result) => [`  ctx.criteria[${slot}] = ${result};`, `  ctx.criterionGen[${slot}] = ctx.gen;`, `  ctx.criterionFailures[${slot}] = ctx.failures - failures;`, `  return ${result};`, '}'],
      );
    }
    const v = this.t();
    this.emit(`const ${v} = ${name}(ctx);`);
    return v;
  }

  private letRef(decl: A.LetDecl): string {
    // Explaining code evaluates a let at each use, as the interpreter's traced closures do, so that
    // each use records its own comparisons.
    if (this.explain) {
      if (this.temp > MAX_GENERATED_TEMPORARIES) throw new NotGenerated('too large');
      return this.expr(decl.value);
    }
    let name = this.lets.get(decl);
    if (!name) {
      name = `let${this.lets.size}`;
      this.lets.set(decl, name);
      const slot = this.host.letSlot(decl);
      this.preludeFunction(
        [`function ${name}(ctx) {`, `  if (ctx.letGen[${slot}] === ctx.gen) { ctx.failures += ctx.letFailures[${slot}]; return ctx.lets[${slot}]; }`, '  const failures = ctx.failures;'],
        () => this.expr(decl.value),
        (result) => [`  ctx.lets[${slot}] = ${result};`, `  ctx.letGen[${slot}] = ctx.gen;`, `  ctx.letFailures[${slot}] = ctx.failures - failures;`, `  return ${result};`, '}'],
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
      case 'UnaryExpr': {
        const js = unaryOverload(e.operator, this.typeOf(e.operand))!.js;
        if (!js) return this.fallback(e);
        const a = this.expr(e.operand);
        const v = this.t();
        this.emit(`const ${v} = ${a} === undefined ? undefined : ${js(a, this.jsHelpers)};`);
        return v;
      }
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
        return this.aggregateLoop(e);
      case 'DuringExpr':
        return this.during(e);
      case 'IndexAccess':
        return this.tableRow(e);
      // Computed by the interpreter's closure for the node: values made once per clock or
      // evaluation (windows, durations, datetimes, today), lists, and references to other policies.
      case 'DateTimeLiteral':
      case 'DurationLiteral':
      case 'ListLiteral':
      case 'TodayRef':
      case 'NowRef':
      case 'PeriodExpr':
      case 'SatisfiesExpr':
      case 'PresenceExpr':
        return this.fallback(e);
      default:
        return assertNever(e);
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
      case 'placeholder': {
        const slot = this.host.paramSlot(r.decl.name.name);
        // A param that failed its check as a whole meets its data error again at each read (`is present`).
        this.emit(`ctx.failures += ctx.paramFailures[${slot}];`);
        return `ctx.params[${slot}]`;
      }
      case 'let':
        return this.letRef(r.decl);
      case 'criterion':
        return this.criterionRef(r.decl);
      case 'variable':
        return this.variables.get(r.binder)?.value ?? this.fallback(e);
      default:
        return this.fallback(e);
    }
  }

  /**
   * Code for the data path of an expression as the interpreter's `pathOf` writes it (data errors,
   * limit messages): a field chain from the subject (`merchant.shop.level`), one from an
   * aggregation variable built from the loop indices when needed (`m.items[3].amount`), anything
   * else its text. With `fieldsOnly` (the default), undefined for anything but such field chains:
   * what generated code reads and checks itself. Undefined for a variable no generated loop binds.
   */
  private pathCode(e: A.Expression, fieldsOnly = true): string | undefined {
    switch (e.kind) {
      case 'NameRef': {
        const r = this.host.policy.names.get(e);
        if (r?.kind === 'variable') {
          const loop = this.variables.get(r.binder);
          return loop?.path === undefined ? undefined : `${loop.path} + "[" + ${loop.index} + "]"`;
        }
        return r?.kind === 'subject' || !fieldsOnly ? jsString(e.name) : undefined;
      }
      case 'MemberAccess': {
        const base = this.pathCode(e.object, fieldsOnly);
        return base === undefined ? undefined : `${base} + ${jsString('.' + e.member.name)}`;
      }
      case 'DuringExpr':
        return this.pathCode(e.series, fieldsOnly);
      // Not a field chain: named by its text, as the interpreter's pathOf names it.
      case 'IndexAccess':
      case 'NumberLiteral':
      case 'StringLiteral':
      case 'BoolLiteral':
      case 'DateLiteral':
      case 'DateTimeLiteral':
      case 'DurationLiteral':
      case 'ListLiteral':
      case 'TodayRef':
      case 'NowRef':
      case 'UnaryExpr':
      case 'BinaryExpr':
      case 'ConditionalExpr':
      case 'AggregateExpr':
      case 'PeriodExpr':
      case 'SatisfiesExpr':
      case 'PresenceExpr':
        return fieldsOnly ? undefined : jsString(this.host.textOf(e));
      default:
        return assertNever(e);
    }
  }

  /** Mark the loop variables an expression left to the interpreter reads: their loops put them in the context. */
  private exportVariables(e: A.Expression): void {
    const names = this.host.policy.names;
    const visit = (node: unknown): void => {
      if (typeof node !== 'object' || node === null) return;
      if (Array.isArray(node)) {
        for (const x of node) visit(x);
        return;
      }
      if ((node as { kind?: string }).kind === 'NameRef') {
        const r = names.get(node as A.NameRef);
        if (r?.kind === 'variable') {
          const loop = this.variables.get(r.binder);
          if (loop) loop.exported = true;
        }
        return;
      }
      for (const [key, value] of Object.entries(node)) if (key !== 'span') visit(value);
    };
    visit(e);
  }

  private member(e: A.MemberAccess): string {
    const r = this.host.policy.names.get(e);
    if (r?.kind === 'enumMember') return this.number(r.index);
    const path = this.pathCode(e);
    const objectType = this.typeOf(e.object);
    const field = objectType.kind === 'record' ? objectType.fields.get(e.member.name) : undefined;
    if (path === undefined || !field) return this.fallback(e);
    const obj = this.expr(e.object);
    const v = this.t();
    const key = jsString(e.member.name);
    const read = inherited.has(e.member.name) ? `H.readOwn(${obj}, ${key})` : `${obj}[${key}]`;
    const missing = field.decl.defaultValue ? this.defaultValue(field.decl.defaultValue) : 'undefined';
    const slow = (raw: string) => `H.slow(${this.k(this.host.converter(field.type))}, ${raw}, ctx, ${path})`;
    const known = obj === 'ctx.subject';
    if (known) {
      // A field of the subject is read and checked once per generated function, where first needed.
      let memo = this.scope.fields.get(e.member.name);
      if (!memo) {
        memo = { value: this.t(), read: this.t() };
        this.scope.fields.set(e.member.name, memo);
        this.scope.decls.push(`let ${memo.value}, ${memo.read} = false;`);
      }
      const { code } = this.capture(() => (this.readField(v, read, known, missing, field.type, slow, obj), v));
      this.emit(`if (!${memo.read}) {`, code, `${memo.value} = ${v}; ${memo.read} = true;`, '}');
      return memo.value;
    }
    this.readField(v, read, known, missing, field.type, slow, obj);
    return v;
  }

  /** Read a field into `v` and check it against its type (failures go through the converter). */
  private readField(v: string, read: string, known: boolean, missing: string, t: Type, slow: (raw: string) => string, obj: string): void {
    this.emit(known ? `let ${v} = ${read};` : `let ${v} = ${obj} === undefined ? undefined : ${read};`);
    this.emit(
      missing === 'undefined'
        ? `if (${v} === null) ${v} = undefined;`
        : `if (${v} === undefined || ${v} === null) ${v} = ${known ? missing : `${obj} === undefined ? undefined : ${missing}`};`,
    );
    if (missing === 'undefined') this.emit(`else if (${v} === undefined) {}`);
    switch (t.kind) {
      case 'number':
        this.emit(`else if (typeof ${v} !== "number" || ${v} - ${v} !== 0) ${v} = ${slow(v)};`);
        break;
      case 'bool':
        this.emit(`else if (typeof ${v} !== "boolean") ${v} = ${slow(v)};`);
        break;
      case 'string':
        this.emit(`else if (typeof ${v} !== "string" || ${v}.length > ${this.number(this.host.maxStringLength)}) ${v} = ${slow(v)};`);
        break;
      case 'enum': {
        const raw = this.t();
        this.emit(`else { const ${raw} = ${v}; ${v} = typeof ${raw} === "string" ? ${this.k(t.byDataValue)}.get(${raw}) : undefined; if (${v} === undefined) ${v} = ${slow(raw)}; }`);
        break;
      }
      case 'record':
      case 'monthly':
        this.emit(`else if (typeof ${v} !== "object" || Array.isArray(${v}) || Object.getPrototypeOf(${v}) !== H.objectPrototype) ${v} = ${slow(v)};`);
        break;
      case 'list':
        this.emit(`else if (!Array.isArray(${v})) ${v} = ${slow(v)};`);
        break;
      default:
        this.emit(`else ${v} = ${slow(v)};`);
    }
  }

  private defaultValue(e: A.Expression): string {
    // Field defaults are literals (the checker insists); enum members and dates included.
    return this.expr(e);
  }

  private binary(e: A.BinaryExpr): string {
    const op = e.operator;
    const decl = binaryOperator(op);
    if (decl.category === 'logic') {
      // Three-valued; the right side runs only when the left does not decide.
      const decisive = decl.decisive ? 'true' : 'false';
      const a = this.expr(e.left);
      const v = this.t();
      const right = this.capture(() => this.expr(e.right));
      this.emit(
        `let ${v};`,
        `if (${a} === ${decisive}) ${v} = ${decisive};`,
        'else {',
        right.code,
        `${v} = ${right.result} === ${decisive} ? ${decisive} : ${a} === undefined || ${right.result} === undefined ? undefined : ${decl.decisive ? 'false' : 'true'};`,
        '}',
      );
      return v;
    }
    const lt = this.typeOf(e.left);
    const rt = this.typeOf(e.right);
    const overload = binaryOverload(op, lt, rt)!;
    if (overload.membership?.list === 'right') {
      const negate = overload.membership.negate;
      if (
        e.right.kind === 'ListLiteral' &&
        // A literal list longer than a list may be is the interpreter's to report.
        e.right.elements.length <= this.host.maxListLength &&
        e.right.elements.every((x) => simpleConstant(x, this.host.policy) !== undefined) &&
        isScalar(lt)
      ) {
        const values = e.right.elements.map((x) => simpleConstant(x, this.host.policy)!.value);
        const a = this.expr(e.left);
        const v = this.t();
        this.emit(`const ${v} = ${a} === undefined ? undefined : ${negate ? '!' : ''}${this.k(new Set(values))}.has(${a});`);
        this.recordComparison(e, a, this.k(values), v);
        return v;
      }
      if (rt.kind === 'list' && this.host.isRawData(e.right)) {
        const el = rt.element;
        const path = this.pathCode(e.right);
        if (path !== undefined && (el.kind === 'string' || el.kind === 'number' || el.kind === 'enum')) return this.inDataList(e, el, path, negate);
      }
      return this.fallback(e);
    }
    // The overload's own JavaScript on known operands. Like the interpreter, membership-like tests
    // (`contains`) evaluate their right side even when the left is unknown (for its data errors).
    const js = overload.js;
    if (js) return this.strict(e, (a, b) => js(a, b, this.jsHelpers), decl.readsRightWhenLeftUnknown === true);
    return this.fallback(e);
  }

  /** What the construct table's JavaScript templates may ask of the generator. */
  private readonly jsHelpers: JsHelpers = {
    use: (fn) => this.functionRef(fn),
    temp: () => this.t(),
  };

  private readonly functionRefs = new Map<unknown, string>();

  /** A function of the value code, named in generated code by its place among the constants (one per function). */
  private functionRef(fn: unknown): string {
    let ref = this.functionRefs.get(fn);
    if (!ref) this.functionRefs.set(fn, (ref = this.k(fn)));
    return ref;
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
    // A list of strings or numbers read once per function (a memoized subject field) is checked
    // once, in full; when every element has the type, membership is `includes`, as fast as by hand.
    let checked: string | undefined;
    const memoized = [...this.scope.fields.values()].some((m) => m.value === list);
    if (memoized && (el.kind === 'string' || el.kind === 'number')) {
      checked = this.scope.checkedLists.get(list);
      if (!checked) {
        checked = this.t();
        this.scope.checkedLists.set(list, checked);
        this.scope.decls.push(`let ${checked} = 0;`);
      }
    }
    const illTyped = el.kind === 'number' ? `typeof ${x} !== "number" || ${x} - ${x} !== 0` : `typeof ${x} !== "string"`;
    // The list is read even when the left side is unknown, as the interpreter does (for its data errors).
    // Its length counts as steps; a list over the limits goes to the interpreter, which reports it (counting
    // the steps again, it is over their limit too).
    this.emit(
      `let ${v};`,
      right.code,
      constant ? '{' : `if (${a} !== undefined) {`,
      `  if (${list} !== undefined) {`,
      `    ${this.listLimits(list, e.right)}`,
      checked ? `    if (${checked} === 0) { ${checked} = 1; for (let ${i} = 0; ${i} < ${list}.length; ${i}++) { const ${x} = ${list}[${i}]; if (${illTyped}) { ${checked} = 2; break; } } }` : [],
      checked ? `    if (${checked} === 1) ${v} = ${list}.includes(${a}); else {` : '    {',
      `    let ${unknown} = false;`,
      `    ${v} = false;`,
      `    for (let ${i} = 0; ${i} < ${list}.length; ${i}++) {`,
      `      let ${x} = ${list}[${i}];`,
      `      if (typeof ${x} === "${jsType}"${el.kind === 'number' ? ` && ${x} - ${x} === 0` : el.kind === 'enum' ? ` && ${this.k(el.byDataValue)}.has(${x})` : ''}) { if (${match}) { ${v} = true; break; } continue; }`,
      `      if (${x} === undefined || ${x} === null) { ${unknown} = true; continue; }`,
      `      ${x} = H.slow(${convert}, ${x}, ctx, ${path} + "[" + ${i} + "]");`,
      `      if (${x} === undefined) ${unknown} = true; else if (${x} === ${a}) { ${v} = true; break; }`,
      '    }',
      `    if (${v} === false && ${unknown}) ${v} = undefined;`,
      '    }',
      '  }',
      '}',
    );
    let result = v;
    if (negate) {
      result = this.t();
      this.emit(`const ${result} = ${v} === undefined ? undefined : !${v};`);
    }
    // An explanation shows at most five elements of a list: record a copy of the first six
    // (one copy per function for a memoized field, however many comparisons read it).
    if (this.explain) {
      if (memoized) {
        let copy = this.scope.listCopies.get(list);
        if (!copy) {
          copy = this.t();
          this.scope.listCopies.set(list, copy);
          this.scope.decls.push(`let ${copy};`);
        }
        this.emit(`if (${copy} === undefined && ${list} !== undefined) ${copy} = ${list}.slice(0, 6);`);
        this.recordComparison(e, a, copy, result);
      } else this.recordComparison(e, a, `(${list} === undefined ? undefined : ${list}.slice(0, 6))`, result);
    }
    return result;
  }

  /** `left op right` where unknown on either side is unknown; the right side runs only when the left is known. */
  private strict(e: A.BinaryExpr, combine: (a: string, b: string) => string, alwaysRight = false): string {
    const a = this.expr(e.left);
    const v = this.t();
    const right = this.capture(() => this.expr(e.right));
    if (isLiteralCode(right.result) && right.code.length === 0) {
      this.emit(`const ${v} = ${a} === undefined ? undefined : ${combine(a, right.result)};`);
    } else if (isLiteralCode(a)) {
      this.emit(right.code, `const ${v} = ${right.result} === undefined ? undefined : ${combine(a, right.result)};`);
    } else if (alwaysRight) {
      this.emit(right.code, `const ${v} = ${a} === undefined || ${right.result} === undefined ? undefined : ${combine(a, right.result)};`);
    } else {
      // The right side's code runs only when the left is known; explaining code records it from outside.
      const b = this.explain ? this.t() : right.result;
      this.emit(`let ${v};`, this.explain ? `let ${b};` : [], `if (${a} !== undefined) {`, right.code);
      if (this.explain) this.emit(`${b} = ${right.result};`);
      this.emit(`${v} = ${right.result} === undefined ? undefined : ${combine(a, right.result)};`, '}');
      if (isComparison(e.operator)) this.recordComparison(e, a, b, v);
      return v;
    }
    if (isComparison(e.operator)) this.recordComparison(e, a, right.result, v);
    return v;
  }

  /**
   * `table[key]` for a placeholder table with string keys: the row, else the `default` row, else
   * unknown. Its value can only come from params, where it was checked when they were read (its
   * values converted, into an object without prototype, so indexing it reads own rows only). A
   * param table may be its default, a literal table, which the interpreter reads.
   */
  private tableRow(e: A.IndexAccess): string {
    const objectType = this.typeOf(e.object);
    const r = e.object.kind === 'NameRef' ? this.host.policy.names.get(e.object) : undefined;
    if (this.explain || objectType.kind !== 'table' || objectType.key.kind !== 'string' || r?.kind !== 'placeholder') return this.fallback(e);
    const table = this.expr(e.object);
    const key = this.expr(e.index);
    const v = this.t();
    const row = this.t();
    this.emit(
      `let ${v};`,
      `if (${table} !== undefined && ${key} !== undefined) {`,
      `  let ${row} = ${table}[${key}]; if (${row} === undefined) ${row} = ${table}["default"]; ${v} = ${row} === null ? undefined : ${row};`,
      '}',
    );
    return v;
  }

  /**
   * `series during window`: the values of the window's months in order, each checked, a month the
   * data does not give unknown — the interpreter's list, made inline. A window of more months than
   * a list may have is left to the interpreter, which reports it.
   */
  private during(e: A.DuringExpr): string {
    const seriesType = this.typeOf(e.series);
    const path = this.pathCode(e.series);
    if (this.explain || seriesType.kind !== 'monthly' || path === undefined) return this.fallback(e);
    const series = this.expr(e.series);
    const window = this.expr(e.period);
    const v = this.t();
    const keys = this.t();
    const i = this.t();
    const key = this.t();
    const x = this.t();
    const cache: MonthKeysCache = { window: undefined, keys: [] };
    const element = this.capture(() => {
      const convert = this.k(this.host.converter(seriesType.element));
      const slow = (value: string) => `H.slow(${convert}, ${value}, ctx, ${path} + "[\\"" + ${key} + "\\"]")`;
      this.readField(x, `${series}[${key}]`, true, 'undefined', seriesType.element, slow, series);
      return x;
    });
    this.emit(
      `let ${v};`,
      `if (${series} !== undefined && ${window} !== undefined) {`,
      `  const ${keys} = H.monthKeys(${this.k(cache)}, ${window}, ${this.number(this.host.maxListLength)});`,
      `  if (${keys} === undefined) H.windowTooLong(${path}, ${window});`,
      '  else {',
      `    ${v} = new Array(${keys}.length);`,
      `    for (let ${i} = 0; ${i} < ${keys}.length; ${i}++) {`,
      `      const ${key} = ${keys}[${i}];`,
      element.code,
      `      ${v}[${i}] = ${x};`,
      '    }',
      '  }',
      '}',
    );
    return v;
  }

  /**
   * An aggregation (`count`, `sum`, `min`, `max`, `any`, `all`) over a list, with or without a
   * variable, `where` and a projection, as one loop computing exactly what the interpreter's
   * closure computes: every element visited (no early exit, so every data error is recorded),
   * elements from data checked as they are read, the length counted as steps, a list over the
   * limits stopping it with the interpreter's message. Explaining code generates only an
   * aggregation that records nothing (a comparison inside would repeat per element; the
   * interpreter records those).
   */
  private aggregateLoop(e: A.AggregateExpr): string {
    const sourceType = this.typeOf(e.source);
    const elementType = sourceType.kind === 'list' ? sourceType.element : undefined;
    const valueType = e.projection ? this.typeOf(e.projection) : elementType;
    const raw = this.host.isRawData(e.source);
    const path = this.pathCode(e.source);
    const template = aggregation(e.fn).js;
    if ((this.explain && !recordsNothing(e, this.host.policy)) || !elementType || !valueType || (raw && path === undefined) || !template?.accepts(valueType)) {
      return this.fallback(e);
    }
    const list = this.expr(e.source);
    const v = this.t();
    const i = this.t();
    const x = this.t();
    // The loop's locals: `unknown`, and the accumulators the aggregation's template names.
    const state: Record<string, string> = { unknown: this.t() };
    for (const name of Object.keys(template.state)) state[name] = this.t();
    const loop: LoopVariable = { value: x, index: i, path: this.pathCode(e.source, false), exported: false };
    // Known to the interpreter before any closure inside the loop is made (its data paths start there).
    const slot = e.variable ? this.host.variableSlot(e as A.AggregateExpr & { variable: A.Identifier }) : undefined;
    if (e.variable) this.variables.set(e.variable, loop);
    // The element, checked when it comes from data (a missing one is unknown).
    const element = this.capture(() => {
      if (raw) {
        const convert = this.k(this.host.converter(elementType));
        const slow = (value: string) => `H.slow(${convert}, ${value}, ctx, ${path} + "[" + ${i} + "]")`;
        this.readField(x, `${list}[${i}]`, true, 'undefined', elementType, slow, list);
      } else this.emit(`const ${x} = ${list}[${i}];`);
      return x;
    });
    this.loops++;
    const body = this.capture(() => {
      if (e.filter) {
        const keep = this.expr(e.filter);
        this.emit(`if (${keep} === false) continue;`, `if (${keep} === undefined) { ${state.unknown} = true; continue; }`);
      }
      const value = e.projection ? this.expr(e.projection) : x;
      this.emit(template.step(value, state, this.jsHelpers, e.projection !== undefined));
      return value;
    });
    this.loops--;
    if (e.variable) this.variables.delete(e.variable);
    const locals = [`${state.unknown} = false`, ...Object.entries(template.state).map(([name, start]) => `${state[name]} = ${start}`)];
    this.emit(
      `let ${v};`,
      `if (${list} !== undefined) {`,
      `  ${this.listLimits(list, e.source)}`,
      `  let ${locals.join(', ')};`,
      `  for (let ${i} = 0; ${i} < ${list}.length; ${i}++) {`,
      element.code,
      // Where the interpreter's closures inside the loop read the element and its index.
      loop.exported ? `ctx.vars[${slot}] = ${x}; ctx.indices[${slot}] = ${i};` : [],
      body.code,
      '  }',
      `  ${v} = ${template.result(state)};`,
      '}',
    );
    return v;
  }
}

/** Explain mode's state while generating. */
interface ExplainState {
  slots: number;
  /** The comparison recorded last: a condition that is just that comparison shares its slot. */
  lastComparison: { result: string; slot: number } | undefined;
  /** The parts of the condition being generated (its comparisons and criteria), or undefined outside conditions. */
  condition: ConditionPart[] | undefined;
  readonly criteria: Map<A.CriterionDecl, { name: string; criterion: CriterionTemplate }>;
}

/** Whether the interpreter's plain closure for an expression computes what its traced one would record: no comparison, let or criterion inside. */
function recordsNothing(e: A.Expression, p: CheckedPolicy): boolean {
  const visit = (node: unknown): boolean => {
    if (typeof node !== 'object' || node === null) return true;
    if (Array.isArray(node)) return node.every(visit);
    const n = node as { kind?: string; operator?: A.BinaryOperator };
    if (n.kind === 'BinaryExpr' && isComparison(n.operator!)) return false;
    if (n.kind === 'NameRef' || n.kind === 'MemberAccess') {
      const r = p.names.get(node as A.NameRef);
      if (r?.kind === 'let' || r?.kind === 'criterion') return false;
    }
    for (const [key, value] of Object.entries(node)) if (key !== 'span' && !visit(value)) return false;
    return true;
  };
  return visit(e);
}


/** A generated function's own state: locals declared at its top, and the subject fields it has read. */
interface Scope {
  readonly decls: string[];
  /** Field name → the local holding its checked value and the local saying whether it was read. */
  readonly fields: Map<string, { value: string; read: string }>;
  /** A list local → the local saying whether all its elements have the element type (0 not yet known, 1 yes, 2 no). */
  readonly checkedLists: Map<string, string>;
  /** A list local → the local holding the copy of its first elements that explanations show. */
  readonly listCopies: Map<string, string>;
}

function newScope(): Scope {
  return { decls: [], fields: new Map(), checkedLists: new Map(), listCopies: new Map() };
}

/** A displayer that gives the text of its last value again without making it (values in a record never change). */
function remembering(show: Displayer): Displayer {
  let last: unknown;
  let text = '';
  return (v) => (v === last && v !== undefined ? text : ((text = show(v)), (last = v), text));
}

/** Whether two element types show alike (the same kind, and the same enum or record type). */
function sameType(a: Type, b: Type): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'enum' || a.kind === 'record') return a.name === (b as typeof a).name;
  if (a.kind === 'list') return sameType(a.element, (b as typeof a).element);
  return true;
}

/** A string or number literal as JavaScript source: `JSON.stringify` yields exactly one string literal token. */
function jsString(value: string): string {
  return JSON.stringify(value);
}

/** Whether generated code is a literal (a number in parentheses, a string literal, true/false). */
function isLiteralCode(code: string): boolean {
  return /^\(-?[0-9.e+-]+\)$/.test(code) || code === 'true' || code === 'false' || (code.startsWith('"') && code.endsWith('"'));
}

/**
 * The runtime value of an element of a literal list when it is the same on every evaluation (a
 * literal, or an enum member written by name, as its index), else undefined.
 */
function simpleConstant(e: A.Expression, p: CheckedPolicy): { value: unknown } | undefined {
  switch (e.kind) {
    case 'StringLiteral':
      return { value: e.value };
    case 'NumberLiteral':
      return { value: Number(e.value) };
    case 'BoolLiteral':
      return { value: e.value };
    case 'DateLiteral':
      return { value: dayFromCivil(e.year, e.month, e.day) };
    case 'NameRef':
    case 'MemberAccess': {
      const r = p.names.get(e);
      return r?.kind === 'enumMember' ? { value: r.index } : undefined;
    }
    // Values made at evaluation (datetimes in the policy's zone, durations, windows) or read from data.
    case 'DateTimeLiteral':
    case 'DurationLiteral':
    case 'ListLiteral':
    case 'TodayRef':
    case 'NowRef':
    case 'IndexAccess':
    case 'UnaryExpr':
    case 'BinaryExpr':
    case 'ConditionalExpr':
    case 'AggregateExpr':
    case 'PeriodExpr':
    case 'DuringExpr':
    case 'SatisfiesExpr':
    case 'PresenceExpr':
      return undefined;
    default:
      return assertNever(e);
  }
}
