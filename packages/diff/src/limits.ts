/**
 * Bounds of the differ: named, with frozen defaults, overridable by callers.
 */

/** Limits that keep the witness search and the flip report bounded. */
export interface DiffLimits {
  /** Candidate subjects evaluated (under both versions) per change before giving up. */
  readonly maxWitnessEvaluations: number;
  /** The longest list the synthesizer builds (e.g. 1,200 bound merchants for a count threshold). */
  readonly maxWitnessListLength: number;
  /** Example subject ids kept per transition in the flip report. */
  readonly maxFlipExamples: number;
  /** Flipped records explained (to name the responsible criteria); later flips are only counted. */
  readonly maxExplainedFlips: number;
  /** Malformed line numbers kept for the report. */
  readonly maxMalformedExamples: number;
}

/** The default limits. */
export const defaultDiffLimits: DiffLimits = Object.freeze({
  maxWitnessEvaluations: 600,
  maxWitnessListLength: 5_000,
  maxFlipExamples: 5,
  maxExplainedFlips: 10_000,
  maxMalformedExamples: 5,
});
