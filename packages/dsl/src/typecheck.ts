/**
 * Expression types: the type rule of every expression and condition, with
 * its diagnostics (BYL2xxx). The second layer of checking one file, on top
 * of its names (names.ts).
 */
import type * as A from './ast.js';
import { Types, isAssignable, typeToString, type Type } from './types.js';
import type { ResolvedName } from './checked.js';
import { NameResolver, memberIndex } from './names.js';
import { some, suggest } from './suggest.js';
import { aggregation, binaryOperator, binaryOverload, unaryOperator, unaryOverload, type EntryDiagnostic } from './constructs/index.js';

/** The types of a file's expressions and conditions. */
export abstract class ExpressionChecker extends NameResolver {
  protected expectType(node: A.Expression, actual: Type, expected: Type, what: string) {
    if (!isAssignable(actual, expected)) {
      this.report('BYL2004', node.span, `${what} must be ${typeToString(expected)}, but this is ${typeToString(actual)}`);
    }
  }

  protected record(node: A.Expression, type: Type): Type {
    this.types.set(node, type);
    return type;
  }

  /** Type-check an expression; `expected` only guides the resolution of bare enum members. */
  checkExpr(node: A.Expression, expected?: Type): Type {
    return this.record(node, this.inferExpr(node, expected));
  }

  protected inferExpr(node: A.Expression, expected?: Type): Type {
    switch (node.kind) {
      case 'NumberLiteral':
        return Types.number;
      case 'StringLiteral':
        return Types.string;
      case 'BoolLiteral':
        return Types.bool;
      case 'DateLiteral':
        return Types.date;
      case 'DateTimeLiteral':
        return Types.datetime;
      case 'DurationLiteral':
        return Types.duration;
      case 'TodayRef':
        return Types.date;
      case 'NowRef':
        return Types.datetime;
      case 'PeriodExpr': {
        const n = Number(node.length.amount.value);
        // Windows are computed in whole milliseconds (hours) or days: beyond that the calendar cannot count.
        const most = node.length.unit === 'hour' ? MAX_WINDOW_HOURS : Number.MAX_SAFE_INTEGER;
        if (!Number.isInteger(n) || n < 1 || n > most) {
          this.report('BYL2004', node.length.amount.span, `a window is a whole number of units, from 1 to ${most}`);
        }
        if (node.length.natural && (node.length.unit === 'hour' || node.length.unit === 'day')) {
          this.report('BYL2004', node.length.span, 'natural windows are months or years', { hint: 'write last 3 natural months, or last 30 days' });
        }
        return Types.period;
      }
      case 'ListLiteral': {
        const elementExpected = expected?.kind === 'list' ? expected.element : undefined;
        let element: Type = Types.any;
        for (const e of node.elements) {
          const t = this.checkExpr(e, element.kind === 'any' ? elementExpected : element);
          if (element.kind === 'any') element = t;
          else if (!isAssignable(t, element)) {
            this.report('BYL2004', e.span, `list elements must all be ${typeToString(element)}, but this is ${typeToString(t)}`);
          }
        }
        return { kind: 'list', element };
      }
      case 'NameRef':
        return this.checkName(node, expected);
      case 'MemberAccess': {
        if (node.object.kind === 'NameRef') {
          const r = this.lookup(node.object.name);
          if (r?.kind === 'enumType') {
            this.names.set(node.object, r);
            const index = memberIndex(r.enum).get(node.member.name) ?? -1;
            if (index < 0) {
              this.report('BYL2005', node.member.span, `${node.member.name} is not a member of ${r.enum.name}`, {
                hint: suggest(node.member.name, r.enum.members) ?? `members: ${some(r.enum.members, r.enum.members.length)}`,
              });
              return Types.error;
            }
            this.names.set(node, { kind: 'enumMember', enum: r.enum, index });
            return r.enum;
          }
        }
        const objectType = this.checkExpr(node.object);
        if (objectType.kind === 'error') return Types.error;
        if (objectType.kind !== 'record') {
          this.report('BYL2003', node.member.span, `${typeToString(objectType)} has no field ${node.member.name}`, {
            hint: objectType.kind === 'list' ? 'to reach into a list, aggregate it: any(x in list: x.field …), sum(x in list: x.field)' : 'only records have fields',
          });
          return Types.error;
        }
        const field = objectType.fields.get(node.member.name);
        if (!field) {
          this.report('BYL2003', node.member.span, `${objectType.name} has no field ${node.member.name}`, {
            hint: suggest(node.member.name, () => [...objectType.fields.keys()]) ?? `fields: ${some(objectType.fields.keys(), objectType.fields.size)}`,
          });
          return Types.error;
        }
        return field.type;
      }
      case 'IndexAccess': {
        const objectType = this.checkExpr(node.object);
        if (objectType.kind === 'table') {
          const keyType = this.checkExpr(node.index, objectType.key);
          this.expectType(node.index, keyType, objectType.key, 'the key');
          return objectType.value;
        }
        if (objectType.kind === 'list') {
          const t = this.checkExpr(node.index);
          this.expectType(node.index, t, Types.number, 'a list index');
          return objectType.element;
        }
        if (objectType.kind !== 'error') {
          this.report('BYL2007', node.span, `cannot look up [ ] in ${typeToString(objectType)}`, { hint: 'tables are looked up by key, lists by position' });
        }
        this.checkExpr(node.index);
        return Types.error;
      }
      case 'UnaryExpr': {
        const decl = unaryOperator(node.operator);
        const t = this.checkExpr(node.operand);
        const onMismatch = decl.resultOnMismatch === 'bool' ? Types.bool : Types.error;
        if (t.kind === 'error') return onMismatch;
        const overload = unaryOverload(node.operator, t);
        if (overload) return overload.result(t);
        this.reportEntry(decl.mismatch(t), node.span);
        return onMismatch;
      }
      case 'BinaryExpr':
        return this.checkBinary(node);
      case 'ConditionalExpr': {
        const c = this.checkExpr(node.condition, Types.bool);
        if (c.kind !== 'bool' && c.kind !== 'error') this.report('BYL2009', node.condition.span, `if needs a condition, but this is ${typeToString(c)}`);
        const a = this.checkExpr(node.then, expected);
        const b = this.checkExpr(node.otherwise, a.kind === 'error' ? expected : a);
        if (!isAssignable(b, a) && !isAssignable(a, b)) {
          this.report('BYL2004', node.otherwise.span, `both branches of if must have the same type: ${typeToString(a)} and ${typeToString(b)}`);
          return Types.error;
        }
        return a.kind === 'any' ? b : a;
      }
      case 'AggregateExpr':
        return this.checkAggregate(node);
      case 'DuringExpr': {
        const s = this.checkExpr(node.series);
        const p = this.checkExpr(node.period);
        if (p.kind !== 'period' && p.kind !== 'error') {
          this.report('BYL2004', node.period.span, `during needs a window such as last 3 natural months, not ${typeToString(p)}`);
        }
        if (s.kind === 'monthly') return { kind: 'list', element: s.element };
        if (s.kind !== 'error') {
          this.report('BYL2007', node.series.span, `during applies to a monthly series, not ${typeToString(s)}`, {
            hint: 'declare the field as monthly number and give it as {"2023-06": …} in data',
          });
        }
        return Types.error;
      }
      case 'SatisfiesExpr': {
        const t = this.checkExpr(node.subject);
        if (t.kind !== 'record' && t.kind !== 'error') {
          this.report('BYL2004', node.subject.span, `satisfies needs a record to judge, not ${typeToString(t)}`);
        }
        this.references.add(node.policy.text);
        return Types.bool;
      }
      case 'PresenceExpr':
        this.checkExpr(node.operand);
        return Types.bool;
    }
  }

  protected checkBinary(node: A.BinaryExpr): Type {
    const op = node.operator;
    const decl = binaryOperator(op);
    if (decl.category === 'logic') {
      for (const side of [node.left, node.right]) {
        const t = this.checkExpr(side, Types.bool);
        if (t.kind !== 'bool' && t.kind !== 'error') this.report('BYL2009', side.span, `${op} joins conditions, but this is ${typeToString(t)}`);
      }
      return Types.bool;
    }
    // Check the side that is not a bare name first, so a bare enum member can take its type
    // (an element's type when the other side is the list of a membership test).
    const bareLeft = node.left.kind === 'NameRef' && this.lookup(node.left.name) === undefined;
    let left: Type;
    let right: Type;
    if (bareLeft) {
      right = this.checkExpr(node.right);
      left = this.checkExpr(node.left, decl.listSide === 'right' ? elementOf(right) : right);
    } else {
      left = this.checkExpr(node.left);
      const expectRight = decl.listSide === 'right' ? { kind: 'list' as const, element: left } : decl.listSide === 'left' && left.kind === 'list' ? left.element : left;
      right = this.checkExpr(node.right, expectRight);
    }
    const onMismatch = decl.category === 'arithmetic' ? Types.error : Types.bool;
    if (left.kind === 'error' || right.kind === 'error') return onMismatch;
    const overload = binaryOverload(op, left, right);
    if (!overload) {
      const hint = decl.hint?.(left, right);
      this.report('BYL2007', node.span, `${op} is not defined for ${typeToString(left)} and ${typeToString(right)}`, hint ? { hint } : {});
      return onMismatch;
    }
    const caution = overload.caution?.(left, right, op);
    if (caution) this.reportEntry(caution, node.span);
    return overload.result(left, right, node);
  }

  /** Report a diagnostic a construct's declaration gives. */
  protected reportEntry(d: EntryDiagnostic, span: A.Span): void {
    this.report(d.code, span, d.message, d.hint ? { hint: d.hint } : {});
  }

  protected checkAggregate(node: A.AggregateExpr): Type {
    const sourceType = this.checkExpr(node.source);
    let element: Type = Types.error;
    if (sourceType.kind === 'list' || sourceType.kind === 'monthly') element = sourceType.element;
    else if (sourceType.kind !== 'error') {
      this.report('BYL2013', node.source.span, `${node.fn} needs a list or a monthly series, not ${typeToString(sourceType)}`);
    }
    if (!node.variable && (node.filter || node.projection)) {
      this.report('BYL2013', (node.filter ?? node.projection)!.span, `name the element to use where or ':' — write ${node.fn}(x in list where …)`);
    }
    const scope = new Map<string, ResolvedName>();
    if (node.variable) {
      if (this.lookup(node.variable.name)?.kind === 'variable') {
        this.report('BYL2010', node.variable.span, `${node.variable.name} is already bound by an outer aggregation`, { hint: 'choose another name' });
      }
      scope.set(node.variable.name, { kind: 'variable', name: node.variable.name, type: element, binder: node.variable });
    }
    this.scopes.push(scope);
    try {
      if (node.filter) {
        const f = this.checkExpr(node.filter, Types.bool);
        if (f.kind !== 'bool' && f.kind !== 'error') this.report('BYL2009', node.filter.span, `where needs a condition, but this is ${typeToString(f)}`);
      }
      const value = node.projection ? this.checkExpr(node.projection) : element;
      const decl = aggregation(node.fn);
      const mismatch = decl.check(value, node.projection !== undefined);
      if (!mismatch) return decl.result(value);
      this.reportEntry(mismatch, (node.projection ?? node.source).span);
      return Types[decl.resultOnMismatch];
    } finally {
      this.scopes.pop();
    }
  }

  // --------------------------------------------------------------- criteria

  protected checkBody(body: A.CriterionBody): void {
    if (body.kind === 'Combinator') {
      if (body.mode === 'atLeast' && body.count) {
        const n = Number(body.count.value);
        if (!Number.isInteger(n) || n < 1 || n > body.items.length) {
          this.report('BYL3021', body.count.span, `at least ${body.count.raw} of ${body.items.length} item${body.items.length === 1 ? '' : 's'} can never be met or is always met`, {
            hint: `use a whole number from 1 to ${body.items.length}`,
          });
        }
      }
      if (body.items.length === 0) {
        this.report('BYL3008', body.span, `an empty ${body.mode === 'any' ? 'any of' : body.mode === 'all' ? 'all of' : 'at least'} block`, {
          hint: body.mode === 'any' ? 'an empty any of is never met' : 'add the conditions it combines',
        });
      }
      for (const item of body.items) this.checkBody(item.body);
      return;
    }
    const t = this.checkExpr(body, Types.bool);
    if (t.kind !== 'bool' && t.kind !== 'error') {
      this.report('BYL2009', body.span, `a condition must be true or false, but this is ${typeToString(t)}`, {
        hint: 'compare it with something: … >= 1000, … = true, … is present',
      });
    }
  }
}

function elementOf(t: Type): Type | undefined {
  return t.kind === 'list' ? t.element : undefined;
}


/** The largest `last N hours`: N hours in milliseconds must be a safe integer. */
const MAX_WINDOW_HOURS = Math.floor(Number.MAX_SAFE_INTEGER / 3_600_000);
