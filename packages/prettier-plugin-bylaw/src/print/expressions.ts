/**
 * Printers for the parser's "expressions" section, by precedence: if/then/
 * else, operator chains (`and`, `or`, `+ -`, `* /`), comparisons, `during`,
 * unary operators, postfix access, and primaries (literals, lists,
 * aggregations, periods, names).
 *
 * Literals print as written (`raw`): `900万` stays `900万`, `9_000_000`
 * keeps its underscores. Parentheses are the author's: the printer keeps
 * each parenthesised expression in one pair (see `syntax.ts`), adds none and
 * drops none, so the AST is the same after formatting.
 */
import { doc, type AstPath, type Doc, type ParserOptions } from 'prettier';
import type * as A from '@bylaw/dsl';
import { assertNever, isLiteral } from '@bylaw/dsl';
import { hasPrettierIgnore, printDanglingComments, printLeadingComments, printTrailingComments, type Commented } from '../comments.js';
import { continuesChain, isChainOperator, isParenthesised } from '../syntax.js';
import type { Print, PrintFn } from './common.js';

const { group, indent, align, line, softline, hardline, join, fill } = doc.builders;

// ------------------------------------------------------------------ literals

export const printNumberLiteral: PrintFn<A.NumberLiteral> = (path) => path.node.raw;
export const printStringLiteral: PrintFn<A.StringLiteral> = (path) => path.node.raw;
export const printBoolLiteral: PrintFn<A.BoolLiteral> = (path) => (path.node.value ? 'true' : 'false');
export const printDateLiteral: PrintFn<A.DateLiteral> = (path) => path.node.raw;
export const printDateTimeLiteral: PrintFn<A.DateTimeLiteral> = (path) => path.node.raw;
export const printNameRef: PrintFn<A.NameRef> = (path) => path.node.name;
export const printTodayRef: PrintFn<A.TodayRef> = () => 'today';
export const printNowRef: PrintFn<A.NowRef> = () => 'now';

/**
 * The unit of a duration as written (`1 year`, `3 years`): the AST keeps only
 * the normalised unit, so the word is read back from the source; a unit not
 * found there gets the plural unless the amount is 1.
 */
function unitWord(node: A.DurationLiteral, text: string): string {
  const written = text.slice(node.amount.span.end, node.span.end).match(new RegExp(`\\b${node.unit}s?\\b`));
  if (written) return written[0];
  return node.amount.value === '1' ? node.unit : `${node.unit}s`;
}

export const printDurationLiteral: PrintFn<A.DurationLiteral> = (path, options, print) => [
  print('amount'),
  path.node.natural ? ' natural' : '',
  ' ',
  unitWord(path.node, options.originalText),
];

export const printPeriodExpr: PrintFn<A.PeriodExpr> = (_path, _options, print) => ['last ', print('length')];

/** Elements that read well packed several to a line. */
function isSimple(node: Commented<A.Expression>): boolean {
  if (isLiteral(node)) return !node.comments?.length;
  switch (node.kind) {
    case 'NameRef':
    case 'TodayRef':
    case 'NowRef':
      return !node.comments?.length;
    case 'ListLiteral':
    case 'MemberAccess':
    case 'IndexAccess':
    case 'UnaryExpr':
    case 'BinaryExpr':
    case 'ConditionalExpr':
    case 'AggregateExpr':
    case 'PeriodExpr':
    case 'DuringExpr':
    case 'SatisfiesExpr':
    case 'PresenceExpr':
      return false;
    default:
      return assertNever(node);
  }
}

/**
 * `[a, b, c]` on one line when it fits. Otherwise a list of literals and
 * names fills lines; a list of anything else puts one element per line.
 */
export const printListLiteral: PrintFn<A.ListLiteral> = (path, options, print) => {
  const { elements } = path.node;
  if (elements.length === 0) {
    const dangling = printDanglingComments(path as AstPath<A.Node>, options);
    return dangling.length ? ['[', indent([hardline, dangling]), hardline, ']'] : '[]';
  }
  const printed = path.map(() => print(), 'elements');
  if (elements.every((e) => isSimple(e as Commented<A.Expression>))) {
    const parts: Doc[] = [];
    printed.forEach((d, i) => {
      if (i > 0) parts.push(line);
      parts.push(i < printed.length - 1 ? [d, ','] : d);
    });
    return group(['[', indent([softline, fill(parts)]), softline, ']']);
  }
  return group(['[', indent([softline, join([',', line], printed)]), softline, ']']);
};

// ------------------------------------------------------------------ postfix, unary

export const printMemberAccess: PrintFn<A.MemberAccess> = (_path, _options, print) => [print('object'), '.', print('member')];

export const printIndexAccess: PrintFn<A.IndexAccess> = (_path, _options, print) => [print('object'), '[', print('index'), ']'];

export const printUnaryExpr: PrintFn<A.UnaryExpr> = (path, options, print) => {
  const { operator, operand } = path.node;
  if (operator === 'not') return ['not ', print('operand')];
  // `- -x` rather than `--x`.
  const spaced = operand.kind === 'UnaryExpr' && operand.operator === '-' && !isParenthesised(operand, options.originalText);
  return ['-', spaced ? ' ' : '', print('operand')];
};

// ------------------------------------------------------------------ infix

/**
 * A chain of operators of one precedence level: `a and b and c`, on one line
 * when it fits, else one operand per line with the operator in front:
 *
 * ```
 * brand_authorised in merchant.kinds
 * and (merchant.on_above_scale_list
 *      or merchant.specialised_list_level in [national_list, provincial_list])
 * ```
 *
 * An operand that breaks stays aligned after its operator. The chain prints
 * its operands' comments itself ({@link willPrintOwnComments}): an own-line
 * comment before an operand goes above the operator's line.
 */
function printChain(path: AstPath<A.BinaryExpr>, options: ParserOptions<A.Node>, print: Print): Doc {
  const text = options.originalText;
  const parts: Doc[] = [];
  const visit = (): void => {
    const node = path.node;
    if (continuesChain(node, node.left, text)) path.call(visit, 'left');
    else parts.push(printOperand(path, 'left', undefined, options, print));
    parts.push(printOperand(path, 'right', node.operator, options, print));
  };
  visit();
  return group(parts);
}

function printOperand(
  path: AstPath<A.BinaryExpr>,
  key: 'left' | 'right',
  operator: A.BinaryOperator | undefined,
  options: ParserOptions<A.Node>,
  print: Print,
): Doc {
  // Prettier prints the comments of an operand it prints as written (prettier-ignore).
  const own = path.call((p) => !hasPrettierIgnore(p as AstPath<A.Node>), key);
  const comments = (which: 'ownLine' | 'inline' | 'trailing'): Doc[] =>
    own
      ? path.call(
          (p) =>
            which === 'trailing'
              ? printTrailingComments(p as AstPath<A.Node>, options, false)
              : printLeadingComments(p as AstPath<A.Node>, options, which),
          key,
        )
      : [];
  const above = comments('ownLine');
  const inline = comments('inline');
  const after = comments('trailing');
  const printed = print(key);
  if (operator === undefined) return [above, inline, printed, after];
  return [line, above, operator, ' ', inline, align(operator.length + 1, printed), after];
}

/** Comparisons and other non-associative operators: `left op right`, never broken at the operator. */
export const printBinaryExpr: PrintFn<A.BinaryExpr> = (path, options, print) => {
  if (isChainOperator(path.node.operator)) return printChain(path, options, print);
  return [print('left'), ' ', path.node.operator, ' ', print('right')];
};

/**
 * Whether the node is an operand of an operator chain, whose printer prints
 * the operand's comments.
 */
export function isChainOperand(path: AstPath<A.Node>): boolean {
  const parent = path.parent as A.Node | null;
  return parent?.kind === 'BinaryExpr' && isChainOperator(parent.operator);
}

export const printDuringExpr: PrintFn<A.DuringExpr> = (_path, _options, print) => [print('series'), ' during ', print('period')];

export const printSatisfiesExpr: PrintFn<A.SatisfiesExpr> = (_path, _options, print) => [
  print('subject'),
  ' satisfies ',
  print('policy'),
];

export const printPresenceExpr: PrintFn<A.PresenceExpr> = (path, _options, print) => [
  print('operand'),
  path.node.present ? ' is present' : ' is missing',
];

// ------------------------------------------------------------------ if, aggregations

/**
 * `if c then a else b` on one line when it fits; else each clause on its own
 * line, and `else if` chains read as a list:
 *
 * ```
 * if merchant.is_brand then 2
 * else if merchant.is_factory then 3
 * else 4
 * ```
 */
export const printConditionalExpr: PrintFn<A.ConditionalExpr> = (path, options, print) => {
  const { otherwise } = path.node;
  const elseIf = otherwise.kind === 'ConditionalExpr' && !isParenthesised(otherwise, options.originalText) && !(otherwise as Commented).comments?.length;
  const parts = [
    group(['if ', align(3, print('condition')), line, 'then ', align(5, print('then'))]),
    line,
    'else ',
    elseIf ? print('otherwise') : align(5, print('otherwise')),
  ];
  // The `else if` of a chain joins its parent's group, so the whole chain breaks as one list.
  const parent = path.parent as A.Node | null;
  const isElseIf =
    parent?.kind === 'ConditionalExpr' &&
    path.key === 'otherwise' &&
    !isParenthesised(path.node, options.originalText) &&
    !(path.node as Commented).comments?.length;
  return isElseIf ? parts : group(parts);
};

/**
 * `count(m in xs where c: p)` on one line when it fits; else `where` on its
 * own line under the bound variable, and the projection after `:` on the
 * next line when it does not fit either:
 *
 * ```
 * count(m in provider.bound_merchants
 *       where any(v in m.orders during period: v > 0))
 * ```
 */
export const printAggregateExpr: PrintFn<A.AggregateExpr> = (path, _options, print) => {
  const { fn, variable, filter, projection } = path.node;
  return group([
    fn,
    '(',
    align(fn.length + 1, [
      variable ? [print('variable'), ' in '] : '',
      print('source'),
      filter ? [line, 'where ', align(6, print('filter'))] : '',
      // With a filter, the projection breaks on its own, after `where` has.
      projection ? (filter ? group([':', indent([line, print('projection')])]) : [':', indent([line, print('projection')])]) : '',
    ]),
    ')',
  ]);
};
