/**
 * Printers for the parser's "outcomes" section: the `decide` block and its
 * rules.
 */
import { doc, type AstPath } from 'prettier';
import type * as A from '@bylaw/dsl';
import { joinRows, printBlock, printBodyAfter, printHeading, rowsOf, type PrintFn } from './common.js';

const { group, indent, line, join, align } = doc.builders;

export const printDecideBlock: PrintFn<A.DecideBlock> = (path, options, print) =>
  printBlock('decide', joinRows(rowsOf(path as AstPath<A.Node>, print, 'rules'), options), path as AstPath<A.Node>, options);

/** `admit when body`; a combinator body stays on the line: `admit when all of {`. */
export const printAdmitRule: PrintFn<A.AdmitRule> = (path, _options, print) =>
  path.node.body.kind === 'Combinator' ? ['admit when ', print('body')] : printBodyAfter('admit when', print);

/** `keyword id "label" cites "clause": body`. */
const headedRule =
  <N extends A.ExcludeRule | A.TierRule | A.OutcomeRule | A.PreferRule>(keyword: string): PrintFn<N> =>
  (path, _options, print) =>
    printBodyAfter([keyword, ' ', printHeading(path as AstPath<A.Heading>, print), ':'], print);

export const printExcludeRule = headedRule<A.ExcludeRule>('exclude');
export const printTierRule = headedRule<A.TierRule>('tier');
export const printOutcomeRule = headedRule<A.OutcomeRule>('outcome');
export const printPreferRule = headedRule<A.PreferRule>('prefer');

export const printDefaultTierRule: PrintFn<A.DefaultTierRule> = (path, _options, print) => [
  'default tier ',
  printHeading(path, print),
];

export const printOtherwiseRule: PrintFn<A.OtherwiseRule> = (path, _options, print) => [
  'otherwise outcome ',
  printHeading(path, print),
];

/** `benefit id "label" for a, b`; the `for` list moves to the next line when it does not fit. */
export const printBenefitRule: PrintFn<A.BenefitRule> = (path, _options, print) => {
  const heading = ['benefit ', printHeading(path, print)];
  if (path.node.grantedTo.length === 0) return heading;
  const ids = path.map(() => print(), 'grantedTo');
  return group([heading, indent([line, 'for ', group(align(4, join([',', line], ids)))])]);
};
