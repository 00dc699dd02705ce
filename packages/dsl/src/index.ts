/**
 * The Bylaw policy language: parse `.policy` text into an AST, check it, and
 * report diagnostics with codes, code frames and hints. No Node module is
 * imported: it runs in browsers and workers too; files come through a
 * {@link SourceHost}.
 *
 * @example
 * ```ts
 * import { check, memoryHost, renderDiagnostic } from '@bylaw/dsl';
 *
 * const files = { 'belt/types.policy': types, 'belt/2023-09-08.policy': policy };
 * const { policies, diagnostics } = check([{ path: 'belt/2023-09-08.policy', text: policy }], { host: memoryHost(files) });
 * for (const d of diagnostics) console.log(renderDiagnostic(d, files[d.file as keyof typeof files]));
 * ```
 *
 * @module @bylaw/dsl
 */
export type * from './ast.js';
export { isLiteral, assertNever } from './ast.js';
export { parse, decimalOfNumberLiteral, type ParseResult } from './parser.js';
export { tokenize, type TokenizeResult } from './lexer.js';
export {
  diagnostic,
  diagnosticCatalog,
  renderDiagnostic,
  renderDiagnostics,
  showControls,
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
  CheckCache,
  type FileResolution,
  type CheckedPolicy,
  type CheckResult,
  type CheckOptions,
  type SourceHost,
  type SourceInput,
  type ResolvedName,
  type EffectivePeriod,
} from './checker.js';
export { memoryHost, resolveImport } from './host.js';
export {
  binaryOperators,
  unaryOperators,
  aggregations,
  binaryOperator,
  unaryOperator,
  aggregation,
  binaryOverload,
  unaryOverload,
  member,
  isScalar,
  isOrderedScalar,
  type BinaryOperatorDecl,
  type BinaryOverload,
  type BinaryWitness,
  type UnaryOperatorDecl,
  type UnaryOverload,
  type AggregationDecl,
  type AggregationWitness,
  type Fold,
  type FoldTemplate,
  type JsHelpers,
  type EntryDiagnostic,
  type SqlTemplate,
  type Monotone,
  type Aim,
} from './constructs/index.js';
export { Types, typeToString, isAssignable, type Type, type EnumType, type RecordType, type FieldType } from './types.js';
