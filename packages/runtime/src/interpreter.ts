/**
 * The interpreter: a checked policy's criteria and expressions as closures,
 * made once per policy and run on many subjects.
 *
 * Two closure trees are built from the same AST: a plain one for decisions
 * (no bookkeeping beyond data errors), and a traced one, built on first use,
 * that records every criterion, comparison and unknown field for
 * explanations. Unknown is `undefined` throughout; and/or/not and the
 * aggregations follow three-valued logic. Data is checked against its
 * declared type where it is read (a wrong value is a data error with its
 * path, and unknown), and lists are walked within the runtime limits.
 *
 * These closures define what the generated code (codegen.ts) must compute;
 * it calls them for whatever it does not generate itself.
 */
import { aggregation, assertNever, binaryOperator, binaryOverload, unaryOverload, type BinaryOverload, type CheckedPolicy, type ResolvedName, type Type, type RecordType, type EnumType } from '@bylaw/dsl';
import type * as A from '@bylaw/dsl';
import * as C from '@bylaw/dsl/calendar';
import type { ExplanationNode } from './decision.js';
import { ConversionFailure, convertValue, readOwn, type Converter } from './convert.js';
import type { RuntimeLimits } from './limits.js';
import { comparisonTrace, MAX_RECORDED_COMPARISONS, displayer, labelFields, labelled, truth } from './explanation.js';
import { LimitExceeded, NO_ERRORS, type BoolFn, type EvalContext, type Fn, type ReferenceResolver } from './context.js';

/** The closures of a policy's criteria and expressions, and the slots they keep in a context. */
export class Interpreter {
  private readonly letSlots = new Map<A.LetDecl, number>();
  private readonly criterionSlots = new Map<A.CriterionDecl, number>();
  private readonly varSlots = new Map<A.Identifier, number>();
  private readonly letFns: { plain: Fn | undefined; traced: Fn | undefined }[] = [];
  private readonly criterionFns: { plain: BoolFn | undefined; traced: BoolFn | undefined }[] = [];

  constructor(
    private readonly p: CheckedPolicy,
    private readonly limits: RuntimeLimits,
    /** The slot of each param and placeholder in `ctx.params`, by name. */
    private readonly paramSlots: ReadonlyMap<string, number>,
    private readonly references: ReferenceResolver | undefined,
  ) {
    p.lets.forEach((d, i) => {
      this.letSlots.set(d, i);
      this.letFns.push({ plain: undefined, traced: undefined });
    });
    p.criteria.forEach((d, i) => {
      this.criterionSlots.set(d, i);
      this.criterionFns.push({ plain: undefined, traced: undefined });
    });
  }

  /** How many lets and criteria a context caches. */
  get sizes(): { lets: number; criteria: number } {
    return { lets: this.letFns.length, criteria: this.criterionFns.length };
  }

  /** The slot of a let in `ctx.lets`. */
  letSlot(d: A.LetDecl): number {
    return this.letSlots.get(d)!;
  }

  /** The slot of a criterion in `ctx.criteria`. */
  criterionSlot(d: A.CriterionDecl): number {
    return this.criterionSlots.get(d)!;
  }

  /** The slot of an aggregation's variable in `ctx.vars` and `ctx.indices` (its source is where its data paths start). */
  variableSlot(e: A.AggregateExpr & { readonly variable: A.Identifier }): number {
    this.aggregateSources.set(e.variable, e.source);
    return this.varSlot(e.variable);
  }

  // ---------------------------------------------------------------- criteria

  body(body: A.CriterionBody, traced: boolean): BoolFn {
    if (body.kind !== 'Combinator') return traced ? this.tracedCondition(body) : (this.expr(body, false) as BoolFn);
    const items = body.items.map((item) => this.item(item, traced));
    const mode = body.mode;
    const need = body.count ? Number(body.count.value) : 0;
    const combine = (values: (boolean | undefined)[]): boolean | undefined => combineItems(mode, need, values);
    if (!traced) {
      if (mode === 'all') {
        return (ctx) => {
          let unknown = false;
          for (const f of items) {
            const v = f(ctx);
            if (v === false) return false;
            if (v === undefined) unknown = true;
          }
          return unknown ? undefined : true;
        };
      }
      if (mode === 'any') {
        return (ctx) => {
          let unknown = false;
          for (const f of items) {
            const v = f(ctx);
            if (v === true) return true;
            if (v === undefined) unknown = true;
          }
          return unknown ? undefined : false;
        };
      }
      return (ctx) => combine(items.map((f) => f(ctx)));
    }
    return (ctx) => {
      const trace = ctx.trace!;
      const node: ExplanationNode = {
        kind: mode,
        ...(mode === 'atLeast' ? { count: need } : {}),
        result: 'unknown',
        children: [],
      };
      trace.stack.at(-1)!.children!.push(node);
      trace.stack.push(node);
      const mark = trace.unknowns.length;
      // Explanations evaluate every item, so that each shows its result. The items after the one
      // that decides are evaluated for the explanation only: their data errors do not make an
      // `is present` unknown, as on the plain path, which does not evaluate them.
      const values: (boolean | undefined)[] = new Array(items.length);
      let decided = false;
      for (let i = 0; i < items.length; i++) {
        if (decided) {
          // A trace of unknowns alone shows nothing: the items after the deciding one (whose
          // unknowns a decided block drops) are not evaluated, as on the plain path.
          if (!trace.comparisons) break;
          const failures = ctx.failures;
          values[i] = items[i]!(ctx);
          ctx.failures = failures;
        } else {
          values[i] = items[i]!(ctx);
          decided = (mode === 'all' && values[i] === false) || (mode === 'any' && values[i] === true);
        }
      }
      const v = combine(values);
      trace.stack.pop();
      node.result = truth(v);
      if (v !== undefined) trace.unknowns.length = mark;
      else setUnknown(node, trace.unknowns.slice(mark));
      return v;
    };
  }

  private item(item: A.CriterionItem, traced: boolean): BoolFn {
    const inner = this.body(item.body, traced);
    if (!traced || !item.id) return inner;
    const fields = labelFields(labelled(item as A.Heading));
    return (ctx) => {
      const trace = ctx.trace!;
      const node: ExplanationNode = { kind: 'item', ...fields, result: 'unknown', children: [] };
      trace.stack.at(-1)!.children!.push(node);
      trace.stack.push(node);
      const mark = trace.unknowns.length;
      const v = inner(ctx);
      trace.stack.pop();
      node.result = truth(v);
      if (v === undefined) setUnknown(node, trace.unknowns.slice(mark));
      return v;
    };
  }

  private tracedCondition(expr: A.Expression): BoolFn {
    const named = expr.kind === 'NameRef' ? this.p.names.get(expr) : undefined;
    if (named?.kind === 'criterion') return this.criterionRef(named.decl, true);
    const f = this.expr(expr, true) as BoolFn;
    const text = this.textOf(expr);
    return (ctx) => {
      const trace = ctx.trace!;
      const node: ExplanationNode = { kind: 'condition', text, result: 'unknown', comparisons: [], children: [] };
      trace.stack.at(-1)!.children!.push(node);
      trace.stack.push(node);
      const mark = trace.unknowns.length;
      const v = f(ctx);
      trace.stack.pop();
      const latest = trace.latest.get(node);
      if (latest) {
        // The latest comparison is the outermost (it completes last): it takes the last place.
        node.comparisons![MAX_RECORDED_COMPARISONS - 1] = latest();
        trace.latest.delete(node);
      }
      node.result = truth(v);
      if (v === undefined) setUnknown(node, trace.unknowns.slice(mark));
      return v;
    };
  }

  private criterionRef(decl: A.CriterionDecl, traced: boolean): BoolFn {
    const slot = this.criterionSlots.get(decl)!;
    const fns = this.criterionFns[slot]!;
    if (!traced) {
      return (ctx) => {
        if (ctx.criterionGen[slot] === ctx.gen) {
          ctx.failures += ctx.criterionFailures[slot]!;
          return ctx.criteria[slot] as boolean | undefined;
        }
        fns.plain ??= this.body(decl.body, false);
        const failures = ctx.failures;
        const v = fns.plain(ctx);
        ctx.criteria[slot] = v;
        ctx.criterionGen[slot] = ctx.gen;
        ctx.criterionFailures[slot] = ctx.failures - failures;
        return v;
      };
    }
    const fields = labelFields(labelled(decl));
    return (ctx) => {
      const trace = ctx.trace!;
      const parent = trace.stack.at(-1)!;
      const cachedNode = trace.criterionNodes.get(slot);
      if (cachedNode) {
        parent.children!.push(cachedNode);
        // One by one: a node can have more unknowns (list elements) than the stack holds arguments.
        if (cachedNode.unknown) for (const u of cachedNode.unknown) trace.unknowns.push(u);
        ctx.failures += ctx.criterionFailures[slot]!;
        return ctx.criteria[slot] as boolean | undefined;
      }
      fns.traced ??= this.body(decl.body, true);
      const node: ExplanationNode = { kind: 'criterion', ...fields, result: 'unknown', children: [] };
      parent.children!.push(node);
      trace.criterionNodes.set(slot, node);
      trace.stack.push(node);
      const mark = trace.unknowns.length;
      const failures = ctx.failures;
      const v = fns.traced(ctx);
      trace.stack.pop();
      node.result = truth(v);
      if (v === undefined) setUnknown(node, trace.unknowns.slice(mark));
      ctx.criteria[slot] = v;
      ctx.criterionGen[slot] = ctx.gen;
      ctx.criterionFailures[slot] = ctx.failures - failures;
      return v;
    };
  }

  // ------------------------------------------------------------- expressions

  private typeOf(e: A.Expression): Type {
    return this.p.types.get(e) ?? { kind: 'error' };
  }

  /** The source text of an expression as written (from its own file: imported ones come from libraries). */
  textOf(e: A.Expression): string {
    const text = this.importedText().get(e) ?? this.p.text;
    return text.slice(e.span.start, e.span.end).replace(/\s+/g, ' ');
  }

  private imported: Map<object, string> | undefined;

  /** Every node of an imported declaration, mapped to its library's text (built on first use). */
  private importedText(): Map<object, string> {
    if (this.imported) return this.imported;
    const map = new Map<object, string>();
    const visit = (node: unknown, text: string): void => {
      if (typeof node !== 'object' || node === null) return;
      if (Array.isArray(node)) return node.forEach((n) => visit(n, text));
      map.set(node, text);
      for (const [key, value] of Object.entries(node)) if (key !== 'span') visit(value, text);
    };
    for (const [decl, file] of this.p.declarationFiles) {
      if (file !== this.p.file) visit(decl, this.p.sources.get(file) ?? '');
    }
    return (this.imported = map);
  }

  /** Compile an expression. In traced mode every decided node drops the unknowns below it. */
  expr(e: A.Expression, traced: boolean): Fn {
    const f = this.exprInner(e, traced);
    // Only a decided condition makes the unknowns below it irrelevant; a value such as a
    // series window may be known while holding unknown elements.
    if (!traced || this.typeOf(e).kind !== 'bool') return f;
    return (ctx) => {
      const trace = ctx.trace!;
      const mark = trace.unknowns.length;
      const v = f(ctx);
      if (v !== undefined && trace.unknowns.length > mark) trace.unknowns.length = mark;
      return v;
    };
  }

  private exprInner(e: A.Expression, traced: boolean): Fn {
    switch (e.kind) {
      case 'NumberLiteral': {
        const v = Number(e.value);
        return () => v;
      }
      case 'StringLiteral': {
        const v = e.value;
        return () => v;
      }
      case 'BoolLiteral': {
        const v = e.value;
        return () => v;
      }
      case 'DateLiteral': {
        const v = C.dayFromCivil(e.year, e.month, e.day);
        return () => v;
      }
      case 'DateTimeLiteral': {
        const v = C.parseDateTime(e.raw, this.p.timezone);
        return () => v;
      }
      case 'DurationLiteral': {
        const v = C.durationOf(Number(e.amount.value), e.unit);
        return () => v;
      }
      case 'TodayRef':
        return (ctx) => ctx.clock.today;
      case 'NowRef':
        return (ctx) => ctx.clock.now;
      case 'PeriodExpr': {
        const amount = Number(e.length.amount.value);
        const { unit, natural } = e.length;
        // The window depends only on the clock, which is shared per as-of date: compute it once per clock.
        let lastClock: C.Clock | undefined;
        let lastWindow: C.Window | undefined;
        return (ctx) => {
          if (ctx.clock !== lastClock) {
            lastWindow = C.periodWindow(amount, unit, natural, ctx.clock);
            lastClock = ctx.clock;
          }
          return lastWindow;
        };
      }
      case 'ListLiteral': {
        const fns = e.elements.map((x) => this.expr(x, traced));
        return (ctx) => fns.map((f) => f(ctx));
      }
      case 'NameRef':
        return this.name(e, traced);
      case 'MemberAccess':
        return this.member(e, traced);
      case 'IndexAccess':
        return this.index(e, traced);
      case 'UnaryExpr': {
        const f = this.expr(e.operand, traced);
        const evaluate = unaryOverload(e.operator, this.typeOf(e.operand))!.evaluate;
        return (ctx) => {
          const v = f(ctx);
          return v === undefined ? undefined : evaluate(v);
        };
      }
      case 'BinaryExpr':
        return this.binary(e, traced);
      case 'ConditionalExpr': {
        const c = this.expr(e.condition, traced);
        const a = this.expr(e.then, traced);
        const b = this.expr(e.otherwise, traced);
        return (ctx) => {
          const v = c(ctx);
          return v === undefined ? undefined : v ? a(ctx) : b(ctx);
        };
      }
      case 'AggregateExpr':
        return this.aggregate(e, traced);
      case 'DuringExpr':
        return this.during(e, traced);
      case 'SatisfiesExpr':
        return this.satisfies(e, traced);
      case 'PresenceExpr': {
        const f = this.expr(e.operand, traced);
        return (ctx) => {
          const failuresBefore = ctx.failures;
          const v = f(ctx);
          // Wrong data is not missing data: a value that failed its type check is present but unusable.
          if (ctx.failures > failuresBefore) return undefined;
          return v === undefined ? !e.present : e.present;
        };
      }
    }
  }

  private name(e: A.NameRef, traced: boolean): Fn {
    const r = this.p.names.get(e) as ResolvedName | undefined;
    if (!r) return () => undefined;
    switch (r.kind) {
      case 'subject':
        return (ctx) => ctx.subject;
      case 'enumMember': {
        const index = r.index;
        return () => index;
      }
      case 'enumType':
        return () => undefined;
      case 'variable': {
        const slot = this.varSlot(r.binder);
        return (ctx) => ctx.vars[slot];
      }
      case 'param':
      case 'placeholder': {
        const slot = this.paramSlots.get(r.decl.name.name)!;
        const source = `${r.kind} ${r.decl.name.name}`;
        return (ctx) => {
          const v = ctx.params[slot];
          ctx.failures += ctx.paramFailures[slot]!;
          if (v === undefined && ctx.trace) ctx.trace.unknowns.push(source);
          return v;
        };
      }
      case 'table':
        return this.literalTable(r.decl, traced);
      case 'let': {
        const slot = this.letSlots.get(r.decl)!;
        const fns = this.letFns[slot]!;
        const decl = r.decl;
        if (!traced) {
          return (ctx) => {
            if (ctx.letGen[slot] === ctx.gen) {
              ctx.failures += ctx.letFailures[slot]!;
              return ctx.lets[slot];
            }
            fns.plain ??= this.expr(decl.value, false);
            const failures = ctx.failures;
            const v = fns.plain(ctx);
            ctx.lets[slot] = v;
            ctx.letGen[slot] = ctx.gen;
            ctx.letFailures[slot] = ctx.failures - failures;
            return v;
          };
        }
        // Traced lets are re-evaluated so that each use records its own unknowns and comparisons.
        // A trace of unknowns alone (no comparisons) evaluates a let once and gives each later use
        // the same value and the same unknowns again, as a criterion's node does.
        return (ctx) => {
          fns.traced ??= this.expr(decl.value, true);
          const trace = ctx.trace!;
          if (trace.comparisons) return fns.traced(ctx);
          const seen = trace.lets.get(slot);
          if (seen) {
            for (const u of seen.unknowns) trace.unknowns.push(u);
            ctx.failures += seen.failures;
            return seen.value;
          }
          const mark = trace.unknowns.length;
          const failures = ctx.failures;
          const value = fns.traced(ctx);
          trace.lets.set(slot, { value, unknowns: trace.unknowns.slice(mark), failures: ctx.failures - failures });
          return value;
        };
      }
      case 'criterion':
        return this.criterionRef(r.decl, traced);
    }
  }

  private varSlot(binder: A.Identifier): number {
    let slot = this.varSlots.get(binder);
    if (slot === undefined) this.varSlots.set(binder, (slot = this.varSlots.size));
    return slot;
  }

  /** The data path of an expression, for error messages; dynamic parts read the aggregation indices. */
  private pathOf(e: A.Expression): (ctx: EvalContext) => string {
    switch (e.kind) {
      case 'NameRef': {
        const r = this.p.names.get(e);
        if (r?.kind === 'variable') {
          const slot = this.varSlot(r.binder);
          const source = this.aggregateSources.get(r.binder);
          const base = source ? this.pathOf(source) : () => r.name;
          return (ctx) => `${base(ctx)}[${ctx.indices[slot] ?? '?'}]`;
        }
        return () => e.name;
      }
      case 'MemberAccess': {
        const base = this.pathOf(e.object);
        const name = e.member.name;
        return (ctx) => `${base(ctx)}.${name}`;
      }
      case 'DuringExpr':
        return this.pathOf(e.series);
      // Anything else is named by its text.
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
        return () => this.textOf(e);
      default:
        return assertNever(e);
    }
  }

  private readonly aggregateSources = new Map<A.Identifier, A.Expression>();

  private member(e: A.MemberAccess, traced: boolean): Fn {
    const r = this.p.names.get(e);
    if (r?.kind === 'enumMember') {
      const index = r.index;
      return () => index;
    }
    const objectType = this.typeOf(e.object) as RecordType;
    const field = objectType.fields?.get(e.member.name);
    const object = this.expr(e.object, traced);
    if (!field) return () => undefined;
    const name = e.member.name;
    const path = this.pathOf(e);
    const defaultFn = field.decl.defaultValue ? this.expr(field.decl.defaultValue, false) : undefined;
    const convert = this.converter(field.type);
    return (ctx) => {
      const obj = object(ctx);
      if (obj === undefined) return undefined;
      const raw = readOwn(obj as object, name);
      if (raw === undefined || raw === null) {
        if (defaultFn) return defaultFn(ctx);
        if (ctx.trace) ctx.trace.unknowns.push(path(ctx));
        return undefined;
      }
      return convert(raw, ctx, path);
    };
  }

  /**
   * A function that checks and converts a raw data value of a type; on failure records a data error
   * at `path`, followed by `[at]` for a list index or `["at"]` for a month key (built only then).
   */
  private converter(type: Type): (raw: unknown, ctx: EvalContext, path: (ctx: EvalContext) => string, at?: number | string) => unknown {
    const convert: Converter = convertValue(type, this.p.timezone, this.limits);
    return (raw, ctx, path, at) => {
      const v = convert(raw);
      if (typeof v === 'object' && v !== null && v instanceof ConversionFailure) {
        const where = at === undefined ? path(ctx) : typeof at === 'number' ? `${path(ctx)}[${at}]` : `${path(ctx)}["${at}"]`;
        return this.fail(ctx, where, v.message);
      }
      return v;
    };
  }

  fail(ctx: EvalContext, path: string, message: string): undefined {
    ctx.failures++;
    // The paths seen as a set: a list of 100,000 bad elements costs linear time, not quadratic.
    const seen = (ctx.errorPaths ??= new Set(ctx.errors.map((x) => x.path)));
    if (!seen.has(path)) {
      if (ctx.errors === NO_ERRORS) ctx.errors = [];
      ctx.errors.push({ path, message });
      seen.add(path);
    }
    if (ctx.trace) ctx.trace.unknowns.push(path);
    return undefined;
  }


  private index(e: A.IndexAccess, traced: boolean): Fn {
    const objectType = this.typeOf(e.object);
    const object = this.expr(e.object, traced);
    const key = this.expr(e.index, traced);
    if (objectType.kind === 'table') {
      const keyType = objectType.key;
      const tableName = this.textOf(e.object);
      return (ctx) => {
        const table = object(ctx);
        const k = key(ctx);
        if (table === undefined || k === undefined) return undefined;
        if (table instanceof Map) {
          // A literal table: compiled entries.
          const f = (table as Map<unknown, Fn>).get(k) ?? (table as Map<unknown, Fn>).get(DEFAULT_KEY);
          if (f) return f(ctx);
        } else {
          const name = keyType.kind === 'enum' ? enumDataValue(keyType, k as number) : String(k);
          let raw = readOwn(table as object, name);
          if (raw === undefined) raw = readOwn(table as object, 'default');
          // A table from params: its values were checked when the params were read (readParams).
          if (raw !== undefined && raw !== null) return raw;
        }
        if (ctx.trace) ctx.trace.unknowns.push(`${tableName}[${JSON.stringify(keyType.kind === 'enum' ? enumDataValue(keyType, k as number) : k)}]`);
        return undefined;
      };
    }
    // A list by position (0-based).
    const elementType = objectType.kind === 'list' ? objectType.element : { kind: 'error' as const };
    const raw = this.isRawData(e.object);
    const convert = this.converter(elementType);
    const path = this.pathOf(e.object);
    return (ctx) => {
      const list = object(ctx) as unknown[] | undefined;
      const i = key(ctx) as number | undefined;
      if (list === undefined || i === undefined) return undefined;
      if (!Number.isInteger(i) || i < 0 || i >= list.length) {
        if (ctx.trace) ctx.trace.unknowns.push(`${path(ctx)}[${i}]`);
        return undefined;
      }
      const v = list[i];
      if (v === undefined || v === null) {
        if (ctx.trace) ctx.trace.unknowns.push(`${path(ctx)}[${i}]`);
        return undefined;
      }
      return raw ? convert(v, ctx, path, i) : v;
    };
  }

  private literalTable(decl: A.TableDecl, traced: boolean): Fn {
    const keyType = this.p.declaredTypes.get(decl.name.name) as Extract<Type, { kind: 'table' }> | undefined;
    const map = new Map<unknown, Fn>();
    for (const entry of decl.entries) {
      const key =
        keyType?.key.kind === 'enum'
          ? keyType.key.members.indexOf(entry.key.kind === 'Identifier' ? entry.key.name : entry.key.value)
          : entry.key.kind === 'Identifier'
            ? entry.key.name
            : entry.key.value;
      map.set(key, this.expr(entry.value, traced));
    }
    if (decl.defaultValue) map.set(DEFAULT_KEY, this.expr(decl.defaultValue, traced));
    return () => map;
  }

  /** Whether an expression yields values straight from the data, which must be checked when read. */
  isRawData(e: A.Expression): boolean {
    switch (e.kind) {
      case 'MemberAccess':
        return this.p.names.get(e)?.kind !== 'enumMember';
      case 'IndexAccess':
        return this.typeOf(e.object).kind === 'list' && this.isRawData(e.object);
      case 'NameRef': {
        const r = this.p.names.get(e);
        if (r?.kind === 'let') return this.isRawData(r.decl.value);
        if (r?.kind === 'variable') {
          const source = this.aggregateSources.get(r.binder);
          return source ? this.isRawData(source) && this.typeOf(source).kind === 'list' : false;
        }
        return r?.kind === 'subject';
      }
      case 'ConditionalExpr':
        return this.isRawData(e.then) || this.isRawData(e.otherwise);
      // Values the policy computes or writes: checked (or made) already.
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
      case 'AggregateExpr':
      case 'PeriodExpr':
      case 'DuringExpr':
      case 'SatisfiesExpr':
      case 'PresenceExpr':
        return false;
      default:
        return assertNever(e);
    }
  }

  private binary(e: A.BinaryExpr, traced: boolean): Fn {
    const op = e.operator;
    const decl = binaryOperator(op);
    const left = this.expr(e.left, traced);
    const right = this.expr(e.right, traced);
    if (decl.category === 'logic') {
      // Three-valued, stopping at the side that decides (false for and, true for or).
      const decisive = decl.decisive === true;
      return (ctx) => {
        const a = left(ctx);
        if (a === decisive) return decisive;
        const b = right(ctx);
        if (b === decisive) return decisive;
        return a === undefined || b === undefined ? undefined : !decisive;
      };
    }
    const lt = this.typeOf(e.left);
    const rt = this.typeOf(e.right);
    const overload = binaryOverload(op, lt, rt)!;
    const compute = this.binaryOp(e, overload);
    const readsRight = decl.readsRightWhenLeftUnknown === true;
    if (!traced || decl.category !== 'test') {
      return (ctx) => {
        const a = left(ctx);
        if (a === undefined) return readsRight ? this.membershipWithUnknownLeft(ctx, right) : undefined;
        const b = right(ctx);
        if (b === undefined) return undefined;
        return compute(a, b, ctx);
      };
    }
    const text = this.textOf(e);
    const showLeft = displayer(lt, this.p.timezone);
    const showRight = displayer(rt, this.p.timezone);
    const shortfall = overload.shortfall;
    return (ctx) => {
      const a = left(ctx);
      let b: unknown;
      if (a === undefined && !readsRight) {
        // Evaluated for the explanation only (the plain path stops at the unknown left side):
        // its data errors do not make an `is present` unknown.
        const failures = ctx.failures;
        b = right(ctx);
        ctx.failures = failures;
      } else b = right(ctx);
      const v = a === undefined || b === undefined ? undefined : compute(a, b, ctx);
      if (!ctx.trace!.comparisons) return v;
      const node = ctx.trace!.stack.at(-1);
      const list = node?.comparisons;
      if (list && list.length < MAX_RECORDED_COMPARISONS) list.push(comparisonTrace(text, op, a, b, v, shortfall, showLeft, showRight));
      else if (list) {
        // Full (a comparison repeated per element): count it, and keep it as the latest, shown only if no later one comes.
        node!.omittedComparisons = (node!.omittedComparisons ?? 0) + 1;
        // Lists as they are now (data read through getters could change them before it is shown).
        const left = Array.isArray(a) ? a.slice(0, 6) : a;
        const right = Array.isArray(b) ? b.slice(0, 6) : b;
        ctx.trace!.latest.set(node!, () => comparisonTrace(text, op, left, right, v, shortfall, showLeft, showRight));
      }
      return v;
    };
  }

  /** `x in list` with x unknown is still unknown; evaluate the right side only for its own errors. */
  private membershipWithUnknownLeft(ctx: EvalContext, right: Fn): undefined {
    right(ctx);
    return undefined;
  }

  /**
   * The operator's computation on known operands, as its declaration gives it. A membership test
   * walks the list here (lazily: elements from data are checked as they are compared, within the
   * limits); everything else is the overload's evaluation on values.
   */
  private binaryOp(e: A.BinaryExpr, overload: BinaryOverload): (a: unknown, b: unknown, ctx: EvalContext) => unknown {
    const m = overload.membership;
    if (m) {
      const list = m.list === 'right' ? e.right : e.left;
      const listType = this.typeOf(list);
      const element = listType.kind === 'list' ? listType.element : ({ kind: 'any' } as Type);
      const member = this.membership(element, this.isRawData(list), this.pathOf(list));
      if (m.list === 'left') return (a, b, ctx) => member(a as unknown[], b, ctx);
      return m.negate
        ? (a, b, ctx) => {
            const v = member(b as unknown[], a, ctx);
            return v === undefined ? undefined : !v;
          }
        : (a, b, ctx) => member(b as unknown[], a, ctx);
    }
    const evaluate = overload.evaluate;
    const zone = this.p.timezone;
    return (a, b) => evaluate(a, b, zone);
  }

  /** Membership of a value in a list (from data, checked element by element, or computed). Three-valued. */
  private membership(element: Type, raw: boolean, path: (ctx: EvalContext) => string): (list: unknown[], x: unknown, ctx: EvalContext) => boolean | undefined {
    const convert = raw ? this.converter(element) : undefined;
    const enumType = element.kind === 'enum' ? element : undefined;
    const direct = element.kind === 'number' || element.kind === 'string' || element.kind === 'bool';
    return (list, x, ctx) => {
      let unknown = false;
      const n = list.length;
      if (n > this.limits.maxListLength) throw new LimitExceeded(`${path(ctx)} has ${n} elements; the limit is ${this.limits.maxListLength}`);
      // A list from data counts as steps like an aggregation's: `any(x in xs: x in ys)` is |xs| × |ys|.
      if (convert && (ctx.steps += n) > this.limits.maxSteps) throw new LimitExceeded(`evaluation took more than ${this.limits.maxSteps} steps`);
      for (let i = 0; i < n; i++) {
        let v = list[i];
        if (convert) {
          if (v === undefined || v === null) {
            unknown = true;
            if (ctx.trace) ctx.trace.unknowns.push(`${path(ctx)}[${i}]`);
            continue;
          }
          // Fast path for the common case: strings compared with strings, enum data values with a member.
          if (enumType && typeof v === 'string') {
            const index = enumType.byDataValue.get(v);
            if (index === x) return true;
            if (index !== undefined) continue;
          } else if (direct && typeof v === typeof x && (typeof v !== 'number' || v - v === 0)) {
            // Only where data and runtime values are alike: a number in data is not an enum member's
            // index nor an epoch day, and NaN or Infinity is a data error, not a non-match.
            if (v === x) return true;
            continue;
          }
          v = convert(v, ctx, path, i);
        }
        if (v === undefined) unknown = true;
        else if (v === x) return true;
      }
      return unknown ? undefined : false;
    };
  }

  /**
   * An aggregation: every element visited (so that every data error is recorded), elements from
   * data checked as they are read, the length counted as steps; the values kept by `where`
   * folded as the aggregation's declaration says (constructs/aggregations.ts).
   */
  private aggregate(e: A.AggregateExpr, traced: boolean): Fn {
    if (e.variable) this.aggregateSources.set(e.variable, e.source);
    const source = this.expr(e.source, traced);
    const sourceType = this.typeOf(e.source);
    const elementType: Type = sourceType.kind === 'list' || sourceType.kind === 'monthly' ? sourceType.element : { kind: 'error' };
    const raw = this.isRawData(e.source);
    const convert = raw ? this.converter(elementType) : undefined;
    const path = this.pathOf(e.source);
    const slot = e.variable ? this.varSlot(e.variable) : -1;
    const filter = e.filter ? (this.expr(e.filter, traced) as BoolFn) : undefined;
    const projection = e.projection ? this.expr(e.projection, traced) : undefined;
    const limits = this.limits;
    const valueType = e.projection ? this.typeOf(e.projection) : elementType;
    const fold = aggregation(e.fn).fold(valueType, e.projection !== undefined);
    const stepsUnknown = fold.stepsUnknown === true;
    return (ctx) => {
      let list = source(ctx) as unknown[] | Record<string, unknown> | undefined;
      if (list === undefined) return undefined;
      if (!Array.isArray(list)) list = Object.keys(list).sort().map((k) => (list as Record<string, unknown>)[k]);
      const n = list.length;
      if (n > limits.maxListLength) throw new LimitExceeded(`${path(ctx)} has ${n} elements; the limit is ${limits.maxListLength}`);
      ctx.steps += n;
      if (ctx.steps > limits.maxSteps) throw new LimitExceeded(`evaluation took more than ${limits.maxSteps} steps`);
      let state = fold.start();
      let unknown = false;
      for (let i = 0; i < n; i++) {
        let item = list[i];
        if (convert) {
          if (item === undefined || item === null) {
            item = undefined;
            if (ctx.trace) ctx.trace.unknowns.push(`${path(ctx)}[${i}]`);
          } else item = convert(item, ctx, path, i);
        }
        if (slot >= 0) {
          ctx.vars[slot] = item;
          ctx.indices[slot] = i;
        }
        if (filter) {
          const keep = filter(ctx);
          if (keep === false) continue;
          if (keep === undefined) {
            unknown = true;
            continue;
          }
        }
        const value = projection ? projection(ctx) : item;
        if (value === undefined && !stepsUnknown) unknown = true;
        else state = fold.step(state, value);
      }
      const result = fold.finish(state, unknown);
      // An unknown with a cause of its own (no values to average) is named where unknowns are.
      if (result === undefined && ctx.trace && fold.cause) {
        const cause = fold.cause(state);
        if (cause !== undefined) ctx.trace.unknowns.push(`${path(ctx)}: ${cause}`);
      }
      return result;
    };
  }

  private during(e: A.DuringExpr, traced: boolean): Fn {
    const series = this.expr(e.series, traced);
    const period = this.expr(e.period, traced);
    const seriesType = this.typeOf(e.series);
    const elementType = seriesType.kind === 'monthly' ? seriesType.element : ({ kind: 'error' } as Type);
    const convert = this.converter(elementType);
    const path = this.pathOf(e.series);
    // Month keys of the last window seen (windows are cached per clock, so this hits almost always).
    let lastWindow: C.Window | undefined;
    let keys: string[] = [];
    return (ctx) => {
      const s = series(ctx) as Record<string, unknown> | undefined;
      const w = period(ctx) as C.Window | undefined;
      if (s === undefined || w === undefined) return undefined;
      if (w !== lastWindow) {
        // The months are listed only when there are not more of them than a list may have.
        const count = C.monthCountOfWindow(w);
        if (!(count <= this.limits.maxListLength)) throw new LimitExceeded(`${path(ctx)} during a window of ${count} months; the limit is ${this.limits.maxListLength}`);
        keys = C.monthsOfWindow(w).map(C.formatMonthKey);
        lastWindow = w;
      }
      const months = keys;
      const out: unknown[] = new Array(months.length);
      for (let i = 0; i < months.length; i++) {
        const key = months[i]!;
        const raw = readOwn(s, key);
        if (raw === undefined || raw === null) {
          if (ctx.trace) ctx.trace.unknowns.push(`${path(ctx)}["${key}"]`);
          out[i] = undefined;
        } else out[i] = convert(raw, ctx, path, key);
      }
      return out;
    };
  }

  private satisfies(e: A.SatisfiesExpr, traced: boolean): Fn {
    const subject = this.expr(e.subject, traced);
    const id = e.policy.text;
    const resolver = this.references;
    const path = this.pathOf(e.subject);
    return (ctx) => {
      const value = subject(ctx);
      if (value === undefined) return undefined;
      const d = resolver?.decide(id, value, { asOf: ctx.options.asOf, params: ctx.options.params }, ctx.depth + 1);
      // Admission decides `satisfies`, whatever the tier: admitted but with its tier open is still admitted.
      const admitted = d?.admission ?? (d?.outcome === 'admitted' ? 'admitted' : d?.outcome === 'rejected' ? 'rejected' : 'undetermined');
      if (d === undefined || admitted === 'undetermined') {
        if (ctx.trace) ctx.trace.unknowns.push(d?.unknown.length ? d.unknown.map((u) => `${id}: ${u}`).join(', ') : `policy ${id}`);
        for (const err of d?.dataErrors ?? []) this.fail(ctx, `${path(ctx)} (${id}: ${err.path})`, err.message);
        return undefined;
      }
      for (const err of d.dataErrors) this.fail(ctx, `${path(ctx)} (${id}: ${err.path})`, err.message);
      return admitted === 'admitted';
    };
  }
}

// ---------------------------------------------------------------------------
// Helpers

const DEFAULT_KEY = Symbol('default row');

function combineItems(mode: A.CombinatorMode, need: number, values: (boolean | undefined)[]): boolean | undefined {
  let t = 0;
  let u = 0;
  for (const v of values) {
    if (v === true) t++;
    else if (v === undefined) u++;
  }
  const n = values.length;
  switch (mode) {
    case 'all':
      return t === n ? true : t + u < n ? false : undefined;
    case 'any':
      return t > 0 ? true : u === 0 ? false : undefined;
    case 'atLeast':
      return t >= need ? true : t + u < need ? false : undefined;
  }
}

/** Mark an explanation node unknown because of these sources (each named once). */
export function setUnknown(node: ExplanationNode, sources: string[]): void {
  if (sources.length > 0) node.unknown = unique(sources);
}

/** The strings in order, each once. */
export function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}


function enumDataValue(t: EnumType, index: number): string {
  const member = t.decl.members[index];
  return member?.value?.value ?? t.members[index] ?? String(index);
}
