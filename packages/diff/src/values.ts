/**
 * Constant values of expressions that do not read the subject: literals,
 * params (their value in the text, or the caller's), placeholders given by the
 * caller, literal tables, `today`, `now`, date arithmetic and windows. The
 * differ compares thresholds with them; the synthesizer aims data at them.
 *
 * Operators are folded by their declarations (`@bylaw/dsl`'s construct
 * table) on the runtime's own values: exact decimals and the runtime's
 * calendar, so a constant here is the value the runtime computes (`1 / 3`
 * is the runtime's 0.3333333333333333, not a float rounded to 15 digits).
 */
import type * as A from '@bylaw/dsl';
import { aggregation, assertNever, binaryOperator, binaryOverload, unaryOverload, type CheckedPolicy, type EnumType, type Type } from '@bylaw/dsl';
import * as Cal from './calendar.js';

/** A constant: what an expression evaluates to when it does not depend on the subject. */
export type Value =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'date'; readonly day: number }
  | { readonly kind: 'datetime'; readonly ms: number }
  | { readonly kind: 'duration'; readonly duration: Cal.Duration }
  | { readonly kind: 'enum'; readonly type: EnumType; readonly index: number }
  | { readonly kind: 'list'; readonly items: readonly Value[] }
  | { readonly kind: 'period'; readonly window: Cal.Window }
  | { readonly kind: 'table'; readonly lookup: (key: Value) => Value | undefined };

/** Where constants are evaluated: the evaluation day, and values for params and placeholders. */
export interface Scope {
  readonly policy: CheckedPolicy;
  /** Epoch day of `today`. */
  readonly today: number;
  readonly params: Readonly<Record<string, unknown>>;
}

/** The constant value of `e`, or undefined when it depends on data (or on a placeholder without a value). */
export function constOf(e: A.Expression, s: Scope, depth = 0): Value | undefined {
  if (depth > 50) return undefined;
  const p = s.policy;
  const zone = p.timezone;
  switch (e.kind) {
    case 'NumberLiteral':
      return { kind: 'number', value: Number(e.value) };
    case 'StringLiteral':
      return { kind: 'string', value: e.value };
    case 'BoolLiteral':
      return { kind: 'bool', value: e.value };
    case 'DateLiteral':
      return { kind: 'date', day: Cal.dayFromCivil(e.year, e.month, e.day) };
    case 'DateTimeLiteral': {
      const v = dataValue(e.raw, { kind: 'datetime' }, zone);
      return v;
    }
    case 'DurationLiteral':
      return { kind: 'duration', duration: Cal.durationOf(Number(e.amount.value), e.unit) };
    case 'TodayRef':
      return { kind: 'date', day: s.today };
    case 'NowRef':
      return { kind: 'datetime', ms: Cal.startOfDay(s.today, zone) };
    case 'PeriodExpr': {
      const n = Number(e.length.amount.value);
      return { kind: 'period', window: Cal.windowOf(n, e.length.unit, e.length.natural, s.today, zone) };
    }
    case 'ListLiteral': {
      const items: Value[] = [];
      for (const x of e.elements) {
        const v = constOf(x, s, depth + 1);
        if (!v) return undefined;
        items.push(v);
      }
      return { kind: 'list', items };
    }
    case 'NameRef':
    case 'MemberAccess': {
      const r = p.names.get(e);
      if (!r) return undefined;
      switch (r.kind) {
        case 'enumMember':
          return { kind: 'enum', type: r.enum, index: r.index };
        case 'param':
        case 'placeholder': {
          const given = s.params[r.decl.name.name];
          if (given !== undefined && given !== null) return dataValue(given, r.type, zone);
          return r.kind === 'param' ? constOf(r.decl.value, s, depth + 1) : undefined;
        }
        case 'let':
          return constOf(r.decl.value, s, depth + 1);
        case 'table': {
          const decl = r.decl;
          const keyType = r.type.kind === 'table' ? r.type.key : undefined;
          return {
            kind: 'table',
            lookup: (key) => {
              const name = key.kind === 'enum' ? key.type.members[key.index] : key.kind === 'string' ? key.value : undefined;
              const row = decl.entries.find((en) => (en.key.kind === 'Identifier' ? en.key.name : en.key.value) === name);
              const expr = row?.value ?? decl.defaultValue;
              void keyType;
              return expr ? constOf(expr, s, depth + 1) : undefined;
            },
          };
        }
        default:
          return undefined;
      }
    }
    case 'IndexAccess': {
      const t = constOf(e.object, s, depth + 1);
      const k = constOf(e.index, s, depth + 1);
      if (!t || !k) return undefined;
      if (t.kind === 'table') return t.lookup(k);
      if (t.kind === 'list' && k.kind === 'number') return t.items[k.value];
      return undefined;
    }
    case 'UnaryExpr': {
      const v = constOf(e.operand, s, depth + 1);
      const t = p.types.get(e.operand);
      const overload = v && t ? unaryOverload(e.operator, t) : undefined;
      const out = p.types.get(e);
      return overload && out ? fromRuntime(overload.evaluate(toRuntime(v!)), out) : undefined;
    }
    case 'BinaryExpr':
      return foldBinary(e, s, depth);
    case 'ConditionalExpr': {
      const c = constOf(e.condition, s, depth + 1);
      if (c?.kind !== 'bool') return undefined;
      return constOf(c.value ? e.then : e.otherwise, s, depth + 1);
    }
    case 'AggregateExpr':
      return foldAggregate(e, s, depth);
    // These read the subject's data, or another policy's decision.
    case 'DuringExpr':
    case 'SatisfiesExpr':
    case 'PresenceExpr':
      return undefined;
    default:
      return assertNever(e);
  }
}

/** An aggregation of a constant list without `where` or a value (`sum([1, 2])`), as its declaration folds it. */
function foldAggregate(e: A.AggregateExpr, s: Scope, depth: number): Value | undefined {
  if (e.filter || e.projection) return undefined;
  const list = constOf(e.source, s, depth + 1);
  const sourceType = s.policy.types.get(e.source);
  const out = s.policy.types.get(e);
  if (list?.kind !== 'list' || sourceType?.kind !== 'list' || !out) return undefined;
  const fold = aggregation(e.fn).fold(sourceType.element, false);
  let state = fold.start();
  for (const item of list.items) state = fold.step(state, toRuntime(item));
  return fromRuntime(fold.finish(state, false), out);
}

/**
 * `a op b` on constants, as the operator's declaration evaluates it on the runtime's values
 * (`and` / `or` three-valued: a deciding side is enough).
 */
function foldBinary(e: A.BinaryExpr, s: Scope, depth: number): Value | undefined {
  const p = s.policy;
  const decl = binaryOperator(e.operator);
  const a = constOf(e.left, s, depth + 1);
  const b = constOf(e.right, s, depth + 1);
  if (decl.category === 'logic') {
    const decisive = decl.decisive === true;
    const truth = (v: Value | undefined) => (v?.kind === 'bool' ? v.value : undefined);
    const x = truth(a);
    const y = truth(b);
    if (x === decisive || y === decisive) return { kind: 'bool', value: decisive };
    return x === undefined || y === undefined ? undefined : { kind: 'bool', value: !decisive };
  }
  if (!a || !b) return undefined;
  const lt = p.types.get(e.left);
  const rt = p.types.get(e.right);
  const out = p.types.get(e);
  const overload = lt && rt ? binaryOverload(e.operator, lt, rt) : undefined;
  if (!overload || !out) return undefined;
  const x = toRuntime(a);
  const y = toRuntime(b);
  if (x === undefined || y === undefined) return undefined;
  return fromRuntime(overload.evaluate(x, y, p.timezone), out);
}

/** A constant as the runtime holds it (a number, an epoch day or millisecond, a member's index …); undefined for a table. */
export function toRuntime(v: Value): unknown {
  switch (v.kind) {
    case 'number':
    case 'string':
    case 'bool':
      return v.value;
    case 'date':
      return v.day;
    case 'datetime':
      return v.ms;
    case 'duration':
      return v.duration;
    case 'enum':
      return v.index;
    case 'list': {
      const items: unknown[] = [];
      for (const x of v.items) {
        const r = toRuntime(x);
        if (r === undefined) return undefined;
        items.push(r);
      }
      return items;
    }
    case 'period':
      return v.window;
    case 'table':
      return undefined;
  }
}

/** A runtime value of a type as a constant; undefined for unknown. */
export function fromRuntime(raw: unknown, t: Type): Value | undefined {
  if (raw === undefined) return undefined;
  switch (t.kind) {
    case 'number':
      return { kind: 'number', value: raw as number };
    case 'string':
      return { kind: 'string', value: raw as string };
    case 'bool':
      return { kind: 'bool', value: raw as boolean };
    case 'date':
      return { kind: 'date', day: raw as number };
    case 'datetime':
      return { kind: 'datetime', ms: raw as number };
    case 'duration':
      return { kind: 'duration', duration: raw as Cal.Duration };
    case 'enum':
      return { kind: 'enum', type: t, index: raw as number };
    case 'period':
      return { kind: 'period', window: raw as Cal.Window };
    case 'list': {
      const items: Value[] = [];
      for (const x of raw as unknown[]) {
        const v = fromRuntime(x, t.element);
        if (!v) return undefined;
        items.push(v);
      }
      return { kind: 'list', items };
    }
    case 'record':
    case 'monthly':
    case 'table':
    case 'any':
    case 'error':
      return undefined;
  }
}

/** Order of two comparable constants (numbers, dates, datetimes, durations, enum members, strings). */
export function compare(a: Value, b: Value): -1 | 0 | 1 | undefined {
  // Exact: the values are the runtime's, compared as the runtime compares them (no subtraction).
  const order = (x: number, y: number) => (x < y ? -1 : x > y ? 1 : 0) as -1 | 0 | 1;
  const sign = (x: number) => order(x, 0);
  if (a.kind === 'number' && b.kind === 'number') return order(a.value, b.value);
  if (a.kind === 'date' && b.kind === 'date') return order(a.day, b.day);
  if (a.kind === 'datetime' && b.kind === 'datetime') return order(a.ms, b.ms);
  if (a.kind === 'enum' && b.kind === 'enum' && a.type.name === b.type.name) return order(a.index, b.index);
  if (a.kind === 'duration' && b.kind === 'duration') return sign(Cal.approximateMs(a.duration) - Cal.approximateMs(b.duration));
  if (a.kind === 'string' && b.kind === 'string') return a.value === b.value ? 0 : undefined;
  // A string and an enum member are the same data when the string is the member's data value.
  if (a.kind === 'string' && b.kind === 'enum') return enumData(b.type, b.index) === a.value ? 0 : undefined;
  if (a.kind === 'enum' && b.kind === 'string') return enumData(a.type, a.index) === b.value ? 0 : undefined;
  if (a.kind === 'bool' && b.kind === 'bool') return sign(Number(a.value) - Number(b.value));
  return undefined;
}

/** Whether two constants are the same value. */
export function sameValue(a: Value, b: Value): boolean {
  if (a.kind === 'list' && b.kind === 'list') return a.items.length === b.items.length && a.items.every((x, i) => sameValue(x, b.items[i]!));
  if (a.kind === 'enum' && b.kind === 'enum') return a.type.members[a.index] === b.type.members[b.index];
  if (a.kind === 'period' && b.kind === 'period') return a.window.startDay === b.window.startDay && a.window.endDay === b.window.endDay;
  return compare(a, b) === 0;
}

/** Whether a list constant holds a value. */
export function listHas(list: Value, x: Value): boolean {
  return list.kind === 'list' && list.items.some((y) => sameValue(x, y));
}

/** A data (JSON) value of a declared type as a constant, or undefined if it does not fit. */
export function dataValue(raw: unknown, t: Type, zone: string): Value | undefined {
  switch (t.kind) {
    case 'number':
      if (typeof raw === 'number' && Number.isFinite(raw)) return { kind: 'number', value: raw };
      if (typeof raw === 'string' && /^-?\d+(\.\d+)?$/.test(raw)) return { kind: 'number', value: Number(raw) };
      return undefined;
    case 'string':
      return typeof raw === 'string' ? { kind: 'string', value: raw } : undefined;
    case 'bool':
      return typeof raw === 'boolean' ? { kind: 'bool', value: raw } : undefined;
    case 'date': {
      const d = typeof raw === 'string' && raw.length === 10 ? Cal.parseDay(raw) : undefined;
      return d === undefined ? undefined : { kind: 'date', day: d };
    }
    case 'datetime': {
      if (typeof raw !== 'string') return undefined;
      const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.exec(raw);
      if (!m) return undefined;
      const day = Cal.parseDay(m[1]!);
      if (day === undefined) return undefined;
      const local = day * 86_400_000 + Number(m[2]) * 3_600_000 + Number(m[3]) * 60_000 + Number(m[4] ?? 0) * 1000;
      const zoneText = m[5] === undefined ? zone : m[5] === 'Z' ? '+00:00' : m[5];
      const guess = local - Cal.zoneOffsetMinutes(zoneText, local) * 60_000;
      return { kind: 'datetime', ms: local - Cal.zoneOffsetMinutes(zoneText, guess) * 60_000 };
    }
    case 'enum': {
      const i = typeof raw === 'string' ? t.byDataValue.get(raw) : undefined;
      return i === undefined ? undefined : { kind: 'enum', type: t, index: i };
    }
    case 'list': {
      if (!Array.isArray(raw)) return undefined;
      const items: Value[] = [];
      for (const x of raw) {
        const v = dataValue(x, t.element, zone);
        if (!v) return undefined;
        items.push(v);
      }
      return { kind: 'list', items };
    }
    case 'table': {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
      const obj = raw as Record<string, unknown>;
      return {
        kind: 'table',
        lookup: (key) => {
          const name = key.kind === 'enum' ? enumData(key.type, key.index) : key.kind === 'string' ? key.value : undefined;
          if (name === undefined) return undefined;
          const row = Object.prototype.hasOwnProperty.call(obj, name) ? obj[name] : obj['default'];
          return row === undefined || row === null ? undefined : dataValue(row, t.value, zone);
        },
      };
    }
    default:
      return undefined;
  }
}

/** The data value of an enum member: its string if it has one, else its name. */
export function enumData(t: EnumType, index: number): string {
  const m = t.decl.members[index];
  return m?.value?.value ?? t.members[index] ?? String(index);
}

/** A constant as data (JSON), for writing into a witness subject. */
export function toData(v: Value): unknown {
  switch (v.kind) {
    case 'number':
      return v.value;
    case 'string':
      return v.value;
    case 'bool':
      return v.value;
    case 'date':
      return Cal.formatDay(v.day);
    case 'datetime':
      return Cal.formatInstant(v.ms);
    case 'enum':
      return enumData(v.type, v.index);
    case 'list':
      return v.items.map(toData);
    default:
      return undefined;
  }
}

/** A constant as a person reads it: `9,000,000`, `2024-03-01`, `L3`, `["SGS", "ITS"]`. */
export function showValue(v: Value | undefined): string {
  if (!v) return '(no value)';
  switch (v.kind) {
    case 'number':
      return formatNumber(v.value);
    case 'string':
      return JSON.stringify(v.value);
    case 'bool':
      return String(v.value);
    case 'date':
      return Cal.formatDay(v.day);
    case 'datetime':
      return Cal.formatInstant(v.ms);
    case 'duration': {
      const d = v.duration;
      const parts = [d.months && `${d.months} months`, d.days && `${d.days} days`, d.ms && `${d.ms / 3_600_000} hours`].filter(Boolean);
      return parts.join(' ') || '0 days';
    }
    case 'enum':
      return v.type.members[v.index] ?? '?';
    case 'list':
      return `[${v.items.map(showValue).join(', ')}]`;
    case 'period':
      return `${Cal.formatDay(v.window.startDay)}..${Cal.formatDay(v.window.endDay)}`;
    case 'table':
      return '(table)';
  }
}

/** `9000000` → `9,000,000`. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const [int, frac] = String(Math.abs(n) >= 1e21 ? n.toLocaleString('en-US', { useGrouping: false }) : n).split('.');
  const sign = int!.startsWith('-') ? '-' : '';
  const digits = sign ? int!.slice(1) : int!;
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac ? '.' + frac : '');
}
