/**
 * The shape of a decision: what the runtime returns for one subject.
 */

/** A three-valued truth: true, false, or unknown (missing data, a data error, a placeholder without a value). */
export type Truth = true | false | 'unknown';

/** What produced a decision, so it can be replayed and audited. */
export interface DecisionStamp {
  readonly id: string;
  readonly version: string;
  readonly title: string | undefined;
  /** `sha256:` of the policy file's text. */
  readonly hash: string;
  readonly effective: { readonly from: string; readonly until: string | undefined };
  readonly file: string;
}

/** A value in the data that has the wrong type or form. */
export interface DataError {
  /** Where: `merchant.reports[2].issued_on`, or `params.industry_threshold`. */
  readonly path: string;
  readonly message: string;
}

/** A tier, outcome, exclusion, priority or benefit as the policy names it. */
export interface Labelled {
  readonly id: string;
  readonly label: string | undefined;
  readonly cites: string | undefined;
}

/** One comparison seen while explaining, with both sides and the shortfall. */
export interface ComparisonTrace {
  /** The comparison as written in the policy. */
  readonly text: string;
  readonly operator: string;
  readonly left: string;
  readonly right: string;
  readonly result: Truth;
  /** How far the left side is from passing a numeric threshold, when it fails. */
  readonly shortfall?: string;
}

/** One node of a decision's explanation tree. */
export interface ExplanationNode {
  /** `rule` (a line of decide), `criterion`, `item`, `all`/`any`/`atLeast` (combinators), `condition` (an expression). */
  readonly kind: 'rule' | 'criterion' | 'item' | 'all' | 'any' | 'atLeast' | 'condition';
  /** For rules: `admit`, `exclude`, `tier`, `outcome`, `prefer`. */
  readonly role?: string;
  readonly id?: string;
  readonly label?: string;
  readonly cites?: string;
  /** For `at least N of`. */
  readonly count?: number;
  /** The condition's text, for `condition` nodes. */
  readonly text?: string;
  result: Truth;
  readonly comparisons?: ComparisonTrace[];
  /** Comparisons not recorded because the condition made more than 20 (inside aggregations). */
  omittedComparisons?: number;
  /** The fields and placeholders whose absence made this node unknown. */
  unknown?: string[];
  readonly children?: ExplanationNode[];
}

/** The overall outcome: admission, or a custom outcome id such as `shown`. */
export type Outcome = 'admitted' | 'rejected' | 'undetermined' | 'not_in_force' | (string & {});

/** What {@link CompiledPolicy.evaluate} returns. */
export interface Decision {
  readonly policy: DecisionStamp;
  /** The evaluation date (`YYYY-MM-DD`, or the instant given). */
  readonly asOf: string;
  /**
   * `admitted` / `rejected` / `undetermined` for admission policies; the
   * outcome id for custom outcomes (or `undetermined`). `undetermined` also
   * when the subject is admitted but its tier is not determined.
   */
  readonly outcome: Outcome;
  /** For admission policies: whether the subject is admitted, whatever its tier. */
  readonly admission?: 'admitted' | 'rejected' | 'undetermined';
  readonly tier?: Labelled;
  /** When the tier or outcome is undetermined: the ones still possible, best first. */
  readonly possible?: readonly Labelled[];
  /** The label of the custom outcome, when the policy has custom outcomes. */
  readonly outcomeLabel?: string;
  /** The exclusion that vetoed the subject. */
  readonly vetoedBy?: Labelled;
  /** When rejected without a veto: why (`admit when` failed, or no tier reached). */
  readonly reason?: string;
  /** Soft priority conditions with whether each is met. */
  readonly priorities: readonly (Labelled & { readonly met: Truth })[];
  readonly benefits: readonly Labelled[];
  /** When undetermined: the fields and placeholders that would decide it. */
  readonly unknown: readonly string[];
  readonly dataErrors: readonly DataError[];
  /** Present when explanations were asked for: one node per line of the decide block. */
  readonly explanation?: readonly ExplanationNode[];
}

/**
 * What `CompiledPolicy.decide` returns: the decision without explanations or
 * lists. Read-only: decisions without data errors share one frozen object per outcome.
 */
export interface PlainDecision {
  readonly outcome: Outcome;
  readonly admission: 'admitted' | 'rejected' | 'undetermined' | undefined;
  /** The id of the tier reached. */
  readonly tier: string | undefined;
  /** The id of the exclusion that vetoed the subject. */
  readonly vetoedBy: string | undefined;
  /** Wrong-typed data, per field path (a shared empty array when there is none). */
  readonly dataErrors: readonly DataError[];
}
