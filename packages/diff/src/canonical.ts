/**
 * Expressions as the differ compares and shows them.
 *
 * `canonical` gives a key that ignores everything that cannot change a
 * decision: spans, whitespace, comments, how a number is written (`900万` =
 * `9_000_000`), the order of `and` / `or` operands and of `in` lists, the side
 * a constant is written on (`5 <= x` = `x >= 5`), and labels. Two bodies with
 * the same key decide the same way (given the same definitions).
 *
 * `printExpr` / `printBody` rebuild readable text from the AST (literals as
 * written), so the differ never slices a source text, which would be the
 * wrong file for definitions that come from an imported library.
 */
import type * as A from '@bylaw/dsl';
import { assertNever, binaryOperator, isLiteral, unaryOperator, type CheckedPolicy } from '@bylaw/dsl';

/** Whether an expression is a literal-like constant (no data, no today). */
export function isConstantShape(e: A.Expression, p: CheckedPolicy): boolean {
  if (isLiteral(e)) return true;
  switch (e.kind) {
    case 'ListLiteral':
      return e.elements.every((x) => isConstantShape(x, p));
    case 'UnaryExpr':
      return e.operator === '-' && isConstantShape(e.operand, p);
    case 'NameRef': {
      const r = p.names.get(e);
      return r?.kind === 'param' || r?.kind === 'placeholder' || r?.kind === 'enumMember';
    }
    case 'MemberAccess':
      return p.names.get(e)?.kind === 'enumMember';
    // Literals are constant (above); these read data, the clock or other definitions.
    case 'TodayRef':
    case 'NowRef':
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

/** A comparison with a constant on the left, turned around (`5 <= x` → `x >= 5`). */
export function oriented(e: A.BinaryExpr, p: CheckedPolicy): { left: A.Expression; op: A.BinaryOperator; right: A.Expression } {
  const flipped = binaryOperator(e.operator).mirror as A.BinaryOperator | undefined;
  if (flipped && isConstantShape(e.left, p) && !isConstantShape(e.right, p)) return { left: e.right, op: flipped, right: e.left };
  return { left: e.left, op: e.operator, right: e.right };
}

/** Flatten an `and` (or `or`) chain into its operands. */
export function flatten(e: A.Expression, op: 'and' | 'or'): A.Expression[] {
  if (e.kind === 'BinaryExpr' && e.operator === op) return [...flatten(e.left, op), ...flatten(e.right, op)];
  return [e];
}

/** The canonical key of an expression. */
export function canonical(e: A.Expression, p: CheckedPolicy): string {
  switch (e.kind) {
    case 'NumberLiteral':
      return `n:${normalNumber(e.value)}`;
    case 'StringLiteral':
      return `s:${JSON.stringify(e.value)}`;
    case 'BoolLiteral':
      return `b:${e.value}`;
    case 'DateLiteral':
      return `d:${e.raw}`;
    case 'DateTimeLiteral':
      return `t:${e.raw}`;
    case 'DurationLiteral':
      return `dur:${normalNumber(e.amount.value)}:${e.unit}${e.natural ? ':natural' : ''}`;
    case 'ListLiteral':
      return `[${e.elements.map((x) => canonical(x, p)).join(',')}]`;
    case 'NameRef': {
      const r = p.names.get(e);
      if (r?.kind === 'enumMember') return `enum:${r.enum.name}.${r.enum.members[r.index]}`;
      return `name:${e.name}`;
    }
    case 'TodayRef':
      return 'today';
    case 'NowRef':
      return 'now';
    case 'MemberAccess': {
      const r = p.names.get(e);
      if (r?.kind === 'enumMember') return `enum:${r.enum.name}.${r.enum.members[r.index]}`;
      return `${canonical(e.object, p)}.${e.member.name}`;
    }
    case 'IndexAccess':
      return `${canonical(e.object, p)}[${canonical(e.index, p)}]`;
    case 'UnaryExpr':
      return `(${e.operator} ${canonical(e.operand, p)})`;
    case 'BinaryExpr': {
      if (e.operator === 'and' || e.operator === 'or') {
        const parts = flatten(e, e.operator).map((x) => canonical(x, p)).sort();
        return `(${e.operator} ${parts.join(' ')})`;
      }
      const o = oriented(e, p);
      const decl = binaryOperator(o.op);
      // A literal list looked up in is a set: its order does not matter.
      const setLike = (x: A.Expression) => (x.kind === 'ListLiteral' ? `{${x.elements.map((y) => canonical(y, p)).sort().join(',')}}` : canonical(x, p));
      if (decl.listSide === 'right') return `(${o.op} ${canonical(o.left, p)} ${setLike(o.right)})`;
      if (decl.listSide === 'left') return `(${o.op} ${setLike(o.left)} ${canonical(o.right, p)})`;
      if (decl.commutative) {
        const [a, b] = [canonical(o.left, p), canonical(o.right, p)].sort();
        return `(${o.op} ${a} ${b})`;
      }
      return `(${o.op} ${canonical(o.left, p)} ${canonical(o.right, p)})`;
    }
    case 'ConditionalExpr':
      return `(if ${canonical(e.condition, p)} ${canonical(e.then, p)} ${canonical(e.otherwise, p)})`;
    case 'AggregateExpr':
      return `(${e.fn} ${e.variable?.name ?? '_'} ${canonical(e.source, p)} ${e.filter ? canonical(e.filter, p) : '_'} ${e.projection ? canonical(e.projection, p) : '_'})`;
    case 'PeriodExpr':
      return `(last ${canonical(e.length, p)})`;
    case 'DuringExpr':
      return `(during ${canonical(e.series, p)} ${canonical(e.period, p)})`;
    case 'SatisfiesExpr':
      return `(satisfies ${canonical(e.subject, p)} ${e.policy.text})`;
    case 'PresenceExpr':
      return `(${e.present ? 'present' : 'missing'} ${canonical(e.operand, p)})`;
  }
}

/** The canonical key of a criterion body: combinator items as a set (ids kept, labels dropped). */
export function canonicalBody(b: A.CriterionBody, p: CheckedPolicy): string {
  if (b.kind !== 'Combinator') return canonical(b, p);
  const items = b.items.map((i) => `${i.id?.name ?? ''}=${canonicalBody(i.body, p)}`).sort();
  return `(${b.mode}${b.count ? ' ' + normalNumber(b.count.value) : ''} ${items.join(' ')})`;
}

function normalNumber(v: string): string {
  if (!/[.eE]/.test(v)) return v.replace(/^(-?)0+(?=\d)/, '$1');
  const n = Number(v);
  return Number.isFinite(n) ? String(n) : v;
}

// ---------------------------------------------------------------------------
// Printing

function precedence(e: A.Expression): number {
  switch (e.kind) {
    case 'ConditionalExpr':
      return 1;
    case 'BinaryExpr':
      return binaryOperator(e.operator).precedence;
    case 'UnaryExpr':
      return unaryOperator(e.operator).precedence;
    case 'SatisfiesExpr':
    case 'PresenceExpr':
      return 5;
    case 'DuringExpr':
      return 6;
    case 'NumberLiteral':
    case 'StringLiteral':
    case 'BoolLiteral':
    case 'DateLiteral':
    case 'DateTimeLiteral':
    case 'DurationLiteral':
    case 'ListLiteral':
    case 'NameRef':
    case 'TodayRef':
    case 'NowRef':
    case 'MemberAccess':
    case 'IndexAccess':
    case 'AggregateExpr':
    case 'PeriodExpr':
      return 11;
    default:
      return assertNever(e);
  }
}

/** An expression as text, literals as written, with only the parentheses it needs. */
export function printExpr(e: A.Expression): string {
  const wrap = (x: A.Expression, min: number) => (precedence(x) < min ? `(${printExpr(x)})` : printExpr(x));
  switch (e.kind) {
    case 'NumberLiteral':
    case 'StringLiteral':
    case 'DateLiteral':
    case 'DateTimeLiteral':
      return e.raw;
    case 'BoolLiteral':
      return String(e.value);
    case 'DurationLiteral': {
      const n = e.amount.raw;
      const plural = e.amount.value !== '1';
      return `${n} ${e.natural ? 'natural ' : ''}${e.unit}${plural ? 's' : ''}`;
    }
    case 'ListLiteral':
      return `[${e.elements.map(printExpr).join(', ')}]`;
    case 'NameRef':
      return e.name;
    case 'TodayRef':
      return 'today';
    case 'NowRef':
      return 'now';
    case 'MemberAccess':
      return `${wrap(e.object, 10)}.${e.member.name}`;
    case 'IndexAccess':
      return `${wrap(e.object, 10)}[${printExpr(e.index)}]`;
    case 'UnaryExpr':
      return e.operator === 'not' ? `not ${wrap(e.operand, 4)}` : `-${wrap(e.operand, 9)}`;
    case 'BinaryExpr': {
      const decl = binaryOperator(e.operator);
      const p = decl.precedence;
      // Tests do not associate: both sides need a higher level.
      const leftMin = decl.chains ? p : p + 1;
      return `${wrap(e.left, leftMin)} ${e.operator} ${wrap(e.right, p + 1)}`;
    }
    case 'ConditionalExpr':
      return `if ${printExpr(e.condition)} then ${printExpr(e.then)} else ${wrap(e.otherwise, 1)}`;
    case 'AggregateExpr': {
      let inner = e.variable ? `${e.variable.name} in ${printExpr(e.source)}` : printExpr(e.source);
      if (e.filter) inner += ` where ${printExpr(e.filter)}`;
      if (e.projection) inner += `: ${printExpr(e.projection)}`;
      return `${e.fn}(${inner})`;
    }
    case 'PeriodExpr':
      return `last ${printExpr(e.length)}`;
    case 'DuringExpr':
      return `${wrap(e.series, 7)} during ${wrap(e.period, 7)}`;
    case 'SatisfiesExpr':
      return `${wrap(e.subject, 6)} satisfies ${e.policy.text}`;
    case 'PresenceExpr':
      return `${wrap(e.operand, 6)} is ${e.present ? 'present' : 'missing'}`;
  }
}

/** A criterion body as one line: combinators with their items' ids and bodies. */
export function printBody(b: A.CriterionBody): string {
  if (b.kind !== 'Combinator') return printExpr(b);
  const head = b.mode === 'all' ? 'all of' : b.mode === 'any' ? 'any of' : `at least ${b.count?.raw ?? '?'} of`;
  return `${head} { ${b.items.map((i) => `${i.id ? `${i.id.name}: ` : ''}${printBody(i.body)}`).join('; ')} }`;
}
