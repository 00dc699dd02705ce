/**
 * Bounds of the differ: named, with frozen defaults, overridable by callers.
 */

/** Limits that keep the witness search and the flip report bounded. */
export interface DiffLimits {
  /** Candidate subjects evaluated (under both versions) per change before giving up. */
  readonly maxWitnessEvaluations: number;
  /**
   * Candidate subjects evaluated for all the changes of one diff together (searches, and
   * trimming the parameters of the witnesses found). Each evaluation costs time in proportion
   * to the policy, and a diff of a large policy can have as many changes as the policy has
   * definitions: without this bound the search would grow with their product. The changes
   * after it is spent get no witness, and say so.
   */
  readonly maxWitnessEvaluationsInAll: number;
  /**
   * Steps of the analyses that find the direction of each edit alone (one per edit, each
   * walking the decide rules the edit reaches), for one diff together. Each is linear in the
   * policy, and a large policy can have as many edits: past this budget, the edits left are
   * listed with their direction unknown, saying why.
   */
  readonly maxAnalysisSteps: number;
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
  maxWitnessEvaluationsInAll: 5_000,
  maxAnalysisSteps: 10_000_000,
  maxWitnessListLength: 5_000,
  maxFlipExamples: 5,
  maxExplainedFlips: 10_000,
  maxMalformedExamples: 5,
});
