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
import { assertNever, binaryOperator, isLiteral } from '@bylaw/dsl';

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
    // Forms that begin with a keyword, a sign, a bracket or a literal.
    case 'NumberLiteral':
    case 'StringLiteral':
    case 'BoolLiteral':
    case 'DateLiteral':
    case 'DateTimeLiteral':
    case 'ListLiteral':
    case 'NameRef':
    case 'TodayRef':
    case 'NowRef':
    case 'UnaryExpr':
    case 'ConditionalExpr':
    case 'AggregateExpr':
    case 'PeriodExpr':
      return undefined;
    default:
      return assertNever(node);
  }
}

/** Whether the author wrote this expression in parentheses (one pair or more). */
export function isParenthesised(node: A.Expression, text: string): boolean {
  const lead = leadingChild(node);
  if (lead) return node.span.start < lead.span.start;
  return text.charCodeAt(node.span.start) === OPEN_PAREN;
}

/** Expression kinds, for telling them from other nodes (a typed map: a new kind must be listed). */
const expressionKinds: { readonly [K in A.Expression['kind']]: true } = {
  NumberLiteral: true,
  StringLiteral: true,
  BoolLiteral: true,
  DateLiteral: true,
  DateTimeLiteral: true,
  DurationLiteral: true,
  ListLiteral: true,
  NameRef: true,
  TodayRef: true,
  NowRef: true,
  MemberAccess: true,
  IndexAccess: true,
  UnaryExpr: true,
  BinaryExpr: true,
  ConditionalExpr: true,
  AggregateExpr: true,
  PeriodExpr: true,
  DuringExpr: true,
  SatisfiesExpr: true,
  PresenceExpr: true,
};

/** Decide rule kinds (a typed map: a new kind must be listed). */
const decisionRuleKinds: { readonly [K in A.DecisionRule['kind']]: true } = {
  AdmitRule: true,
  ExcludeRule: true,
  TierRule: true,
  DefaultTierRule: true,
  OutcomeRule: true,
  OtherwiseRule: true,
  PreferRule: true,
  BenefitRule: true,
};

/** Top-level declaration kinds (a typed map: a new kind must be listed). */
const declarationKinds: { readonly [K in A.Declaration['kind']]: true } = {
  SubjectDecl: true,
  RecordTypeDecl: true,
  EnumDecl: true,
  LetDecl: true,
  ParamDecl: true,
  PlaceholderDecl: true,
  TableDecl: true,
  CriterionDecl: true,
  DecideBlock: true,
};

/** Whether a node is a line of a decide block. */
export function isDecisionRule(node: A.Node): node is A.DecisionRule {
  return Object.hasOwn(decisionRuleKinds, node.kind);
}

/** Whether a node is a top-level declaration. */
export function isDeclaration(node: A.Node): node is A.Declaration {
  return Object.hasOwn(declarationKinds, node.kind);
}

/** Whether a node is an expression (as opposed to a declaration, type, name …). */
export function isExpression(node: A.Node): node is A.Expression {
  return Object.hasOwn(expressionKinds, node.kind);
}

/** Whether `operator` chains, i.e. `a op b op c` is one flat list. */
export function isChainOperator(operator: A.BinaryOperator): boolean {
  return binaryOperator(operator).chains;
}

/**
 * Whether `left`, the left operand of `parent`, continues `parent`'s chain:
 * the same precedence level and not parenthesised.
 */
export function continuesChain(parent: A.BinaryExpr, left: A.Expression, text: string): left is A.BinaryExpr {
  return (
    left.kind === 'BinaryExpr' &&
    isChainOperator(parent.operator) &&
    binaryOperator(left.operator).precedence === binaryOperator(parent.operator).precedence &&
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

/**
 * A value that cannot break (a literal, a name, `today`, `a.b.c`): moving it to the next line
 * would make no line fit that does not fit already.
 */
export function isAtomic(node: A.Expression): boolean {
  if (isLiteral(node)) return true;
  switch (node.kind) {
    case 'NameRef':
    case 'TodayRef':
    case 'NowRef':
      return true;
    case 'MemberAccess':
      return isAtomic(node.object);
    case 'ListLiteral':
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
