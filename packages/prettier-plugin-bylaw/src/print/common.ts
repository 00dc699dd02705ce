/**
 * Helpers shared by the printers: the print-function types, headings,
 * bodies after a heading, and rows inside `{ … }` blocks.
 */
import { doc, type AstPath, type Doc, type ParserOptions } from 'prettier';
import type * as A from '@bylaw/dsl';
import { printDanglingComments } from '../comments.js';

const { group, indent, line, hardline } = doc.builders;

/** Prettier's recursive print callback, called with a property name (or path) of the current node. */
export type Print = (selector?: string | number | (string | number)[]) => Doc;

/** The print function of one node kind. */
export type PrintFn<N extends A.Node> = (path: AstPath<N>, options: ParserOptions<A.Node>, print: Print) => Doc;

/** `id "label" cites "clause"`, with the label and the citation when present. */
export function printHeading(path: AstPath<A.Heading | A.CriterionItem>, print: Print): Doc {
  const { label, cites } = path.node;
  return [print('id'), label ? [' ', print('label')] : '', cites ? [' cites ', print('cites')] : ''];
}

/**
 * `head body` on one line when it fits, else the body on the next line,
 * indented. A body that always breaks (a combinator) always goes below.
 *
 * ```
 * criterion x "label": a and b
 * criterion x "label":
 *   all of {
 * ```
 */
export function printBodyAfter(head: Doc, print: Print, key = 'body'): Doc {
  return group([head, indent([line, print(key)])]);
}

/** A row of a block: its print key (and index), and its node for blank-line detection. */
export interface Row {
  readonly node: A.Node;
  readonly doc: Doc;
}

/**
 * Whether a blank line follows the line on which `offset` stands, looking
 * past separators (`,`, and `<` between ordered enum members) and comments on
 * the rest of that line.
 */
export function isBlankLineAfter(text: string, offset: number, separators = ','): boolean {
  let i = offset;
  for (;;) {
    const c = text[i];
    if (c === ' ' || c === '\t' || (c !== undefined && separators.includes(c))) i++;
    else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return false;
      i = close + 2;
    } else break;
  }
  if (text[i] === '/' && text[i + 1] === '/') while (i < text.length && text[i] !== '\n') i++;
  if (text[i] !== '\n') return false;
  i++;
  while (text[i] === ' ' || text[i] === '\t') i++;
  return text[i] === '\n';
}

/** Rows one per line, keeping one blank line where the author left at least one. */
export function joinRows(rows: readonly Row[], options: ParserOptions<A.Node>): Doc[] {
  const parts: Doc[] = [];
  rows.forEach((row, i) => {
    if (i > 0) {
      parts.push(hardline);
      if (isBlankLineAfter(options.originalText, rows[i - 1]!.node.span.end)) parts.push(hardline);
    }
    parts.push(row.doc);
  });
  return parts;
}

/** The rows printed from an array property of the current node. */
export function rowsOf(path: AstPath<A.Node>, print: Print, key: string): Row[] {
  const nodes = (path.node as unknown as Record<string, readonly A.Node[]>)[key] ?? [];
  return nodes.map((node, i) => ({ node, doc: print([key, i]) }));
}

/**
 * `head {` rows `}`, one row per line, indented. An empty block prints
 * `head {}`, or with its comments inside the braces when it has any.
 */
export function printBlock(head: Doc, rows: Doc[], path: AstPath<A.Node>, options: ParserOptions<A.Node>): Doc {
  if (rows.length > 0) return [head, ' {', indent([hardline, rows]), hardline, '}'];
  const dangling = printDanglingComments(path, options);
  if (dangling.length > 0) return [head, ' {', indent([hardline, dangling]), hardline, '}'];
  return [head, ' {}'];
}

/** `" label"` when the node has a label. */
export function printLabel(path: AstPath<{ readonly label: A.StringLiteral | undefined }>, print: Print): Doc {
  return path.node.label ? [' ', print('label')] : '';
}
