/**
 * The files the service knows: documents open in the editor (their latest text), the
 * rest read through the host, and the checks of each group of files checked together.
 * Every question the service answers starts from the analysis of a file's group: the
 * checker's result for the group (reused, through a `CheckCache`, for what did not change).
 */
import { check, CheckCache, type CheckResult, type Diagnostic, type Limits, type SourceInput } from '@bylaw/dsl';
import { buildIndex, type SymbolIndex } from './symbols.js';
import { PositionIndex } from './text.js';

/** The files checked together with a file, as `bylaw check <root>` checks a folder. */
export interface CheckGroup {
  /** What names the group (for example its folder): files with the same root share one analysis. */
  readonly root: string;
  /** The `.policy` files of the group, as paths the host reads. */
  readonly files: readonly string[];
}

/**
 * What the service needs from its platform: reading files that are not open, resolving
 * imports, and knowing which files are checked together. The language server implements it
 * over the file system; the playground over the files in its page.
 */
export interface LanguageServiceHost {
  /** The text of a file that is not open in the editor, or undefined when it cannot be read. */
  readFile(path: string): string | undefined;
  /**
   * Why a file could not be read (for example invalid UTF-8), as a diagnostic on that file, with
   * the text as far as it could be decoded (to place the diagnostic), if any.
   */
  readProblem?(path: string): { readonly diagnostic: Diagnostic; readonly text?: string } | undefined;
  /** The path an `import` names, relative to the importing file. */
  resolve(from: string, specifier: string): string;
  /** The group a file is checked in. The file itself need not be listed (an unsaved file). */
  checkGroup(path: string): CheckGroup;
}

/** Options of the language service. */
export interface LanguageServiceOptions {
  /** The checker's limits (as for `bylaw check`). */
  readonly limits?: Partial<Limits>;
}

/** The checked state of one group, valid until the next change. */
export interface Analysis {
  readonly root: string;
  readonly result: CheckResult;
  /** The symbol index, built on first use. */
  index(): SymbolIndex;
  /** The text of a file of this analysis, and its line index. */
  text(path: string): { text: string; lines: PositionIndex } | undefined;
  /** Problems reading the group's files, by path. */
  readonly readProblems: ReadonlyMap<string, { readonly diagnostic: Diagnostic; readonly text?: string }>;
  /** The path an `import` of `file` names. */
  resolveImport(file: string, specifier: string): string;
}

interface GroupState {
  readonly cache: CheckCache;
  /** For checks of variants of a file (completion), sharing the group's parses. */
  readonly probeCache: CheckCache;
  analysis: Analysis | undefined;
  generation: number;
}

/** Open documents and the analyses of their groups. */
export class Workspace {
  private readonly documents = new Map<string, string>();
  private readonly groups = new Map<string, GroupState>();
  private generation = 0;

  constructor(
    readonly host: LanguageServiceHost,
    private readonly options: LanguageServiceOptions = {},
  ) {}

  /** Open a document or give its new text. */
  setDocument(path: string, text: string): void {
    if (this.documents.get(path) === text) return;
    this.documents.set(path, text);
    this.generation++;
  }

  /** Close a document: from now on its text is read through the host. */
  closeDocument(path: string): void {
    if (this.documents.delete(path)) this.generation++;
  }

  /** Files changed outside the editor (created, deleted, saved by another program). */
  filesChanged(): void {
    this.generation++;
  }

  /** The open documents' paths. */
  openDocuments(): string[] {
    return [...this.documents.keys()];
  }

  /** The current text of a file: the open document's, else the host's. */
  read(path: string): string | undefined {
    return this.documents.get(path) ?? this.host.readFile(path);
  }

  /**
   * Check a variant of a file's text alone with its imports, resolving names even with syntax
   * errors; its imports are the same AST objects as in the file's analysis.
   */
  probe(path: string, text: string): CheckResult {
    this.analysis(path);
    const state = this.groups.get(this.host.checkGroup(path).root)!;
    return check([{ path, text }], {
      host: { readFile: (p) => this.read(p), resolve: (from, spec) => this.host.resolve(from, spec) },
      cache: state.probeCache,
      resolveBrokenFiles: true,
      ...(this.options.limits ? { limits: this.options.limits } : {}),
    });
  }

  /** The analysis of a file's group, checked again only after a change. */
  analysis(path: string): Analysis {
    const group = this.host.checkGroup(path);
    let state = this.groups.get(group.root);
    if (!state) {
      const cache = new CheckCache();
      state = { cache, probeCache: new CheckCache({ sharesParsesWith: cache }), analysis: undefined, generation: -1 };
      this.groups.set(group.root, state);
    }
    if (state.analysis && state.generation === this.generation && state.analysis.result.files.has(path)) return state.analysis;
    const inputs: SourceInput[] = [];
    const readProblems = new Map<string, { diagnostic: Diagnostic; text?: string }>();
    const seen = new Set<string>();
    for (const file of [...group.files, path]) {
      if (seen.has(file)) continue;
      seen.add(file);
      const text = this.read(file);
      if (text !== undefined) inputs.push({ path: file, text });
      else {
        const problem = this.host.readProblem?.(file);
        if (problem) readProblems.set(file, problem);
      }
    }
    const result = check(inputs, {
      host: { readFile: (p) => this.read(p), resolve: (from, spec) => this.host.resolve(from, spec) },
      cache: state.cache,
      resolveBrokenFiles: true,
      ...(this.options.limits ? { limits: this.options.limits } : {}),
    });
    state.analysis = makeAnalysis(group.root, result, readProblems, (from, spec) => this.host.resolve(from, spec));
    state.generation = this.generation;
    return state.analysis;
  }
}

function makeAnalysis(
  root: string,
  result: CheckResult,
  readProblems: ReadonlyMap<string, { readonly diagnostic: Diagnostic; readonly text?: string }>,
  resolveImport: (from: string, specifier: string) => string,
): Analysis {
  let index: SymbolIndex | undefined;
  const lines = new Map<string, PositionIndex>();
  const analysis: Analysis = {
    root,
    result,
    readProblems,
    resolveImport,
    index: () => (index ??= buildIndex(analysis)),
    text(path) {
      const file = result.files.get(path);
      if (!file) return undefined;
      let l = lines.get(path);
      if (!l) lines.set(path, (l = new PositionIndex(file.text)));
      return { text: file.text, lines: l };
    },
  };
  return analysis;
}
