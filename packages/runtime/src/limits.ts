/**
 * Safety limits for evaluation: named, with frozen defaults, configurable by
 * the embedding engineer.
 */

/** Limits that keep evaluation bounded on hostile data. */
export interface RuntimeLimits {
  /** The longest list (or monthly series) in data that an aggregation or membership test will walk. */
  readonly maxListLength: number;
  /** The most list elements one decision may visit across all aggregations. */
  readonly maxSteps: number;
  /** The longest string value accepted from data, in UTF-16 code units. */
  readonly maxStringLength: number;
  /** How many `satisfies` references may be followed in a chain. */
  readonly maxReferenceDepth: number;
}

/** The default runtime limits. */
export const defaultRuntimeLimits: RuntimeLimits = Object.freeze({
  maxListLength: 100_000,
  maxSteps: 10_000_000,
  maxStringLength: 1_000_000,
  maxReferenceDepth: 16,
});
