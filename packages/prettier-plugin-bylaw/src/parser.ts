/**
 * The `bylaw` Prettier parser: the dsl parser, with syntax errors turned
 * into an exception Prettier reports with a position, and exact locations.
 */
import { parse, renderDiagnostic, LineIndex, type Diagnostic, type Node, type SourceFile } from '@bylaw/dsl';
import type { Parser } from 'prettier';

/** Prettier's name for the AST this parser produces (the key of the printer). */
export const astFormat = 'bylaw-ast';

/**
 * Thrown when a file does not parse. The message is the rendered diagnostics
 * (every error of the file, with code frames); `loc` points at the first one
 * so that Prettier reports `file: message (line:column)`; `diagnostics` keeps
 * them for callers that render them their own way.
 */
export class BylawSyntaxError extends SyntaxError {
  /** The position of the first error, 1-based (Prettier prints it and a code frame). */
  readonly loc: { readonly start: { readonly line: number; readonly column: number } };
  /**
   * The error for a file's syntax errors.
   *
   * @param diagnostics - the errors of the file, at least one
   * @param text - the source text, for positions and code frames
   */
  constructor(readonly diagnostics: readonly Diagnostic[], text: string) {
    const index = new LineIndex(text);
    super(diagnostics.map((d) => renderDiagnostic(d, index)).join('\n\n'));
    this.name = 'BylawSyntaxError';
    const first = diagnostics[0]!;
    this.loc = { start: index.position(first.span.start) };
  }
}

/** The first UTF-16 offset of a node (spans are `[start, end)`). */
export function locStart(node: Node): number {
  return node.span.start;
}

/** The offset just past a node. */
export function locEnd(node: Node): number {
  return node.span.end;
}

/**
 * Parse a `.policy` text for Prettier. Throws {@link BylawSyntaxError} when
 * the text has errors: a file that does not parse is never formatted.
 */
export function parseForPrettier(text: string, options?: { filepath?: string }): SourceFile {
  const { ast, diagnostics } = parse(text, options?.filepath ?? '<input>');
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new BylawSyntaxError(errors, text);
  // Prettier names a comment by its `value` in its own error messages.
  return { ...ast, comments: ast.comments.map((c) => ({ ...c, value: c.text })) };
}

/** The Prettier parser object. */
export const bylawParser: Parser<Node> = {
  parse: parseForPrettier,
  astFormat,
  locStart,
  locEnd,
};
