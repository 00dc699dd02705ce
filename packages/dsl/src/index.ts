/**
 * The Bylaw policy language: parse `.policy` text into an AST, check it, and
 * report diagnostics.
 *
 * @packageDocumentation
 */
export type * from './ast.js';
export { isLiteral } from './ast.js';
export { parse, decimalOfNumberLiteral, type ParseResult } from './parser.js';
export { tokenize, type TokenizeResult } from './lexer.js';
export {
  diagnostic,
  diagnosticCatalog,
  renderDiagnostic,
  sortDiagnostics,
  displayWidth,
  LineIndex,
  type Diagnostic,
  type DiagnosticCode,
  type Severity,
  type RelatedInformation,
  type RenderOptions,
} from './diagnostics.js';
export { defaultLimits, type Limits } from './limits.js';
export { satisfiesNodes } from './versions.js';
export { suggest } from './suggest.js';
export { isValidZone } from './zones.js';
export {
  check,
  type CheckedPolicy,
  type CheckResult,
  type CheckOptions,
  type SourceHost,
  type SourceInput,
  type ResolvedName,
  type EffectivePeriod,
} from './checker.js';
export { memoryHost, resolveImport } from './host.js';
export { Types, typeToString, isAssignable, type Type, type EnumType, type RecordType, type FieldType } from './types.js';
