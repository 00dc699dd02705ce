/**
 * Safety limits for policy text: named, with frozen defaults, configurable by
 * the embedding engineer.
 */

/** Limits that keep parsing and checking bounded on hostile input. */
export interface Limits {
  /** The largest source text accepted, in UTF-16 code units. */
  readonly maxSourceLength: number;
  /** How deeply expressions, conditions and types may nest. */
  readonly maxNestingDepth: number;
}

/** The default limits. */
export const defaultLimits: Limits = Object.freeze({
  maxSourceLength: 4_000_000,
  maxNestingDepth: 100,
});
