/**
 * The language service: one object per workspace, answering an editor's questions about
 * `.policy` texts with plain data (LSP's shapes, files named by path). The language
 * server and the playground are front ends of it; it reads files only through its host.
 */
import type { Diagnostic } from '@bylaw/dsl';
import type { CompletionItem, DocumentSymbol, Hover, Position, Range, SemanticTokens, TextEdit } from 'vscode-languageserver-types';
import { complete } from './completion.js';
import { formatText, type FormatOptions } from './format.js';
import { definition, hover, prepareRename, references, rename, type PathLocation } from './navigation.js';
import { outline } from './outline.js';
import { semanticTokens } from './semantic-tokens.js';
import { PositionIndex } from './text.js';
import { Workspace, type Analysis, type LanguageServiceHost, type LanguageServiceOptions } from './workspace.js';

/** A diagnostic of the checker, placed in its file for an editor. */
export interface EditorDiagnostic {
  readonly range: Range;
  readonly severity: Diagnostic['severity'];
  /** The stable code (`BYL2001`), as in `docs/diagnostics.md`. */
  readonly code: Diagnostic['code'];
  /** The checker's message, word for word as `bylaw check` prints it. */
  readonly message: string;
  readonly hint?: string;
  /** Related places (the first declaration of a duplicate, the other version), in this or other files. */
  readonly related: readonly { readonly path: string; readonly range: Range; readonly message: string }[];
}

/**
 * Answers an editor's questions about the policy files of a workspace.
 *
 * @example
 * ```ts
 * const service = new LanguageService(host);
 * service.setDocument('/p/policies/a.policy', text);
 * service.diagnostics('/p/policies/a.policy');          // as bylaw check reports them
 * service.hover('/p/policies/a.policy', { line: 3, character: 10 });
 * ```
 */
export class LanguageService {
  private readonly workspace: Workspace;

  /** A service reading files through `host`. */
  constructor(host: LanguageServiceHost, options: LanguageServiceOptions = {}) {
    this.workspace = new Workspace(host, options);
  }

  /** Open a document, or give the new text of an open one. */
  setDocument(path: string, text: string): void {
    this.workspace.setDocument(path, text);
  }

  /** Close a document: its text is read through the host again. */
  closeDocument(path: string): void {
    this.workspace.closeDocument(path);
  }

  /** Say that files changed outside the editor (saved, created, deleted): the next answer reads them again. */
  filesChanged(): void {
    this.workspace.filesChanged();
  }

  /** The analysis of a file's group (the checker's result for the files checked with it). */
  analysis(path: string): Analysis {
    return this.workspace.analysis(path);
  }

  /** The diagnostics of a file, as `bylaw check` reports them for its group. */
  diagnostics(path: string): EditorDiagnostic[] {
    const analysis = this.workspace.analysis(path);
    // A file open in the editor is read by the editor, but if its bytes on disk are not UTF-8,
    // bylaw check says so (the editor shows replacement characters, and saving keeps them).
    const problem = analysis.readProblems.get(path) ?? this.workspace.host.readProblem?.(path);
    const own = analysis.result.diagnostics.filter((d) => d.file === path).map((d) => this.toEditor(analysis, d));
    if (!problem) return own;
    const lines = new PositionIndex(problem.text ?? '');
    return [{ ...this.toEditor(analysis, problem.diagnostic), range: lines.range(problem.diagnostic.span) }, ...own];
  }

  /**
   * The files a file imports, directly or through other imports (their diagnostics matter to it),
   * including those that could not be read (their diagnostics say why).
   */
  imports(path: string): string[] {
    // Read from the ASTs alone: this runs after every keystroke, and needs no symbol index.
    const analysis = this.workspace.analysis(path);
    const out = new Set<string>();
    const work = [path];
    while (work.length > 0) {
      const file = work.pop()!;
      for (const imp of analysis.result.files.get(file)?.ast.imports ?? []) {
        if (imp?.path?.value === undefined) continue;
        const target = analysis.resolveImport(file, imp.path.value);
        if (target === path || out.has(target)) continue;
        out.add(target);
        work.push(target);
      }
    }
    return [...out];
  }

  private toEditor(analysis: Analysis, d: Diagnostic): EditorDiagnostic {
    const rangeIn = (file: string, span: Diagnostic['span']): Range => {
      const t = analysis.text(file) ?? (this.workspace.read(file) !== undefined ? { lines: new PositionIndex(this.workspace.read(file)!) } : undefined);
      return t ? t.lines.range(span) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    };
    return {
      range: rangeIn(d.file, d.span),
      severity: d.severity,
      code: d.code,
      message: d.message,
      ...(d.hint ? { hint: d.hint } : {}),
      related: (d.related ?? []).map((r) => ({ path: r.file, range: rangeIn(r.file, r.span), message: r.message })),
    };
  }

  private at(path: string, position: Position): { analysis: Analysis; offset: number } | undefined {
    const analysis = this.workspace.analysis(path);
    const t = analysis.text(path);
    return t ? { analysis, offset: t.lines.offset(position) } : undefined;
  }

  /** Hover: a name's declaration, type, label, citation, value or order; a literal's value. */
  hover(path: string, position: Position): Hover | undefined {
    const a = this.at(path, position);
    return a ? hover(a.analysis, path, a.offset) : undefined;
  }

  /** Where the name at a position is declared. */
  definition(path: string, position: Position): PathLocation[] {
    const a = this.at(path, position);
    return a ? definition(a.analysis, path, a.offset) : [];
  }

  /** Every use of the name at a position, across the files checked together. */
  references(path: string, position: Position, includeDeclaration = true): PathLocation[] {
    const a = this.at(path, position);
    return a ? references(a.analysis, path, a.offset, includeDeclaration) : [];
  }

  /** Whether the name at a position can be renamed: its range, or why not. */
  prepareRename(path: string, position: Position): { range: Range; placeholder: string } | { error: string } {
    const a = this.at(path, position);
    return a ? prepareRename(a.analysis, path, a.offset) : { error: 'the file is not open' };
  }

  /** Rename the name at a position in every file: the edits by path, or why not (a taken name). */
  rename(path: string, position: Position, newName: string): { edits: Map<string, TextEdit[]> } | { error: string } {
    const a = this.at(path, position);
    return a ? rename(a.analysis, path, a.offset, newName) : { error: 'the file is not open' };
  }

  /** Completion at a position. */
  completion(path: string, position: Position): CompletionItem[] {
    const text = this.workspace.read(path);
    if (text === undefined) return [];
    const analysis = this.workspace.analysis(path);
    const offset = new PositionIndex(text).offset(position);
    return complete(analysis, path, text, offset, (probe) => this.workspace.probe(path, probe));
  }

  /** The outline of a file. */
  documentSymbols(path: string): DocumentSymbol[] {
    const analysis = this.workspace.analysis(path);
    const file = analysis.result.files.get(path);
    const t = analysis.text(path);
    return file && t ? outline(file.ast, t.lines) : [];
  }

  /** The semantic tokens of a file. */
  semanticTokens(path: string): SemanticTokens {
    const analysis = this.workspace.analysis(path);
    const t = analysis.text(path);
    return t ? semanticTokens(analysis.index(), path, t.lines) : { data: [] };
  }

  /** The edits that format a file through the Prettier plugin (none when it does not parse). */
  async format(path: string, options: FormatOptions = {}): Promise<TextEdit[]> {
    const text = this.workspace.read(path);
    return text === undefined ? [] : formatText(text, new PositionIndex(text), options);
  }
}
