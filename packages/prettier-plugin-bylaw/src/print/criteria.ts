/**
 * Printers for the parser's "criteria" section: criteria, combinators and
 * their items.
 */
import { doc, type AstPath } from 'prettier';
import type * as A from '@bylaw/dsl';
import { joinRows, printBlock, printBodyAfter, printHeading, rowsOf, type PrintFn } from './common.js';

const { group } = doc.builders;

/** `criterion id "label" cites "clause": body`, the body below when it does not fit. */
export const printCriterionDecl: PrintFn<A.CriterionDecl> = (path, _options, print) =>
  printBodyAfter(['criterion ', printHeading(path, print), ':'], print);

/**
 * `all of {` items `}`: always one item per line. Items have no separator,
 * so a one-line `any of { a b }` would hide where one item ends; and a
 * reader of rules wants one criterion per line. Only an empty combinator
 * stays on one line: `all of {}`.
 */
export const printCombinator: PrintFn<A.Combinator> = (path, options, print) => {
  const { mode } = path.node;
  const head = mode === 'all' ? 'all of' : mode === 'any' ? 'any of' : ['at least ', print('count'), ' of'];
  return printBlock(head, joinRows(rowsOf(path as AstPath<A.Node>, print, 'items'), options), path as AstPath<A.Node>, options);
};

/** A named item prints like a criterion without the keyword; an unnamed one is its body. */
export const printCriterionItem: PrintFn<A.CriterionItem> = (path, _options, print) =>
  path.node.id ? printBodyAfter([printHeading(path, print), ':'], print) : group(print('body'));
