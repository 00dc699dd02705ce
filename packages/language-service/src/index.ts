/**
 * The Bylaw language service: what an editor asks about `.policy` files — diagnostics
 * (the checker's, word for word), hover, go to definition, find references, rename,
 * completion, outline, semantic tokens and formatting — answered as plain data in the
 * shapes of the Language Server Protocol, with files named by path.
 *
 * It imports nothing from Node: files are read through a {@link LanguageServiceHost}. The
 * language server (`@bylaw/language-server`) wraps it for LSP clients; the playground
 * calls it in the browser. The TextMate grammar of `.policy` files is shipped beside it
 * (`@bylaw/language-service/bylaw.tmLanguage.json`).
 *
 * @packageDocumentation
 */
export { LanguageService, type EditorDiagnostic } from './service.js';
export type { LanguageServiceHost, LanguageServiceOptions, CheckGroup, Analysis } from './workspace.js';
export type { PathLocation } from './navigation.js';
export type { FormatOptions } from './format.js';
export type { SymbolIndex, Definition, DefinitionKind, Site } from './symbols.js';
export { semanticTokensLegend } from './semantic-tokens.js';
export { PositionIndex } from './text.js';
