/**
 * What a declaration of an operator or aggregation says: the shapes of the
 * entries in operators.ts and aggregations.ts.
 *
 * One entry per construct holds everything about it that is particular to
 * it — how it is written, its type rule and diagnostics, its evaluation on
 * values (three-valued, exact decimals, calendar), its generated-JavaScript
 * template, its explanation wording, how the differ orders its changes and
 * builds witnesses, and the slot a SQL back end fills. The checker,
 * interpreter, code generator, explanation builder, formatter and differ
 * read these entries; none keeps a list of its own.
 *
 * Values are the runtime's representations: numbers (exact decimals through
 * `values/decimal.ts`), strings, booleans, dates as epoch days, datetimes as
 * epoch milliseconds, durations as `{ months, days, ms }`, enum members as
 * their index, windows as `Window`, lists as arrays. Unknown is `undefined`.
 */
import type * as A from '../ast.js';
import type { Type } from '../types.js';

/** A diagnostic an entry asks the checker to report (codes from the catalog in diagnostics.ts). */
export interface EntryDiagnostic {
  readonly code: 'BYL2004' | 'BYL2007' | 'BYL2008' | 'BYL2009' | 'BYL2013';
  readonly message: string;
  readonly hint?: string;
}

/**
 * JavaScript the code generator writes for a construct on known values. `a`, `b`, `v` are
 * generated expressions or locals; `use` names a function of the value code in the generated
 * source (the generator passes it in as a constant), `temp` gives a fresh local name.
 */
export interface JsHelpers {
  /** An expression naming `fn` (a function of the value code) in the generated source. */
  use(fn: (...args: never[]) => unknown): string;
  /** A fresh local name. */
  temp(): string;
}

/**
 * A SQL template: the SQL back end fills this slot in each entry (operands are SQL
 * expressions already; the result is one SQL expression). Not used yet.
 */
export type SqlTemplate = (operands: readonly string[]) => string;

/**
 * How a result moves when an operand grows (a larger number, a later date, a wider list or
 * window, a higher member of an ordered enum): `up` with it, `down` against it, `none` when a
 * change of the operand is a different question altogether (`=`, `starts with`), `withPositive`
 * up when the other operand is a positive constant (`*`, `/`).
 */
export type Monotone = 'up' | 'down' | 'none' | 'withPositive';

// ---------------------------------------------------------------------------
// Binary operators

/**
 * How the differ builds a witness for a condition using the operator (a subject on which two
 * versions disagree), in diff/synthesize.ts:
 * - `compare`: set the quantity next to the bound: `whenTrue` to make the test hold,
 *   `whenFalse` to make it fail (and values around both versions' bounds);
 * - `member`: put a value in one list and not the other;
 * - `text`: build a string that passes (`yes`) or fails (`no`) for a given operand;
 * - `solve`: the operator in a value: solve for one operand (`left` given the right, `right`
 *   given the left), exactly, so that the expression reaches a target;
 * - `group`: `and` / `or`, made true or false item by item.
 */
export type BinaryWitness =
  | { readonly kind: 'compare'; readonly whenTrue: Aim; readonly whenFalse: Aim }
  | { readonly kind: 'member' }
  | {
      readonly kind: 'text';
      /** A string for which the test holds, given the other operand. */
      yes(operand: string): string;
      /** A string for which it fails. */
      no(operand: string): string;
    }
  | {
      readonly kind: 'solve';
      /** The left operand that gives `target` with this right operand (undefined: none). */
      left?(target: unknown, right: unknown, zone: string): unknown;
      /** The right operand that gives `target` with this left operand. */
      right?(target: unknown, left: unknown, zone: string): unknown;
    }
  | { readonly kind: 'group' };

/** Where a witness puts a quantity against a bound: on it, one step above or below, or at another value. */
export type Aim = 'at' | 'above' | 'below' | 'other';

/** One typing of a binary operator: which operand types it takes, what it gives, how it computes. */
export interface BinaryOverload {
  /** A name for messages and tests: `number + number`. */
  readonly id: string;
  /** Whether it applies to operands of these types (the checker tries the overloads in order). */
  accepts(left: Type, right: Type): boolean;
  /** The result type (`node` for rules that look at the operands, as date + hours → datetime). */
  result(left: Type, right: Type, node: A.BinaryExpr): Type;
  /** A warning or error about a use the rule allows (an unordered enum compared with `<`). */
  caution?(left: Type, right: Type, op: string): EntryDiagnostic | undefined;
  /**
   * The value on known operands; undefined is unknown (a division by zero, an overflow).
   * A `membership` overload instead tests `a` in the list `b` (or `b` in `a` when the list is
   * on the left), three-valued: an unknown element that could be the one makes it unknown.
   */
  evaluate(a: unknown, b: unknown, zone: string): unknown;
  /**
   * For `x in list`, `x not in list`, `list contains x`: which side is the list the runtime walks
   * (lazily, with limits and data checks), and whether the found / not found is turned around.
   */
  readonly membership?: { readonly list: 'left' | 'right'; readonly negate: boolean };
  /** The same on known operands as inline JavaScript; absent: generated code calls the interpreter. */
  js?(a: string, b: string, h: JsHelpers): string;
  /**
   * How far a failed comparison's left side is from passing, in words (`1,000 short`), for
   * explanations; `show` formats a number as explanations do.
   */
  shortfall?(a: unknown, b: unknown, show: (n: number) => string): string | undefined;
  /** The differ: how the operator's value moves with each operand (overrides the operator's). */
  readonly direction?: { readonly left: Monotone; readonly right: Monotone };
  /** The differ: how to build a witness (overrides the operator's). */
  readonly witness?: BinaryWitness;
  /** Filled by the SQL back end. */
  readonly sql?: SqlTemplate;
}

/**
 * A binary operator: `logic` (`and`, `or`: three-valued, stops at the deciding side),
 * `test` (a condition on two values, recorded in explanations), `arithmetic` (a value).
 */
export interface BinaryOperatorDecl {
  /** How it is written. */
  readonly spelling: string;
  /** One line for documentation and editor hovers. */
  readonly doc: string;
  readonly category: 'logic' | 'test' | 'arithmetic';
  /** Precedence, low to high: `or` 2, `and` 3, tests 5, `+ -` 7, `* /` 8 (`not` is 4, `during` 6, unary minus 9). */
  readonly precedence: number;
  /** Whether `a op b op c` is one list of operands (`and`, `+`); tests do not chain. */
  readonly chains: boolean;
  /** Whether `a op b` is `b op a` (the differ compares such operands as a set). */
  readonly commutative: boolean;
  /** The operator with its sides swapped (`<` for `>`): the differ reads `5 <= x` as `x >= 5`. */
  readonly mirror?: string;
  /** For `logic`: the value of one side that decides without the other (`false` for `and`). */
  readonly decisive?: boolean;
  /**
   * For membership tests, the side that may be a list of elements the other side is looked up
   * in: a bare enum member on the other side takes the elements' type.
   */
  readonly listSide?: 'left' | 'right';
  /** Whether the right side is evaluated when the left is unknown (for its data errors): membership does. */
  readonly readsRightWhenLeftUnknown?: boolean;
  /** The type rule: overloads tried in order (empty for `logic`, whose sides are conditions). */
  readonly overloads: readonly BinaryOverload[];
  /** The hint when no overload takes the operands. */
  hint?(left: Type, right: Type): string | undefined;
  /** The differ: how the value moves with each operand. */
  readonly direction: { readonly left: Monotone; readonly right: Monotone };
  /** The differ: how to build a witness. */
  readonly witness: BinaryWitness;
  /** Filled by the SQL back end. */
  readonly sql?: SqlTemplate;
}

// ---------------------------------------------------------------------------
// Unary operators

/** One typing of a unary operator. */
export interface UnaryOverload {
  /** A name for messages and tests: `- number`. */
  readonly id: string;
  /** Whether it applies to an operand of this type. */
  accepts(operand: Type): boolean;
  /** The result type. */
  result(operand: Type): Type;
  /** The value on a known operand. */
  evaluate(a: unknown): unknown;
  /** Inline JavaScript on a known operand; absent: generated code calls the interpreter. */
  js?(a: string, h: JsHelpers): string;
  /** The differ's witness: the operand that gives `target`. */
  solve?(target: unknown): unknown;
  readonly sql?: SqlTemplate;
}

/** A prefix operator: `not` (three-valued: not unknown is unknown) and `-`. */
export interface UnaryOperatorDecl {
  readonly spelling: string;
  readonly doc: string;
  readonly precedence: number;
  readonly overloads: readonly UnaryOverload[];
  /** The diagnostic when no overload takes the operand. */
  mismatch(operand: Type): EntryDiagnostic;
  /** The result type when the operand does not fit (after the diagnostic). */
  readonly resultOnMismatch: 'bool' | 'error';
  /** The differ: how the value moves when the operand grows. */
  readonly direction: Monotone;
  readonly sql?: SqlTemplate;
}

// ---------------------------------------------------------------------------
// Aggregations

/**
 * An aggregation's evaluation on the values of the elements it keeps (after `where`), in
 * order: `start`, then `step` for each value (undefined when unknown), then `finish`, whose
 * undefined is unknown. State is whatever the fold keeps; a fold made per use, for the value
 * type and whether a projection is written.
 */
export interface Fold<S = unknown> {
  /** The state before the first element. */
  start(): S;
  /** One kept element's value: known, or also unknown when {@link stepsUnknown}. */
  step(state: S, value: unknown): S;
  /** Whether unknown values are stepped too (`count` without a condition counts elements, known or not). */
  readonly stepsUnknown?: boolean;
  /** `unknown`: some element was left out because its `where` was unknown. */
  finish(state: S, unknown: boolean): unknown;
  /**
   * Why the result is unknown although every element was known (an average of no values),
   * named in explanations and in the decision's unknowns; undefined otherwise.
   */
  cause?(state: S): string | undefined;
}

/**
 * The generated loop's part of an aggregation: its accumulators and their starting values,
 * the statements for one element's value `v` (undefined when unknown), and the result.
 * `s` names the accumulators and `unknown` (set when an element is unknown).
 */
export interface FoldTemplate {
  /** Whether the loop is generated for values of this type (else the interpreter computes it). */
  accepts(value: Type): boolean;
  /** The accumulators: name → JavaScript of the starting value. */
  readonly state: Readonly<Record<string, string>>;
  /** The statements for one kept element's value `v` (`projected`: a projection is written). */
  step(v: string, s: Readonly<Record<string, string>>, h: JsHelpers, projected: boolean): string[];
  /** The result, an expression on the accumulators. */
  result(s: Readonly<Record<string, string>>): string;
}

/**
 * How the differ builds elements so that an aggregation reaches a value: `count` (as many
 * elements as the count), `one` (one element with the value; other months of a series zero
 * when `restZero`), `truth` (any / all: one element, or every element, with a condition's truth).
 */
export type AggregationWitness = { readonly kind: 'count' } | { readonly kind: 'one'; readonly restZero: boolean } | { readonly kind: 'truth' };

/** An aggregation `name(x in list where condition: value)`. */
export interface AggregationDecl {
  readonly name: string;
  readonly doc: string;
  /**
   * The type rule on the value each kept element gives (the projection, else the element):
   * the diagnostic when it does not fit, undefined when it does. `projected` says whether a
   * projection is written.
   */
  check(value: Type, projected: boolean): EntryDiagnostic | undefined;
  /** The result type (given a value type that fits). */
  result(value: Type): Type;
  /** The result type after a diagnostic from {@link check}. */
  readonly resultOnMismatch: 'number' | 'bool' | 'error';
  /** The evaluation, made per use for the value type and whether a projection is written. */
  fold(value: Type, projected: boolean): Fold<any>;
  /** The generated loop; absent: generated code calls the interpreter. */
  readonly js?: FoldTemplate;
  /**
   * The differ: how the result moves with more elements (a wider list, a looser `where`) and
   * with larger values.
   */
  readonly direction: { readonly elements: Monotone; readonly value: Monotone };
  /**
   * The differ's words for a change of the elements (`{more}` is more, fewer or other) and of
   * the values, as in "counts fewer elements".
   */
  readonly changes: { readonly elements: string; readonly value: string };
  /** The differ: how to build elements that give a value. */
  readonly witness: AggregationWitness;
  readonly sql?: SqlTemplate;
}

/** Whether a type is ordered for `<`-style comparisons on plain values (numbers, dates, datetimes, members). */
export function isOrderedScalar(t: Type): boolean {
  return t.kind === 'number' || t.kind === 'date' || t.kind === 'datetime' || t.kind === 'enum';
}

/** Whether values of a type are compared with `===` (no lists, durations or records). */
export function isScalar(t: Type): boolean {
  return isOrderedScalar(t) || t.kind === 'bool' || t.kind === 'string';
}
