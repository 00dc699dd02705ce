/**
 * Comments: where each one attaches, and how it prints.
 *
 * Prettier attaches every comment to a node as leading, trailing or dangling
 * (`src/main/comments/attach.js`); the hooks here adjust its choices. The
 * rule behind them: a comment must print at a place where the next pass
 * attaches it to the same node, or formatting would not be stable. So:
 *
 * - an own-line comment above a row (declaration, field, enum member, table
 *   row, combinator item, decide rule) leads that row;
 * - an end-of-line comment trails the node that ends its line *in the
 *   layout*: `24 // c ⏎ hours` joins into `24 hours // c`. Two line comments
 *   never share a line (the second moves to the next line);
 * - a comment after a keyword or operator that starts what follows
 *   (`and // c`, `then // c`) leads what follows; a chain prints such
 *   comments above its operator;
 * - a comment inside a heading (`criterion x ⏎ // c ⏎ "label"`) goes above
 *   the whole line;
 * - a comment in an empty block is dangling in it, printed inside the
 *   braces; one before a table's `default:` row prints above that row.
 *
 * The printer prints comments itself ({@link printComments}) rather than
 * through Prettier, whose rule for a leading block comment depends on line
 * breaks around it that formatting changes.
 */
import { doc, util, type AstPath, type Doc, type ParserOptions } from 'prettier';
import type * as A from '@bylaw/dsl';
import { assertNever } from '@bylaw/dsl';
import { chainOperands, isAtomic, isChainOperator, isDeclaration, isDecisionRule, isExpression, isParenthesised } from './syntax.js';
import { getCommentChildNodes } from './visitor-keys.js';

const { hardline, join, literalline, lineSuffix, breakParent } = doc.builders;

/** A comment after Prettier has attached it. */
export interface AttachedComment extends A.Comment {
  leading?: boolean;
  trailing?: boolean;
  printed?: boolean;
  marker?: string;
  enclosingNode?: A.Node;
  precedingNode?: A.Node;
  followingNode?: A.Node;
}

/** Any node, with the comments Prettier attached to it. */
export type Commented<T extends A.Node = A.Node> = T & { comments?: AttachedComment[] };

/** The marker of comments that print above a table's `default:` row. */
export const DEFAULT_ROW = 'default-row';

/** Prettier's `canAttachComment`: every node except comments themselves. */
export function canAttachComment(node: A.Node): boolean {
  return typeof node === 'object' && node !== null && typeof node.kind === 'string' && node.kind !== 'Comment';
}

/** Prettier's `isBlockComment`. */
export function isBlockComment(comment: A.Comment): boolean {
  return comment.block;
}

/**
 * Prettier's `printComment`. A line comment prints as written, without
 * trailing white space. A block comment whose continuation lines all start
 * with `*` is re-indented to follow its new position; any other block
 * comment keeps its lines exactly as written.
 */
export function printComment(path: AstPath<A.Comment>): Doc {
  const comment = path.node;
  if (!comment.block) return comment.text.trimEnd();
  const lines = comment.text.split('\n');
  if (lines.length === 1) return comment.text;
  const rest = lines.slice(1);
  if (rest.every((l) => /^\s*\*/.test(l))) {
    return join(hardline, [lines[0]!.trimEnd(), ...rest.map((l) => ' ' + l.trim())]);
  }
  return join(literalline, lines);
}

/** Whether a comment is `// prettier-ignore` or `/* prettier-ignore *\/`. */
export function isIgnoreComment(comment: A.Comment): boolean {
  const body = comment.block ? comment.text.slice(2, -2) : comment.text.slice(2);
  return body.trim() === 'prettier-ignore';
}

/** Prettier's `hasPrettierIgnore`: the node has a leading `prettier-ignore` comment. */
export function hasPrettierIgnore(path: AstPath<A.Node>): boolean {
  const node = path.node as Commented | null;
  return node?.comments?.some((c) => c.leading && isIgnoreComment(c)) ?? false;
}

/**
 * Prettier's `printPrettierIgnored`: the node's source text as written. Its
 * lines after the first keep their columns (a literal line break), so the
 * text is the same on every pass.
 */
export function printPrettierIgnored(path: AstPath<A.Node>, options: ParserOptions<A.Node>): Doc {
  const { span } = path.node;
  return join(literalline, options.originalText.slice(span.start, span.end).split('\n'));
}

function commentsOf(path: AstPath<A.Node>, keep: (c: AttachedComment) => boolean): AttachedComment[] {
  return ((path.node as Commented).comments ?? []).filter(keep);
}

/**
 * A node's leading comments, each followed by a line break, or by a space for
 * a block comment that shares its line with the node. A blank line after a
 * comment is kept. (Prettier's own rule breaks after a block comment only
 * when one also precedes it, which moves comments between passes.)
 */
export function printLeadingComments(
  path: AstPath<A.Node>,
  options: ParserOptions<A.Node>,
  which: 'all' | 'ownLine' | 'inline' = 'all',
): Doc[] {
  const text = options.originalText;
  const isInline = (c: AttachedComment) => c.block && !util.hasNewline(text, c.span.end);
  const leading = commentsOf(path, (c) => Boolean(c.leading) && (which === 'all' || (which === 'inline') === isInline(c)));
  if (leading.length === 0) return [];
  const keepBlankLines = which === 'all';
  const parts: Doc[] = [];
  path.each((commentPath) => {
    const comment = commentPath.node as unknown as AttachedComment;
    if (!leading.includes(comment)) return;
    comment.printed = true;
    const printed = printComment(commentPath as unknown as AstPath<A.Comment>);
    if (comment.block && !util.hasNewline(text, comment.span.end)) {
      parts.push(printed, ' ');
      return;
    }
    parts.push(printed, hardline);
    if (keepBlankLines && util.isNextLineEmpty(text, comment.span.end)) parts.push(hardline);
  }, 'comments');
  return parts;
}

/**
 * A node's trailing comments: on their own line after the node's line when
 * they were on a line of their own; else at the end of the line (a line
 * comment also breaks the enclosing groups, so nothing is printed after it).
 */
export function printTrailingComments(path: AstPath<A.Node>, options: ParserOptions<A.Node>, keepBlankLines = true): Doc[] {
  const trailing = commentsOf(path, (c) => Boolean(c.trailing));
  if (trailing.length === 0) return [];
  const text = options.originalText;
  const parts: Doc[] = [];
  let previousSuffix = false;
  path.each((commentPath) => {
    const comment = commentPath.node as unknown as AttachedComment;
    if (!trailing.includes(comment)) return;
    comment.printed = true;
    const printed = printComment(commentPath as unknown as AstPath<A.Comment>);
    if (previousSuffix || util.hasNewline(text, comment.span.start, { backwards: true })) {
      const blank = keepBlankLines && isPreviousLineEmpty(text, comment.span.start);
      parts.push(lineSuffix([hardline, blank ? hardline : '', printed]));
      previousSuffix = true;
    } else if (comment.block) {
      parts.push(' ', printed);
    } else {
      parts.push(lineSuffix([' ', printed]), breakParent);
      previousSuffix = true;
    }
  }, 'comments');
  return parts;
}

/** Whether the line before the one holding `offset` is blank. */
function isPreviousLineEmpty(text: string, offset: number): boolean {
  let i = offset - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
  if (text[i] !== '\n') return false;
  i--;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
  return text[i] === '\n';
}

/** Whether leading or trailing comments are attached to the node (dangling ones are inside it). */
export function hasOuterComments(node: A.Node): boolean {
  return (node as Commented).comments?.some((c) => c.leading || c.trailing) ?? false;
}

/** `doc` with the node's leading and trailing comments around it. */
export function printComments(path: AstPath<A.Node>, doc: Doc, options: ParserOptions<A.Node>): Doc {
  const leading = printLeadingComments(path, options);
  const trailing = printTrailingComments(path, options);
  return leading.length || trailing.length ? [leading, doc, trailing] : doc;
}

/**
 * Prettier's `willPrintOwnComments`: the printer prints every node's
 * comments itself ({@link printComments}), except around a node Prettier
 * prints as written (`prettier-ignore`).
 */
export function willPrintOwnComments(path: AstPath<A.Node>): boolean {
  return !hasPrettierIgnore(path);
}

/**
 * Print a node's dangling comments (those with the given marker, or without
 * one), each on its own line, and mark them printed. Blank lines between
 * comments are kept (one at most).
 */
export function printDanglingComments(path: AstPath<A.Node>, options: ParserOptions<A.Node>, marker?: string): Doc[] {
  const node = path.node as Commented;
  const parts: Doc[] = [];
  const dangling = (node.comments ?? []).filter((c) => !c.leading && !c.trailing && c.marker === marker);
  if (dangling.length === 0) return parts;
  path.each((commentPath) => {
    const comment = commentPath.node as unknown as AttachedComment;
    if (!dangling.includes(comment)) return;
    comment.printed = true;
    if (parts.length > 0) {
      parts.push(hardline);
      const previous = dangling[dangling.indexOf(comment) - 1]!;
      if (util.isNextLineEmpty(options.originalText, previous.span.end)) parts.push(hardline);
    }
    parts.push(printComment(commentPath as unknown as AstPath<A.Comment>));
  }, 'comments');
  return parts;
}

/**
 * Dangling comments no printer placed (for example in `(x /* c *\/)`), printed
 * after the node on the same line. A line comment goes to the end of the line
 * so that it cannot swallow what follows.
 */
export function printRemainingDanglingComments(path: AstPath<A.Node>): Doc {
  const node = path.node as Commented;
  if (!node.comments?.some((c) => !c.leading && !c.trailing && !c.printed)) return '';
  const parts: Doc[] = [];
  let suffix = false;
  path.each((commentPath) => {
    const comment = commentPath.node as unknown as AttachedComment;
    if (comment.leading || comment.trailing || comment.printed) return;
    comment.printed = true;
    const printed = printComment(commentPath as unknown as AstPath<A.Comment>);
    // After a line comment, the next comment needs a line of its own.
    if (suffix) parts.push(lineSuffix([hardline, printed]));
    else if (comment.block) parts.push(' ', printed);
    else parts.push(lineSuffix([' ', printed]), breakParent);
    suffix ||= !comment.block;
  }, 'comments');
  return parts;
}

// ------------------------------------------------------------------ attach

/** Nodes whose children are rows, one per line, inside `{ … }`. */
type Block = A.RecordTypeDecl | A.EnumDecl | A.TableDecl | A.Combinator | A.DecideBlock;

function asBlock(node: A.Node | undefined): Block | undefined {
  switch (node?.kind) {
    case 'RecordTypeDecl':
    case 'EnumDecl':
    case 'TableDecl':
    case 'Combinator':
    case 'DecideBlock':
      return node;
    default:
      return undefined;
  }
}

/** Whether `node` is one of the rows of `block`. */
function isRowOf(block: Block, node: A.Node | undefined): boolean {
  if (!node) return false;
  switch (block.kind) {
    case 'RecordTypeDecl':
      return block.fields.includes(node as A.FieldDecl);
    case 'EnumDecl':
      return block.members.includes(node as A.EnumMember);
    case 'TableDecl':
      return block.entries.includes(node as A.TableEntry) || node === block.defaultValue;
    case 'Combinator':
      return block.items.includes(node as A.CriterionItem);
    case 'DecideBlock':
      return block.rules.includes(node as A.DecisionRule);
  }
}

/** Nodes printed on lines of their own: declarations and the rows of blocks. */
const lineLevelKinds: ReadonlySet<string> = new Set<A.Node['kind']>([
  'PolicyHeader',
  'VersionItem',
  'PublishedItem',
  'EffectiveItem',
  'SourceItem',
  'TimezoneItem',
  'NoteItem',
  'ImportDecl',
  'SubjectDecl',
  'RecordTypeDecl',
  'FieldDecl',
  'EnumDecl',
  'EnumMember',
  'LetDecl',
  'ParamDecl',
  'PlaceholderDecl',
  'TableDecl',
  'TableEntry',
  'CriterionDecl',
  'CriterionItem',
  'DecideBlock',
  'AdmitRule',
  'ExcludeRule',
  'TierRule',
  'DefaultTierRule',
  'OutcomeRule',
  'OtherwiseRule',
  'PreferRule',
  'BenefitRule',
]);

const openBraces = new WeakMap<A.Node, number>();

/** The offset of a block's `{`, skipping strings and comments in its heading. */
function openBrace(block: Block, text: string): number {
  const known = openBraces.get(block);
  if (known !== undefined) return known;
  let i = block.span.start;
  const end = block.span.end;
  while (i < end) {
    const c = text[i];
    if (c === '{') break;
    if (c === '"') {
      for (i++; i < end && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < end && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? end : close + 1;
    }
    i++;
  }
  openBraces.set(block, i);
  return i;
}

/**
 * Whether a value stays after `=` (see `printValueAfterEquals`): then no line
 * break follows `=`. (Comments are still being attached here; a value with
 * comments of its own moves below `=` when printed, which only adds a break.)
 */
function staysAfterEquals(value: A.Expression, text: string): boolean {
  if (isParenthesised(value, text)) return false;
  return value.kind === 'ListLiteral' || isAtomic(value);
}

/** The last part of a heading (`id "label" cites "clause"`). */
function headingEnd(h: A.Heading | A.CriterionItem): A.Node | undefined {
  return h.cites ?? h.label ?? h.id;
}

/**
 * Bodies that a layout puts at the start of a line whenever they do not fit
 * after their heading (`criterion x:` ⏎ body, `let x =` ⏎ value). A leading
 * comment there prints on its own line above the body.
 */
function startsLine(enclosing: A.Node, child: A.Node): boolean {
  if (isDecisionRule(enclosing)) return startsLineInRule(enclosing, child);
  if (isDeclaration(enclosing)) return startsLineInDeclaration(enclosing, child);
  return enclosing.kind === 'CriterionItem' && child === enclosing.body;
}

function startsLineInRule(rule: A.DecisionRule, child: A.Node): boolean {
  switch (rule.kind) {
    case 'AdmitRule':
      return child === rule.body && child.kind !== 'Combinator';
    case 'ExcludeRule':
    case 'TierRule':
    case 'OutcomeRule':
    case 'PreferRule':
      return child === rule.body;
    case 'DefaultTierRule':
    case 'OtherwiseRule':
    case 'BenefitRule':
      return false;
    default:
      return assertNever(rule);
  }
}

function startsLineInDeclaration(decl: A.Declaration, child: A.Node): boolean {
  switch (decl.kind) {
    case 'CriterionDecl':
      return child === decl.body;
    case 'LetDecl':
    case 'ParamDecl':
      return child === decl.value;
    case 'SubjectDecl':
    case 'RecordTypeDecl':
    case 'EnumDecl':
    case 'PlaceholderDecl':
    case 'TableDecl':
    case 'DecideBlock':
      return false;
    default:
      return assertNever(decl);
  }
}

/**
 * Whether the printed layout can break the line right after `node` (a child
 * of `parent`), possibly after a separator: after a row, a heading before
 * its body, an operand of a chain, a list element, the parts of an
 * aggregation or a conditional. A comment at the end of such a node's line
 * stays there on every pass.
 */
function endsLine(node: A.Node, parent: A.Node, text: string): boolean {
  const block = asBlock(parent);
  if (block) return isRowOf(block, node);
  if (isExpression(parent)) return endsLineInExpression(node, parent, text);
  if (isDecisionRule(parent)) return endsLineInRule(node, parent);
  if (isDeclaration(parent)) return endsLineInDeclaration(node, parent, text);
  switch (parent.kind) {
    case 'SourceFile':
      return true;
    case 'PolicyHeader':
      return parent.items.includes(node as A.HeaderItem) || (parent.items.length > 0 && node === (parent.title ?? parent.id));
    case 'CriterionItem':
      return node === headingEnd(parent);
    default:
      return false;
  }
}

/** {@link endsLine} in a decide rule: after its heading, and between the tiers a benefit is granted to. */
function endsLineInRule(node: A.Node, parent: A.DecisionRule): boolean {
  switch (parent.kind) {
    case 'ExcludeRule':
    case 'TierRule':
    case 'OutcomeRule':
    case 'PreferRule':
      return node === headingEnd(parent);
    case 'BenefitRule': {
      const i = parent.grantedTo.indexOf(node as A.Identifier);
      return (i >= 0 && i < parent.grantedTo.length - 1) || (node === headingEnd(parent) && parent.grantedTo.length > 0);
    }
    case 'AdmitRule':
    case 'DefaultTierRule':
    case 'OtherwiseRule':
      return false;
    default:
      return assertNever(parent);
  }
}

/** {@link endsLine} in a declaration: after a criterion's heading, before a value that moves below `=`. */
function endsLineInDeclaration(node: A.Node, parent: A.Declaration, text: string): boolean {
  switch (parent.kind) {
    case 'CriterionDecl':
      return node === headingEnd(parent);
    case 'LetDecl':
      return node === (parent.label ?? parent.name) && !staysAfterEquals(parent.value, text);
    case 'ParamDecl':
      return node === parent.type && !staysAfterEquals(parent.value, text);
    // Blocks (their rows) are handled before; the rest print on one line.
    case 'SubjectDecl':
    case 'RecordTypeDecl':
    case 'EnumDecl':
    case 'PlaceholderDecl':
    case 'TableDecl':
    case 'DecideBlock':
      return false;
    default:
      return assertNever(parent);
  }
}

/** {@link endsLine} inside an expression: between the operands of a chain, the elements of a list, the parts of an aggregation or a conditional. */
function endsLineInExpression(node: A.Node, parent: A.Expression, text: string): boolean {
  switch (parent.kind) {
    case 'BinaryExpr': {
      if (!isChainOperator(parent.operator)) return false;
      const operands = chainOperands(parent, text);
      const i = operands.indexOf(node as A.Expression);
      return i >= 0 && i < operands.length - 1;
    }
    case 'ListLiteral': {
      const i = parent.elements.indexOf(node as A.Expression);
      return i >= 0 && i < parent.elements.length - 1;
    }
    case 'AggregateExpr':
      return node === parent.source && Boolean(parent.filter ?? parent.projection);
    case 'ConditionalExpr':
      return node === parent.condition || node === parent.then;
    // Printed on one line.
    case 'NumberLiteral':
    case 'StringLiteral':
    case 'BoolLiteral':
    case 'DateLiteral':
    case 'DateTimeLiteral':
    case 'DurationLiteral':
    case 'NameRef':
    case 'TodayRef':
    case 'NowRef':
    case 'MemberAccess':
    case 'IndexAccess':
    case 'UnaryExpr':
    case 'PeriodExpr':
    case 'DuringExpr':
    case 'SatisfiesExpr':
    case 'PresenceExpr':
      return false;
    default:
      return assertNever(parent);
  }
}

const parentMaps = new WeakMap<A.Node, WeakMap<A.Node, A.Node>>();

/** Each node's parent, as comment attachment sees the tree (chains flattened). */
function parentsOf(ast: A.Node, text: string): WeakMap<A.Node, A.Node> {
  let parents = parentMaps.get(ast);
  if (parents) return parents;
  parents = new WeakMap();
  const stack: A.Node[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const child of getCommentChildNodes(node, { originalText: text })) {
      parents.set(child, node);
      stack.push(child);
    }
  }
  parentMaps.set(ast, parents);
  return parents;
}

/** `node`, or its nearest ancestor, after which the layout can break the line. */
function lineEndingAncestor(node: A.Node, ast: A.Node, text: string): A.Node {
  const parents = parentsOf(ast, text);
  let current = node;
  for (;;) {
    const parent = parents.get(current);
    if (!parent || endsLine(current, parent, text)) return current;
    current = parent;
  }
}

/**
 * Place an own-line comment found inside a line that the layout does not
 * break (`24 ⏎ // c ⏎ hours`) just after the line of `node`: above what
 * comes next (the next row, the body below a heading, the next operand …),
 * or after `node` when nothing follows.
 */
function placeAfterLine(comment: AttachedComment, node: A.Node, ast: A.Node, text: string): void {
  const parent = parentsOf(ast, text).get(node);
  const siblings = parent ? getCommentChildNodes(parent, { originalText: text }) : [];
  const next = siblings[siblings.indexOf(node) + 1];
  if (!parent || !next) util.addTrailingComment(node, comment);
  else if (lineLevelKinds.has(parent.kind) && !asBlock(parent) && !startsLine(parent, next)) util.addLeadingComment(parent, comment);
  else util.addLeadingComment(next, comment);
}

/** Whether code (not a comment, not the line's end) follows `offset` on its line. */
function codeFollowsOnLine(text: string, offset: number): boolean {
  let i = offset;
  while (text[i] === ' ' || text[i] === '\t') i++;
  const c = text[i];
  return c !== undefined && c !== '\n' && !(c === '/' && (text[i + 1] === '/' || text[i + 1] === '*'));
}

/** The source text between two offsets, without white space and comments. */
function tokensBetween(text: string, from: number, to: number): string {
  return text
    .slice(from, to)
    .replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '')
    .replace(/\s/g, '');
}

type Placement = 'ownLine' | 'endOfLine' | 'remaining';

function attach(comment: AttachedComment, text: string, placement: Placement, ast: A.Node): boolean {
  const { enclosingNode: enclosing, precedingNode: preceding, followingNode: following } = comment;
  const block = asBlock(enclosing);

  // Inside the braces of a block: rows, the `default:` row, or an empty block.
  if (block && comment.span.start > openBrace(block, text)) {
    if (block.kind === 'TableDecl' && following && following === block.defaultValue) {
      // Above `default:`, unless it ends the line of the row before.
      const from = preceding ? preceding.span.end : openBrace(block, text) + 1;
      if (placement === 'ownLine' || tokensBetween(text, from, comment.span.start) !== '') {
        util.addDanglingComment(block, comment, DEFAULT_ROW);
        return true;
      }
    }
    const followsRow = isRowOf(block, following);
    const precedesRow = isRowOf(block, preceding);
    if (!followsRow && !precedesRow) {
      util.addDanglingComment(block, comment, undefined);
      return true;
    }
    if (placement === 'ownLine') {
      if (followsRow) util.addLeadingComment(following!, comment);
      else util.addTrailingComment(preceding!, comment);
      return true;
    }
    if (placement === 'endOfLine' && precedesRow && !comment.block) {
      trailAtLineEnd(comment, preceding!, ast, text);
      return true;
    }
    return false;
  }
  if (!enclosing) {
    // Top level: only end-of-line comments need care (see trailAtLineEnd).
    if (placement !== 'endOfLine' || !preceding || comment.block) return false;
    trailAtLineEnd(comment, preceding, ast, text);
    return true;
  }
  if (!preceding && !following && !block && enclosing.kind !== 'ListLiteral') {
    // Inside a node with no children around the comment: `(x // c ⏎ )`.
    if (placement === 'ownLine') placeAfterLine(comment, lineEndingAncestor(enclosing, ast, text), ast, text);
    else if (!comment.block) trailAtLineEnd(comment, enclosing, ast, text);
    else return false;
    return true;
  }
  if (placement === 'remaining') return false;
  // A block comment followed by code on its line stays just before that code.
  if (comment.block && following && codeFollowsOnLine(text, comment.span.end)) return false;
  const lineLevel = lineLevelKinds.has(enclosing.kind);

  if (placement === 'ownLine') {
    if (following && (lineLevelKinds.has(following.kind) || startsLine(enclosing, following))) return false;
    // Inside a heading (`criterion x ⏎ // c ⏎ "label"`): above the whole line.
    if (lineLevel) {
      util.addLeadingComment(enclosing, comment);
      return true;
    }
    if (following) return false;
    if (preceding) {
      placeAfterLine(comment, lineEndingAncestor(preceding, ast, text), ast, text);
      return true;
    }
    return false;
  }

  // End of line.
  if (!preceding) {
    if (lineLevel) {
      util.addLeadingComment(enclosing, comment);
      return true;
    }
    return false;
  }
  const between = tokensBetween(text, preceding.span.end, comment.span.start);
  // A block comment prints where it is, without breaking the line.
  if (comment.block && between === '') return false;
  const atLineEnd =
    between === '' || between === ',' || (between === separatorAfter(preceding, enclosing) && endsLine(preceding, enclosing, text));
  if (!atLineEnd) {
    // After a keyword or an operator that starts what follows: `and // c`, `then // c`.
    if (lineLevel) util.addLeadingComment(enclosing, comment);
    else if (following) util.addLeadingComment(following, comment);
    else trailAtLineEnd(comment, preceding, ast, text);
    return true;
  }
  trailAtLineEnd(comment, preceding, ast, text);
  return true;
}

/**
 * Attach an end-of-line comment found where the layout does not end a line
 * (`24 // c ⏎ hours`) to the end of the line that holds `node`. Two line
 * comments must never meet on one line: when other comments stand between
 * it and that line's end, it goes above the row; when that line already ends
 * with a comment, it goes on the next line.
 */
function trailAtLineEnd(comment: AttachedComment, node: A.Node, ast: A.Node, text: string): void {
  const target = lineEndingAncestor(node, ast, text);
  if (hasCommentIn(text, comment.span.end, target.span.end)) {
    const parents = parentsOf(ast, text);
    let row: A.Node | undefined = node;
    while (row && !lineLevelKinds.has(row.kind)) row = parents.get(row);
    util.addLeadingComment(row ?? target, comment);
  } else if ((target as Commented).comments?.some((c) => c.trailing && !c.block)) {
    // That line already ends with a comment: this one goes on the next line.
    placeAfterLine(comment, target, ast, text);
  } else {
    util.addTrailingComment(target, comment);
  }
}

/** Whether a comment starts in `text` between two offsets (strings skipped). */
function hasCommentIn(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < to && text[i] !== '"' && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
    } else if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) return true;
  }
  return false;
}

/**
 * The token the layout prints between `node` and the line break after it
 * (see {@link endsLine}): `:` after a heading or before a projection, `=`
 * before a value.
 */
function separatorAfter(node: A.Node, parent: A.Node): string {
  if (isExpression(parent)) return separatorInExpression(node, parent);
  if (isDecisionRule(parent)) return separatorInRule(parent);
  if (isDeclaration(parent)) return separatorInDeclaration(parent);
  return parent.kind === 'CriterionItem' ? ':' : '';
}

/** {@link separatorAfter} in a decide rule: `:` after the heading of a rule with a condition. */
function separatorInRule(parent: A.DecisionRule): string {
  switch (parent.kind) {
    case 'ExcludeRule':
    case 'TierRule':
    case 'OutcomeRule':
    case 'PreferRule':
      return ':';
    case 'AdmitRule':
    case 'DefaultTierRule':
    case 'OtherwiseRule':
    case 'BenefitRule':
      return '';
    default:
      return assertNever(parent);
  }
}

/** {@link separatorAfter} in a declaration: `:` after a criterion's heading, `=` before a value. */
function separatorInDeclaration(parent: A.Declaration): string {
  switch (parent.kind) {
    case 'CriterionDecl':
      return ':';
    case 'LetDecl':
    case 'ParamDecl':
      return '=';
    case 'SubjectDecl':
    case 'RecordTypeDecl':
    case 'EnumDecl':
    case 'PlaceholderDecl':
    case 'TableDecl':
    case 'DecideBlock':
      return '';
    default:
      return assertNever(parent);
  }
}

/** {@link separatorAfter} inside an expression: `:` before an aggregation's projection. */
function separatorInExpression(node: A.Node, parent: A.Expression): string {
  switch (parent.kind) {
    case 'AggregateExpr':
      return node === parent.source && !parent.filter ? ':' : '';
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
    case 'UnaryExpr':
    case 'BinaryExpr':
    case 'ConditionalExpr':
    case 'PeriodExpr':
    case 'DuringExpr':
    case 'SatisfiesExpr':
    case 'PresenceExpr':
      return '';
    default:
      return assertNever(parent);
  }
}

/** Prettier's `handleComments`. */
export const handleComments = {
  ownLine: (comment: AttachedComment, text: string, _options: unknown, ast: A.Node): boolean =>
    attach(comment, text, 'ownLine', ast),
  endOfLine: (comment: AttachedComment, text: string, _options: unknown, ast: A.Node): boolean =>
    attach(comment, text, 'endOfLine', ast),
  remaining: (comment: AttachedComment, text: string, _options: unknown, ast: A.Node): boolean =>
    attach(comment, text, 'remaining', ast),
};
