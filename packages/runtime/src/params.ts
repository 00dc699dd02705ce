/**
 * Params and placeholders at evaluation: the caller's values checked against
 * their declared types (tables and lists once per object), defaults computed
 * where the caller gives none.
 */
import { assertNever, isLiteral, type CheckedPolicy, type Type } from '@bylaw/dsl';
import type * as A from '@bylaw/dsl';
import type { DataError } from './decision.js';
import { ConversionFailure, convertValue, describeRaw, readOwn } from './convert.js';
import type { RuntimeLimits } from './limits.js';
import { newContext, type EvalContext, type Fn } from './context.js';

interface ParamSlot {
  readonly name: string;
  readonly kind: 'param' | 'placeholder';
  readonly type: Type;
  defaultFn: Fn | undefined;
  readonly cache: WeakMap<object, { value: unknown; errors: DataError[] }>;
}

/** The params and placeholders of a policy, each in a slot of `ctx.params`. */
export class Params {
  private readonly slots: ParamSlot[] = [];
  /** The slot of each param and placeholder, by name. */
  readonly slotOf = new Map<string, number>();

  constructor(
    private readonly p: CheckedPolicy,
    private readonly limits: RuntimeLimits,
  ) {
    for (const d of [...p.params, ...p.placeholders]) {
      this.slotOf.set(d.name.name, this.slots.length);
      this.slots.push({
        name: d.name.name,
        kind: d.kind === 'ParamDecl' ? 'param' : 'placeholder',
        type: p.declaredTypes.get(d.name.name)!,
        defaultFn: undefined,
        cache: new WeakMap(),
      });
    }
  }

  /** How many there are. */
  get length(): number {
    return this.slots.length;
  }

  /** Make each param's default (from its expression, with the interpreter's closure for it). */
  compileDefaults(closure: (e: A.Expression) => Fn, sizes: { lets: number; criteria: number }): void {
    for (const pc of this.slots) {
      const decl = this.p.params.find((d) => d.name.name === pc.name);
      if (!decl) continue;
      pc.defaultFn = closure(decl.value);
      // Most defaults are literals: compute them once.
      if (isConstant(decl.value)) {
        const value = pc.defaultFn(newContext({ params: this.slots.length, ...sizes }, this.p.timezone));
        pc.defaultFn = () => value;
      }
    }
  }

  /**
   * Params are read on every evaluation (so a changed params object or a default
   * that depends on today is always current); tables and lists given as params are
   * converted once per object. Data errors go to `fail`.
   */
  read(ctx: EvalContext, given: Readonly<Record<string, unknown>> | undefined, fail: (ctx: EvalContext, path: string, message: string) => void): void {
    const zone = this.p.timezone;
    for (let i = 0; i < this.slots.length; i++) {
      const pc = this.slots[i]!;
      const raw = given === undefined || given === null || typeof given !== 'object' ? undefined : readOwn(given, pc.name);
      ctx.paramFailures[i] = 0;
      if (raw === undefined || raw === null) {
        ctx.params[i] = pc.defaultFn ? pc.defaultFn(ctx) : undefined;
        continue;
      }
      let converted: { value: unknown; errors: DataError[] } | undefined;
      if (typeof raw === 'object') {
        converted = pc.cache.get(raw);
        if (!converted) {
          const errors: DataError[] = [];
          converted = { value: convertDeep(raw, pc.type, `params.${pc.name}`, zone, errors, this.limits), errors };
          pc.cache.set(raw, converted);
        }
      } else {
        const errors: DataError[] = [];
        converted = { value: convertDeep(raw, pc.type, `params.${pc.name}`, zone, errors, this.limits), errors };
      }
      for (const e of converted.errors) fail(ctx, e.path, e.message);
      ctx.params[i] = converted.value;
      // Wrong data is not missing data: each read of a value that failed as a whole meets its error
      // again (for `is present`), as a field's read does. A table or list with some bad rows is present.
      if (converted.value === undefined && converted.errors.length > 0) ctx.paramFailures[i] = 1;
    }
  }
}

function convertDeep(raw: unknown, type: Type, path: string, zone: string, errors: DataError[], limits: RuntimeLimits): unknown {
  if (type.kind === 'table') {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      errors.push({ path, message: `expected a table (JSON object), got ${describeRaw(raw)}` });
      return undefined;
    }
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, v] of Object.entries(raw)) {
      const converted = convertDeep(v, type.value, `${path}[${JSON.stringify(k)}]`, zone, errors, limits);
      if (converted !== undefined) out[k] = converted;
    }
    return out;
  }
  if (type.kind === 'list') {
    if (!Array.isArray(raw)) {
      errors.push({ path, message: `expected a list, got ${describeRaw(raw)}` });
      return undefined;
    }
    return raw.map((v, i) => convertDeep(v, type.element, `${path}[${i}]`, zone, errors, limits));
  }
  const v = convertValue(type, zone, limits)(raw);
  if (v instanceof ConversionFailure) {
    errors.push({ path, message: v.message });
    return undefined;
  }
  return v;
}

/** Whether an expression's value is the same on every evaluation. */
function isConstant(e: A.Expression): boolean {
  if (isLiteral(e)) return true;
  switch (e.kind) {
    case 'ListLiteral':
      return e.elements.every(isConstant);
    case 'UnaryExpr':
      return isConstant(e.operand);
    // Literals are constant (above); these read data, params, the clock or other definitions.
    case 'NameRef':
    case 'TodayRef':
    case 'NowRef':
    case 'MemberAccess':
    case 'IndexAccess':
    case 'BinaryExpr':
    case 'ConditionalExpr':
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
