/**
 * Building subjects on purpose: write data so that a condition holds (or does
 * not), or so that a quantity takes a value. A small greedy solver over the
 * AST: comparisons are aimed at their constant side, counts become lists of
 * that many elements, sums over monthly windows become month values, `any`
 * gets one matching element, criteria and combinators recurse. Later writes
 * win over earlier ones; nothing here evaluates the policy — the witness
 * search does that with the runtime, so a solver mistake can only cost a
 * witness, never produce a wrong one.
 */
import type * as A from '@bylaw/dsl';
import { aggregation, assertNever, binaryOperator, binaryOverload, unaryOverload, type CheckedPolicy, type RecordType, type Type } from '@bylaw/dsl';
import { oriented } from './canonical.js';
import * as Cal from './calendar.js';
import { compare, constOf, enumData, fromRuntime, sameValue, toData, toRuntime, type Scope, type Value } from './values.js';

type Obj = Record<string, unknown>;

/** A place in the data that can be read and written. */
export interface Slot {
  get(): unknown;
  set(v: unknown): void;
}

/** Bindings of aggregation variables (by their binder, in either version's AST) to data. */
export type Env = ReadonlyMap<A.Identifier, Slot>;
/** No bindings. */
export const EMPTY_ENV: Env = new Map();

/** Shared settings for synthesizing against either version. */
export interface SynthSettings {
  readonly today: number;
  /** Months (`YYYY-MM`) every monthly series gets by default: those the policies' windows read. */
  readonly months: readonly string[];
  readonly maxListLength: number;
  /** Policies that `satisfies` may refer to, by id. */
  readonly context: ReadonlyMap<string, CheckedPolicy>;
  readonly params: Readonly<Record<string, unknown>>;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A slot for a property of an object. */
function propSlot(obj: Obj, key: string): Slot {
  return {
    get: () => obj[key],
    set: (v) => {
      if (v === undefined) delete obj[key];
      else obj[key] = v;
    },
  };
}

/** Synthesizes data for one version of a policy. */
export class Synth {
  private readonly scope: Scope;

  constructor(
    readonly policy: CheckedPolicy,
    private readonly settings: SynthSettings,
    private readonly root: Slot,
  ) {
    this.scope = { policy, today: settings.today, params: settings.params };
  }

  // ------------------------------------------------------------- skeletons

  /** A neutral value of a type: 0, false, the first enum member, empty lists, months of the windows at 0. */
  skeleton(t: Type, name = 'text', depth = 0): unknown {
    switch (t.kind) {
      case 'bool':
        return false;
      case 'number':
        return 0;
      case 'string':
        return `${name}_1`;
      case 'date':
        return Cal.formatDay(this.settings.today);
      case 'datetime':
        return Cal.formatInstant(Cal.startOfDay(this.settings.today, this.policy.timezone) - 3_600_000);
      case 'enum':
        return enumData(t, 0);
      case 'list':
        return [];
      case 'monthly': {
        const out: Obj = {};
        for (const m of this.settings.months) out[m] = this.skeleton(t.element, name, depth + 1);
        return out;
      }
      case 'record':
        return depth > 4 ? {} : this.record(t, depth);
      default:
        return undefined;
    }
  }

  private record(t: RecordType, depth: number): Obj {
    const out: Obj = {};
    for (const [name, f] of t.fields) {
      const d = f.decl.defaultValue ? constOf(f.decl.defaultValue, this.scope) : undefined;
      out[name] = d ? toData(d) : this.skeleton(f.type, name, depth + 1);
    }
    return out;
  }

  // ---------------------------------------------------------------- places

  /** The slot an expression reads, when it reads one place in the data. */
  slot(e: A.Expression, env: Env = EMPTY_ENV): Slot | undefined {
    switch (e.kind) {
      case 'NameRef': {
        const r = this.policy.names.get(e);
        if (r?.kind === 'subject') return this.root;
        if (r?.kind === 'variable') return env.get(r.binder);
        if (r?.kind === 'let') return this.slot(r.decl.value, env);
        return undefined;
      }
      case 'MemberAccess': {
        if (this.policy.names.get(e)?.kind === 'enumMember') return undefined;
        const parent = this.slot(e.object, env);
        if (!parent) return undefined;
        let obj = parent.get();
        if (!isObj(obj)) {
          const t = this.policy.types.get(e.object);
          obj = t ? this.skeleton(t) : {};
          if (!isObj(obj)) obj = {};
          parent.set(obj);
        }
        return propSlot(obj as Obj, e.member.name);
      }
      case 'IndexAccess': {
        const t = this.policy.types.get(e.object);
        const i = constOf(e.index, this.scope);
        if (t?.kind !== 'list' || i?.kind !== 'number') return undefined;
        const parent = this.slot(e.object, env);
        if (!parent) return undefined;
        let list = parent.get();
        if (!Array.isArray(list)) parent.set((list = []));
        const arr = list as unknown[];
        while (arr.length <= i.value) arr.push(this.skeleton(t.element));
        return { get: () => arr[i.value], set: (v) => (arr[i.value] = v) };
      }
      // Not one place in the data.
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
      case 'DuringExpr':
      case 'SatisfiesExpr':
      case 'PresenceExpr':
        return undefined;
      default:
        return assertNever(e);
    }
  }

  // ---------------------------------------------------------------- values

  /** Write data so that `e` evaluates to `v`. Returns whether it knows how. */
  setValue(e: A.Expression, v: Value, env: Env = EMPTY_ENV): boolean {
    const s = this.slot(e, env);
    if (s) {
      const data = toData(v);
      if (data === undefined) return false;
      s.set(data);
      return true;
    }
    switch (e.kind) {
      case 'NameRef': {
        const r = this.policy.names.get(e);
        if (r?.kind === 'let') return this.setValue(r.decl.value, v, env);
        return false;
      }
      case 'UnaryExpr': {
        // Solved by the operator's declaration: the operand that gives the value.
        const t = this.policy.types.get(e.operand);
        const solve = t ? unaryOverload(e.operator, t)?.solve : undefined;
        const raw = solve ? solve(toRuntime(v)) : undefined;
        const operand = raw === undefined || !t ? undefined : fromRuntime(raw, t);
        return operand ? this.setValue(e.operand, operand, env) : false;
      }
      case 'BinaryExpr':
        return this.setArithmetic(e, v, env);
      case 'AggregateExpr':
        return this.setAggregate(e, v, env);
      case 'ConditionalExpr': {
        const c = constOf(e.condition, this.scope);
        if (c?.kind === 'bool') return this.setValue(c.value ? e.then : e.otherwise, v, env);
        return this.makeTrue(e.condition, true, env) && this.setValue(e.then, v, env);
      }
      // Fixed by the policy, or not a value data can set.
      case 'NumberLiteral':
      case 'StringLiteral':
      case 'BoolLiteral':
      case 'DateLiteral':
      case 'DateTimeLiteral':
      case 'DurationLiteral':
      case 'ListLiteral':
      case 'TodayRef':
      case 'NowRef':
      case 'MemberAccess':
      case 'IndexAccess':
      case 'PeriodExpr':
      case 'DuringExpr':
      case 'SatisfiesExpr':
      case 'PresenceExpr':
        return false;
      default:
        return assertNever(e);
    }
  }

  /**
   * Write data so that `left op right` gives `v`: one side is a constant, and the other is solved
   * for as the operator's declaration says (`x + 3 = v` → `x = v - 3`, exactly).
   */
  private setArithmetic(e: A.BinaryExpr, v: Value, env: Env): boolean {
    const p = this.policy;
    const lt = p.types.get(e.left);
    const rt = p.types.get(e.right);
    const overload = lt && rt ? binaryOverload(e.operator, lt, rt) : undefined;
    const witness = overload?.witness;
    const out = p.types.get(e);
    if (witness?.kind !== 'solve' || !lt || !rt || out?.kind !== v.kind) return false;
    const target = toRuntime(v);
    const zone = p.timezone;
    const l = constOf(e.left, this.scope);
    const r = constOf(e.right, this.scope);
    if (r && witness.left) {
      const x = fromRuntime(witness.left(target, toRuntime(r), zone), lt);
      if (x) return this.setValue(e.left, x, env);
    }
    if (l && witness.right) {
      const x = fromRuntime(witness.right(target, toRuntime(l), zone), rt);
      if (x) return this.setValue(e.right, x, env);
    }
    return false;
  }

  /** Elements of an aggregation's source: a list in the data, or the months of a series window. */
  private source(e: A.Expression, env: Env): { kind: 'list'; slot: Slot; element: Type } | { kind: 'months'; series: Obj; months: string[]; element: Type } | undefined {
    if (e.kind === 'NameRef') {
      const r = this.policy.names.get(e);
      if (r?.kind === 'let') return this.source(r.decl.value, env);
    }
    if (e.kind === 'DuringExpr') {
      const s = this.slot(e.series, env);
      const w = constOf(e.period, this.scope);
      const t = this.policy.types.get(e.series);
      if (!s || w?.kind !== 'period' || t?.kind !== 'monthly') return undefined;
      let series = s.get();
      if (!isObj(series)) s.set((series = this.skeleton(t)));
      return { kind: 'months', series: series as Obj, months: Cal.monthsOf(w.window), element: t.element };
    }
    const t = this.policy.types.get(e);
    const s = this.slot(e, env);
    if (!s || (t?.kind !== 'list' && t?.kind !== 'monthly')) return undefined;
    if (t.kind === 'monthly') {
      let series = s.get();
      if (!isObj(series)) s.set((series = this.skeleton(t)));
      return { kind: 'months', series: series as Obj, months: Object.keys(series as Obj).sort(), element: t.element };
    }
    return { kind: 'list', slot: s, element: t.element };
  }

  /** An element slot bound to the aggregation variable, and the element's data. */
  private element(t: Type, agg: A.AggregateExpr, env: Env, goal: (env: Env) => boolean): { data: unknown; ok: boolean } {
    const holder: { v: unknown } = { v: this.skeleton(t, agg.variable?.name ?? 'item') };
    const slot: Slot = { get: () => holder.v, set: (x) => (holder.v = x) };
    const inner = new Map(env);
    if (agg.variable) inner.set(agg.variable, slot);
    const ok = goal(inner);
    return { data: holder.v, ok };
  }

  private monthEnv(agg: A.AggregateExpr, series: Obj, month: string, env: Env): Env {
    const inner = new Map(env);
    if (agg.variable) inner.set(agg.variable, propSlot(series, month));
    return inner;
  }

  /** Build elements so that an aggregation has a value. */
  private setAggregate(e: A.AggregateExpr, v: Value, env: Env): boolean {
    const src = this.source(e.source, env);
    if (!src) return false;
    const keep = (inner: Env) => (e.filter ? this.makeTrue(e.filter, true, inner) : true);
    const drop = (inner: Env) => (e.filter ? this.makeTrue(e.filter, false, inner) : e.projection && e.fn === 'count' ? this.makeTrue(e.projection, false, inner) : false);
    if (e.fn === 'count') {
      if (v.kind !== 'number' || !Number.isInteger(v.value) || v.value < 0) return false;
      const n = v.value;
      const hit = (inner: Env) => keep(inner) && (e.projection ? this.makeTrue(e.projection, true, inner) : true);
      if (src.kind === 'months') {
        if (n > src.months.length) return false;
        src.months.forEach((m, i) => {
          const inner = this.monthEnv(e, src.series, m, env);
          if (i < n) hit(inner);
          else if (!drop(inner)) src.series[m] = this.skeleton(src.element);
        });
        return true;
      }
      if (n > this.settings.maxListLength) return false;
      const el = this.element(src.element, e, env, hit);
      src.slot.set(new Array(n).fill(el.data));
      return el.ok;
    }
    if (e.fn === 'sum' || e.fn === 'min' || e.fn === 'max') {
      const zero: Value = v.kind === 'number' ? { kind: 'number', value: 0 } : v;
      const put = (inner: Env, value: Value) => keep(inner) && (e.projection ? this.setValue(e.projection, value, inner) : this.setSelf(e, inner, value));
      if (src.kind === 'months') {
        let ok = true;
        src.months.forEach((m, i) => {
          const value = e.fn === 'sum' && i > 0 ? zero : v;
          if (e.variable) ok = put(this.monthEnv(e, src.series, m, env), value) && ok;
          else src.series[m] = toData(value);
        });
        return ok;
      }
      const el = this.element(src.element, e, env, (inner) => put(inner, v));
      src.slot.set([el.data]);
      return el.ok;
    }
    // any / all as values.
    if (v.kind !== 'bool') return false;
    return this.makeAggregate(e, v.value, env);
  }

  /**
   * Add one element to an aggregation's source (or take the first month of a
   * series window), passing its filter, and let `build` write it. Binders of
   * the same aggregation in the other version share the element.
   */
  withNewElement(agg: A.AggregateExpr, binders: readonly (A.Identifier | undefined)[], build: (env: Env) => void): boolean {
    const src = this.source(agg.source, EMPTY_ENV);
    if (!src) return false;
    const bind = (slot: Slot): Env => {
      const env = new Map<A.Identifier, Slot>();
      for (const b of [agg.variable, ...binders]) if (b) env.set(b, slot);
      return env;
    };
    if (src.kind === 'months') {
      const m = src.months[0];
      if (m === undefined) return false;
      build(bind(propSlot(src.series, m)));
      return true;
    }
    const holder: { v: unknown } = { v: this.skeleton(src.element, agg.variable?.name ?? 'item') };
    const env = bind({ get: () => holder.v, set: (x) => (holder.v = x) });
    if (agg.filter) this.makeTrue(agg.filter, true, env);
    build(env);
    const current = src.slot.get();
    src.slot.set([...(Array.isArray(current) ? current : []), holder.v]);
    return true;
  }

  private setSelf(e: A.AggregateExpr, inner: Env, value: Value): boolean {
    if (!e.variable) return false;
    const s = inner.get(e.variable);
    if (!s) return false;
    s.set(toData(value));
    return true;
  }

  private makeAggregate(e: A.AggregateExpr, truth: boolean, env: Env): boolean {
    const src = this.source(e.source, env);
    if (!src) return false;
    // An element that is counted (passes the filter) and whose condition has truth t.
    const cond = (inner: Env, t: boolean) => {
      const f = e.filter ? this.makeTrue(e.filter, true, inner) : true;
      const p = e.projection ? this.makeTrue(e.projection, t, inner) : this.setSelf(e, inner, { kind: 'bool', value: t });
      return f && p;
    };
    // any true and all false are decided by one element; any false and all true need every element.
    const one = (e.fn === 'any') === truth;
    const elementTruth = e.fn === 'any' ? truth : truth;
    if (src.kind === 'months') {
      let ok = true;
      src.months.forEach((m, i) => {
        if (one && i > 0) return;
        ok = cond(this.monthEnv(e, src.series, m, env), elementTruth) && ok;
      });
      return ok;
    }
    if (!one && e.fn === 'any') {
      src.slot.set([]);
      return true;
    }
    const el = this.element(src.element, e, env, (inner) => cond(inner, elementTruth));
    const current = src.slot.get();
    src.slot.set(one && e.fn === 'any' && Array.isArray(current) ? [...current, el.data] : [el.data]);
    return el.ok;
  }

  // ------------------------------------------------------------- conditions

  /**
   * Write data so that a condition has the truth value `truth`. `pick` says
   * which item carries an `any of` (true) or `all of` (false): the first by
   * default, the last with `'last'`.
   */
  makeTrue(b: A.CriterionBody, truth: boolean, env: Env = EMPTY_ENV, pick: 'first' | 'last' = 'first'): boolean {
    if (b.kind === 'Combinator') {
      const bodies = b.items.map((i) => i.body);
      const need = b.mode === 'all' ? bodies.length : b.mode === 'any' ? 1 : Number(b.count?.value ?? 1);
      return this.group(bodies, need, truth, env, pick);
    }
    const e = b;
    switch (e.kind) {
      case 'BinaryExpr': {
        const decl = binaryOperator(e.operator);
        // and: both sides hold; or: one does.
        if (decl.category === 'logic') return this.group([e.left, e.right], decl.decisive ? 1 : 2, truth, env, pick);
        return this.binary(e, truth, env);
      }
      case 'UnaryExpr':
        return e.operator === 'not' ? this.makeTrue(e.operand, !truth, env, pick) : false;
      case 'BoolLiteral':
        return e.value === truth;
      case 'NameRef': {
        const r = this.policy.names.get(e);
        if (r?.kind === 'criterion') return this.makeTrue(r.decl.body, truth, env, pick);
        if (r?.kind === 'let') return this.makeTrue(r.decl.value, truth, env, pick);
        if (r?.kind === 'param' || r?.kind === 'placeholder') {
          const c = constOf(e, this.scope);
          return c?.kind === 'bool' && c.value === truth;
        }
        return this.setValue(e, { kind: 'bool', value: truth }, env);
      }
      case 'MemberAccess':
      case 'IndexAccess':
        return this.setValue(e, { kind: 'bool', value: truth }, env);
      case 'AggregateExpr':
        return aggregation(e.fn).witness.kind === 'truth' ? this.makeAggregate(e, truth, env) : false;
      case 'PresenceExpr': {
        const s = this.slot(e.operand, env);
        if (!s) return false;
        const present = e.present === truth;
        if (!present) s.set(undefined);
        else if (s.get() === undefined) {
          const t = this.policy.types.get(e.operand);
          s.set(t ? this.skeleton(t) : true);
        }
        return true;
      }
      case 'SatisfiesExpr':
        return this.satisfies(e, truth, env);
      case 'ConditionalExpr': {
        const c = constOf(e.condition, this.scope);
        if (c?.kind === 'bool') return this.makeTrue(c.value ? e.then : e.otherwise, truth, env, pick);
        return this.makeTrue(e.condition, true, env) && this.makeTrue(e.then, truth, env, pick);
      }
      // Not conditions.
      case 'NumberLiteral':
      case 'StringLiteral':
      case 'DateLiteral':
      case 'DateTimeLiteral':
      case 'DurationLiteral':
      case 'ListLiteral':
      case 'TodayRef':
      case 'NowRef':
      case 'PeriodExpr':
      case 'DuringExpr':
        return false;
      default:
        return assertNever(e);
    }
  }

  private group(bodies: readonly A.CriterionBody[], need: number, truth: boolean, env: Env, pick: 'first' | 'last'): boolean {
    const order = pick === 'last' ? [...bodies].reverse() : [...bodies];
    // To make it true, make `need` items true; to make it false, make enough items false.
    const count = truth ? need : bodies.length - need + 1;
    let done = 0;
    let ok = true;
    for (const body of order) {
      if (done >= count) break;
      const r = this.makeTrue(body, truth, env, pick);
      if (r) done++;
      ok = ok && r;
    }
    return done >= count && (ok || done >= count);
  }

  /** Make a test hold or fail as its operator's declaration says: aim at a bound, put in a list, build a string. */
  private binary(e: A.BinaryExpr, truth: boolean, env: Env): boolean {
    const o = oriented(e, this.policy);
    const decl = binaryOperator(o.op);
    const lt = this.policy.types.get(o.left);
    const rt = this.policy.types.get(o.right);
    const overload = lt && rt ? binaryOverload(o.op, lt, rt) : undefined;
    const witness = overload?.witness ?? decl.witness;
    switch (witness.kind) {
      case 'compare':
        return this.comparison(o.left, o.op, o.right, truth, env);
      case 'member': {
        const negate = overload?.membership?.negate ?? decl.direction.right === 'down';
        return decl.listSide === 'left' ? this.membership(o.right, o.left, truth, env) : this.membership(o.left, o.right, negate ? !truth : truth, env);
      }
      case 'text':
        return this.text(o.left, o.right, truth, env, witness.yes, witness.no);
      case 'solve':
      case 'group':
        return false;
    }
  }

  private text(left: A.Expression, right: A.Expression, truth: boolean, env: Env, yes: (r: string) => string, no: (r: string) => string): boolean {
    let r = constOf(right, this.scope);
    if (r?.kind !== 'string') {
      if (!this.setValue(right, { kind: 'string', value: 'key' }, env)) return false;
      r = { kind: 'string', value: 'key' };
    }
    return this.setValue(left, { kind: 'string', value: truth ? yes(r.value) : no(r.value) }, env);
  }

  /** Aim `left op right` at the constant side. */
  private comparison(left: A.Expression, op: A.BinaryOperator, right: A.Expression, truth: boolean, env: Env): boolean {
    let target = constOf(right, this.scope);
    let quantity = left;
    let o = op;
    if (!target) {
      const lc = constOf(left, this.scope);
      if (lc) {
        target = lc;
        quantity = right;
        o = (binaryOperator(op).mirror as A.BinaryOperator | undefined) ?? op;
      }
    }
    if (!target) {
      // Data on both sides: fix the right side first.
      const t = this.policy.types.get(right);
      const neutral = t ? neutralValue(t, this.settings.today) : undefined;
      if (!neutral || !this.setValue(right, neutral, env)) return false;
      target = neutral;
    }
    const want = aim(target, o, truth);
    if (!want) return false;
    return this.setValue(quantity, want, env);
  }

  private membership(x: A.Expression, list: A.Expression, truth: boolean, env: Env): boolean {
    const lc = constOf(list, this.scope);
    if (lc?.kind === 'period') {
      const t = this.policy.types.get(x);
      const w = lc.window;
      if (t?.kind === 'datetime') {
        const ms = truth ? (w.endMs ?? Cal.startOfDay(w.endDay, this.policy.timezone)) - 60_000 : (w.startMs ?? Cal.startOfDay(w.startDay, this.policy.timezone)) - 60_000;
        return this.setValue(x, { kind: 'datetime', ms }, env);
      }
      return this.setValue(x, { kind: 'date', day: truth ? w.endDay : w.startDay - 1 }, env);
    }
    if (lc?.kind === 'list') {
      if (truth) {
        const first = lc.items[0];
        return first ? this.setValue(x, first, env) : false;
      }
      const t = this.policy.types.get(x);
      const other = t ? outsider(t, lc.items) : undefined;
      return other ? this.setValue(x, other, env) : false;
    }
    const xc = constOf(x, this.scope);
    const s = this.slot(list, env);
    if (xc && s) {
      const data = toData(xc);
      const current = s.get();
      const arr = Array.isArray(current) ? current.filter((y) => y !== data) : [];
      s.set(truth ? [...arr, data] : arr);
      return true;
    }
    if (s) {
      // Data on both sides: put the value in (or leave it out of) the list.
      const t = this.policy.types.get(x);
      const v = t ? neutralValue(t, this.settings.today) : undefined;
      if (!v || !this.setValue(x, v, env)) return false;
      s.set(truth ? [toData(v)] : []);
      return true;
    }
    return false;
  }

  private satisfies(e: A.SatisfiesExpr, truth: boolean, env: Env): boolean {
    const other = this.settings.context.get(e.policy.text);
    const s = this.slot(e.subject, env);
    if (!other || !s) return false;
    const sub = new Synth(other, this.settings, s);
    let ok = true;
    for (const r of other.decide.rules) if (r.kind === 'ExcludeRule') ok = sub.makeTrue(r.body, false) && ok;
    const admit = other.decide.rules.find((r): r is A.AdmitRule => r.kind === 'AdmitRule');
    if (!admit) return truth ? ok : false;
    return sub.makeTrue(admit.body, truth) && ok;
  }
}

/** The smallest step of a threshold: 1 for whole numbers, else one unit of its last decimal. */
export function epsilonOf(x: number): number {
  if (Number.isInteger(x)) return 1;
  const decimals = (String(x).split('.')[1] ?? '').length;
  return 10 ** -Math.min(decimals, 10);
}

/** Move a constant one step up (+1) or down (-1). */
export function step(v: Value, dir: 1 | -1): Value | undefined {
  switch (v.kind) {
    case 'number':
      return { kind: 'number', value: Number((v.value + dir * epsilonOf(v.value)).toPrecision(15)) };
    case 'date':
      return { kind: 'date', day: v.day + dir };
    case 'datetime':
      return { kind: 'datetime', ms: v.ms + dir * 60_000 };
    case 'enum': {
      const i = v.index + dir;
      return i >= 0 && i < v.type.members.length ? { kind: 'enum', type: v.type, index: i } : undefined;
    }
    case 'bool':
      return { kind: 'bool', value: !v.value };
    default:
      return undefined;
  }
}

/** A value for the quantity so that `quantity op target` has the wanted truth, where the operator's declaration aims it. */
export function aim(target: Value, op: A.BinaryOperator, truth: boolean): Value | undefined {
  const w = binaryOperator(op).witness;
  if (w.kind !== 'compare') return undefined;
  switch (truth ? w.whenTrue : w.whenFalse) {
    case 'at':
      return target;
    case 'above':
      return step(target, 1);
    case 'below':
      return step(target, -1);
    case 'other':
      return different(target);
  }
}

function different(v: Value): Value | undefined {
  switch (v.kind) {
    case 'string':
      return { kind: 'string', value: `${v.value}_other` };
    case 'enum':
      return v.type.members.length > 1 ? { kind: 'enum', type: v.type, index: v.index === 0 ? 1 : 0 } : undefined;
    default:
      return step(v, 1);
  }
}

/** A value of type `t` not among `items`. */
function outsider(t: Type, items: readonly Value[]): Value | undefined {
  if (t.kind === 'enum') {
    for (let i = 0; i < t.members.length; i++) {
      const v: Value = { kind: 'enum', type: t, index: i };
      if (!items.some((x) => sameValue(x, v))) return v;
    }
    return undefined;
  }
  if (t.kind === 'string') return { kind: 'string', value: 'not_listed' };
  if (t.kind === 'number') {
    let max = 0;
    for (const x of items) if (x.kind === 'number' && x.value > max) max = x.value;
    return { kind: 'number', value: max + 1 };
  }
  if (t.kind === 'bool') {
    const v: Value = { kind: 'bool', value: !items.some((x) => x.kind === 'bool' && x.value) };
    return items.some((x) => sameValue(x, v)) ? undefined : v;
  }
  return undefined;
}

function neutralValue(t: Type, today: number): Value | undefined {
  switch (t.kind) {
    case 'number':
      return { kind: 'number', value: 0 };
    case 'string':
      return { kind: 'string', value: 'key' };
    case 'bool':
      return { kind: 'bool', value: false };
    case 'date':
      return { kind: 'date', day: today };
    case 'enum':
      return { kind: 'enum', type: t, index: 0 };
    default:
      return undefined;
  }
}

/** Values to try for a quantity compared against thresholds `a` (old) and `b` (new): between them first. */
export function boundaryValues(a: Value | undefined, b: Value | undefined): Value[] {
  const out: Value[] = [];
  const add = (v: Value | undefined) => {
    if (v && !out.some((x) => sameValue(x, v))) out.push(v);
  };
  if (a && b && a.kind === 'number' && b.kind === 'number' && a.value !== b.value) {
    const lo = Math.min(a.value, b.value);
    const hi = Math.max(a.value, b.value);
    const mid = (lo + hi) / 2;
    const eps = Math.min(epsilonOf(lo), epsilonOf(hi));
    const rounded = Math.round(mid / eps) * eps;
    if (rounded > lo && rounded < hi) add({ kind: 'number', value: Number(rounded.toPrecision(15)) });
  }
  if (a && b && a.kind === 'date' && b.kind === 'date' && Math.abs(a.day - b.day) > 1) add({ kind: 'date', day: Math.floor((a.day + b.day) / 2) });
  if (a && b && a.kind === 'enum' && b.kind === 'enum' && Math.abs(a.index - b.index) > 1) add({ kind: 'enum', type: b.type, index: Math.floor((a.index + b.index) / 2) });
  for (const v of [a, b]) {
    if (!v) continue;
    add(v);
    add(step(v, -1));
    add(step(v, 1));
  }
  return out.filter((v) => !(v.kind === 'number' && v.value < 0 && [a, b].every((x) => !x || (x.kind === 'number' && x.value >= 0))));
}

/** Compare helper re-exported for the witness search. */
export { compare };
