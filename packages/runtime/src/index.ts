/**
 * The Bylaw runtime: compile checked policies once, evaluate them against
 * merchant data many times, and explain every decision. It reads no file and
 * needs no Node module (it runs in browsers); `@bylaw/runtime/node` reads
 * policies from files.
 *
 * @packageDocumentation
 */
export { display, formatNumber } from './explanation.js';
export { compile, type CompiledPolicy, type CompileOptions, type EvaluateOptions, type ReferenceResolver } from './compile.js';
export { PolicyRegistry, type LoadResult, type LoadOptions, type PolicyVersion } from './registry.js';
export { defaultRuntimeLimits, type RuntimeLimits } from './limits.js';
export type { Decision, PlainDecision, DecisionStamp, DataError, ExplanationNode, ComparisonTrace, Labelled, Truth, Outcome } from './decision.js';
