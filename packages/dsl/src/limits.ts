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
  /**
   * How many lexical and syntax errors (BYL1xxx) one file may have before it is
   * read no further: each costs the parser's error recovery, and a file with
   * more is not a policy with mistakes but something else.
   */
  readonly maxSyntaxErrors: number;
}

/** The default limits. */
export const defaultLimits: Limits = Object.freeze({
  maxSourceLength: 4_000_000,
  maxNestingDepth: 100,
  maxSyntaxErrors: 1_000,
});
