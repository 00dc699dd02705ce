/**
 * Facts about the source that the AST leaves implicit: which expressions the
 * author parenthesised, and which binary expressions form one operator chain.
 *
 * The parser has no parenthesis node: `(a or b)` is the `or` expression with
 * its span widened to cover the parentheses. A node is therefore
 * parenthesised when its span starts before the structure it is made of:
 * before its leftmost child for infix and postfix forms, or on a `(` for
 * forms that begin with a keyword or a literal (none of which can begin with
 * `(` themselves).
 */
import type * as A from '@bylaw/dsl';

const OPEN_PAREN = 40;

/** The child an expression's own text begins with, for forms that begin with a child. */
function leadingChild(node: A.Expression): A.Node | undefined {
  switch (node.kind) {
    case 'BinaryExpr':
      return node.left;
    case 'MemberAccess':
    case 'IndexAccess':
      return node.object;
    case 'DuringExpr':
      return node.series;
    case 'SatisfiesExpr':
      return node.subject;
    case 'PresenceExpr':
      return node.operand;
    case 'DurationLiteral':
      return node.amount;
    default:
      return undefined;
  }
}

/** Whether the author wrote this expression in parentheses (one pair or more). */
export function isParenthesised(node: A.Expression, text: string): boolean {
  const lead = leadingChild(node);
  if (lead) return node.span.start < lead.span.start;
  return text.charCodeAt(node.span.start) === OPEN_PAREN;
}

/** Expression kinds, for telling them from other nodes. */
const expressionKinds: ReadonlySet<string> = new Set<A.Expression['kind']>([
  'NumberLiteral',
  'StringLiteral',
  'BoolLiteral',
  'DateLiteral',
  'DateTimeLiteral',
  'DurationLiteral',
  'ListLiteral',
  'NameRef',
  'TodayRef',
  'NowRef',
  'MemberAccess',
  'IndexAccess',
  'UnaryExpr',
  'BinaryExpr',
  'ConditionalExpr',
  'AggregateExpr',
  'PeriodExpr',
  'DuringExpr',
  'SatisfiesExpr',
  'PresenceExpr',
]);

/** Whether a node is an expression (as opposed to a declaration, type, name …). */
export function isExpression(node: A.Node): node is A.Expression {
  return expressionKinds.has(node.kind);
}

/**
 * Operators that chain: a left-nested run of the same precedence level
 * (`a and b and c`, `x + y - z`) prints as one list of operands.
 * Comparisons are non-associative and never chain.
 */
const chainLevel: Partial<Record<A.BinaryOperator, number>> = {
  or: 1,
  and: 2,
  '+': 7,
  '-': 7,
  '*': 8,
  '/': 8,
};

/** Whether `operator` chains, i.e. `a op b op c` is one flat list. */
export function isChainOperator(operator: A.BinaryOperator): boolean {
  return chainLevel[operator] !== undefined;
}

/**
 * Whether `left`, the left operand of `parent`, continues `parent`'s chain:
 * the same precedence level and not parenthesised.
 */
export function continuesChain(parent: A.BinaryExpr, left: A.Expression, text: string): left is A.BinaryExpr {
  return (
    left.kind === 'BinaryExpr' &&
    chainLevel[parent.operator] !== undefined &&
    chainLevel[left.operator] === chainLevel[parent.operator] &&
    !isParenthesised(left, text)
  );
}

/** The operands of the chain rooted at `root`, left to right. */
export function chainOperands(root: A.BinaryExpr, text: string): A.Expression[] {
  const rights: A.Expression[] = [];
  let node: A.BinaryExpr = root;
  for (;;) {
    rights.push(node.right);
    if (!continuesChain(node, node.left, text)) {
      rights.push(node.left);
      break;
    }
    node = node.left;
  }
  return rights.reverse();
}
