/**
 * The semantic differ of Bylaw policies: what changed in meaning between two
 * versions of a policy, in which direction, a concrete subject that shows each
 * change, and how many subjects of a data set flip.
 *
 * @example
 * ```ts
 * import { diffPolicies, findWitnesses, renderText } from '@bylaw/diff';
 *
 * const diff = diffPolicies(oldChecked, newChecked, { asOf: '2024-03-01' });
 * findWitnesses(diff, oldChecked, newChecked);
 * process.stdout.write(renderText(diff));
 * ```
 *
 * @module @bylaw/diff
 */
export { diffPolicies, type DiffOptions } from './diff.js';
export { findWitnesses, compilePair, summarizeDecision, OUT_OF_REACH, type WitnessOptions, type PolicyPair, type Resolvers } from './witness.js';
export { flipReport, outcomeLabel, type FlipOptions } from './flips.js';
export { renderText, renderMarkdown, renderJson, summaryLine, compactJson, type TextOptions } from './render.js';
export { defaultDiffLimits, type DiffLimits } from './limits.js';
export type * from './model.js';
