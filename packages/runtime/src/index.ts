/**
 * The Bylaw runtime: compile checked policies once, evaluate them against
 * merchant data many times, and explain every decision. It reads no file and
 * needs no Node module (it runs in browsers); `@bylaw/runtime/node` reads
 * policies from files.
 *
 * @example
 * ```ts
 * import { PolicyRegistry } from '@bylaw/runtime';
 *
 * // Imports are resolved among the texts given.
 * const { registry, diagnostics } = PolicyRegistry.fromSources([
 *   { path: 'belt/types.policy', text: types },
 *   { path: 'belt/2023-09-08.policy', text: policy },
 * ]);
 * const decision = registry!.evaluate('douyin.belt_provider', provider, { asOf: '2023-10-08', explain: true });
 * decision.outcome; // 'admitted' | 'rejected' | 'undetermined' | 'not_in_force' | a custom outcome
 * ```
 *
 * @module @bylaw/runtime
 */
export { display, formatNumber } from './explanation.js';
export { compile, type CompiledPolicy, type CompileOptions, type EvaluateOptions, type ReferenceResolver } from './compile.js';
export { PolicyRegistry, type LoadResult, type LoadOptions, type PolicyVersion } from './registry.js';
export { defaultRuntimeLimits, type RuntimeLimits } from './limits.js';
export { subjectId } from './convert.js';
export type { Decision, PlainDecision, DecisionStamp, DataError, ExplanationNode, ComparisonTrace, Labelled, Truth, Outcome } from './decision.js';
