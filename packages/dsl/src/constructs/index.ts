/**
 * The construct table: one declaration per operator and aggregation
 * (operators.ts, aggregations.ts), read by the checker, the interpreter, the
 * code generator, explanations, the formatter and the differ. The lookups
 * here give the overload the checker chose for an expression's operand types.
 */
import type * as A from '../ast.js';
import type { Type } from '../types.js';
import { binaryOperators, unaryOperators } from './operators.js';
import { aggregations } from './aggregations.js';
import type { AggregationDecl, BinaryOperatorDecl, BinaryOverload, UnaryOperatorDecl, UnaryOverload } from './declarations.js';

export { binaryOperators, unaryOperators, member } from './operators.js';
export { aggregations } from './aggregations.js';
export type * from './declarations.js';
export { isOrderedScalar, isScalar } from './declarations.js';

/** The declaration of a binary operator. */
export function binaryOperator(op: A.BinaryOperator): BinaryOperatorDecl {
  return binaryOperators[op];
}

/** The declaration of a prefix operator. */
export function unaryOperator(op: A.UnaryOperator): UnaryOperatorDecl {
  return unaryOperators[op];
}

/** The declaration of an aggregation. */
export function aggregation(fn: A.AggregateFunction): AggregationDecl {
  return aggregations[fn];
}

/** The overload of `op` that takes operands of these types (the first that accepts them), if any. */
export function binaryOverload(op: A.BinaryOperator, left: Type, right: Type): BinaryOverload | undefined {
  for (const o of binaryOperators[op].overloads as readonly BinaryOverload[]) if (o.accepts(left, right)) return o;
  return undefined;
}

/** The overload of a prefix operator that takes an operand of this type, if any. */
export function unaryOverload(op: A.UnaryOperator, operand: Type): UnaryOverload | undefined {
  for (const o of unaryOperators[op].overloads as readonly UnaryOverload[]) if (o.accepts(operand)) return o;
  return undefined;
}
