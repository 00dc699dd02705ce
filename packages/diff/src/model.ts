/**
 * The shape of a semantic diff: what {@link diffPolicies} returns and the
 * renderers print. Plain data (JSON-serializable), so `--format json` is this
 * object as it is.
 */
import type { Truth } from '@bylaw/runtime';

/** How a change moves the decision: stricter = fewer subjects pass; looser = more. */
export type Direction = 'stricter' | 'looser' | 'unknown';

/** Where in the policy a change is. */
export type ChangeCategory = 'header' | 'schema' | 'definition' | 'criterion' | 'decision' | 'wording';

/** The header facts of one version. */
export interface VersionInfo {
  readonly id: string;
  readonly title: string | undefined;
  readonly version: string;
  readonly published: string;
  readonly effective: { readonly from: string; readonly until: string | undefined };
  readonly source: string | undefined;
  readonly note: string | undefined;
  readonly timezone: string;
  /** The file as given (a path, `path@REV`, …). */
  readonly file: string;
}

/** One change between the versions. */
export interface Change {
  readonly category: ChangeCategory;
  /**
   * What kind of thing changed: `version`, `effective`, `param`, `let`,
   * `table`, `placeholder`, `criterion`, `item`, `admit`, `exclusion`,
   * `tier`, `default tier`, `outcome`, `otherwise`, `priority`, `benefit`,
   * `tier order`, `field`, `enum`, `label`, `citation` ….
   */
  readonly what: string;
  /** Its name or path: `silver_min_paid_orders`, `silver_standard › silver_optional › silver_active`. */
  readonly name: string;
  readonly change: 'added' | 'removed' | 'changed';
  /** The old text (expression, value, date …), absent for an addition. */
  readonly old?: string;
  /** The new text, absent for a removal. */
  readonly new?: string;
  /** Whether some decision can differ because of it. */
  readonly meaning: boolean;
  /** Whether data providers must change what they send (schema changes). */
  readonly breaking?: boolean;
  /** Direction of the decision change, when the change is in meaning and has one. */
  readonly direction?: Direction;
  /**
   * For policies with custom outcomes (shown / blocked), where "passing" has no
   * single meaning: which outcomes more or fewer subjects get, instead of a direction.
   */
  readonly effect?: string;
  /** Why: the reasoning behind the direction, one sentence per step. */
  readonly why: readonly string[];
  /** The decide rules whose result the change moves (`tier silver`, `exclusion image_theft`). */
  readonly affects: readonly string[];
  /** A concrete subject (or date) showing the change, or why none was found. */
  witness?: WitnessResult;
}

/** A decision reduced to what a reviewer compares. */
export interface DecisionSummary {
  /** One line: `admitted · tier silver 产业带银牌服务商`, `rejected · vetoed by image_theft`. */
  readonly line: string;
  readonly outcome: string;
  readonly tier?: string;
  readonly vetoedBy?: string;
  readonly benefits: readonly string[];
  readonly priorities: readonly { readonly id: string; readonly met: Truth }[];
  /** When undetermined: what would decide it. */
  readonly unknown: readonly string[];
  readonly dataErrors: readonly string[];
}

/** A named criterion, item or rule whose truth differs between the two decisions of a witness. */
export interface Responsible {
  /** `silver_standard › silver_paid`, `tier silver`. */
  readonly path: string;
  readonly old: Truth | 'absent';
  readonly new: Truth | 'absent';
  /** The comparisons under it, as evaluated: `9,500,000 >= 9,000,000`. */
  readonly oldDetail: readonly string[];
  readonly newDetail: readonly string[];
}

/** The outcome of the witness search for one change. */
export type WitnessResult =
  | {
      readonly found: true;
      readonly kind: 'subject';
      /** The subject, as data (JSON). */
      readonly subject: unknown;
      readonly asOf: string;
      /** Values given to placeholders for this witness (the text gives none). */
      readonly params: Readonly<Record<string, unknown>>;
      readonly old: DecisionSummary;
      readonly new: DecisionSummary;
      readonly responsible: readonly Responsible[];
      /** How the subject was aimed at the change: `built with active_merchants = 1,100 (old bound 1,000, new bound 1,200)`. */
      readonly built?: string;
      /** Candidate subjects evaluated before this one was found. */
      readonly tried: number;
    }
  | {
      readonly found: true;
      readonly kind: 'date';
      /** A day on which one version is in force and the other is not. */
      readonly date: string;
      readonly old: string;
      readonly new: string;
    }
  | {
      readonly found: false;
      /** Why there is no witness: the search bound, or that the change cannot alter a decision. */
      readonly reason: string;
      readonly tried: number;
    };

/** The direction of one decide rule under all changes together. */
export interface RuleImpact {
  /** `tier silver`, `admit when`, `exclusion image_theft`. */
  readonly rule: string;
  /** Direction of the rule's condition: stricter = met by fewer subjects. */
  readonly direction: Direction;
  readonly why: readonly string[];
}

/** Counts for the summary line. */
export interface DiffSummary {
  /** Changes in meaning: some decision can differ. */
  readonly meaning: number;
  readonly stricter: number;
  readonly looser: number;
  readonly unknown: number;
  readonly breaking: number;
  /** Header changes that do not change decisions (version, published, source, note, title). */
  readonly metadata: number;
  /** Labels and citations. */
  readonly wording: number;
}

/** The semantic diff of two versions of a policy. */
export interface PolicyDiff {
  readonly old: VersionInfo;
  readonly new: VersionInfo;
  /** The day witnesses were evaluated on (both versions applied to the same subject). */
  readonly asOf: string;
  readonly changes: Change[];
  /** Per decide rule, the combined direction of all changes. */
  readonly impact: readonly RuleImpact[];
  /** Whether any decision can differ. */
  readonly meaning: boolean;
  /** Whether data providers must change what they send (a new required field, a type change, a removed enum member). */
  readonly breaking: boolean;
  readonly summary: DiffSummary;
  /** The flip report, when data were given. */
  flips?: FlipReport;
}

/** One cell group of the flip report: subjects that went from one outcome to another. */
export interface Transition {
  readonly from: string;
  readonly to: string;
  readonly count: number;
  /** A few subject ids (the data's `id`, else `line N`). */
  readonly examples: readonly string[];
  /** The criteria whose truth differs, with how many flipped subjects each explains. */
  readonly responsible: readonly { readonly path: string; readonly count: number }[];
}

/** What evaluating both versions on the same data gives. */
export interface FlipReport {
  readonly file: string;
  readonly asOf: string;
  /** Non-blank lines read. */
  readonly records: number;
  /** Lines that are not a JSON object (counted, not evaluated). */
  readonly malformed: number;
  readonly malformedExamples: readonly string[];
  /** Records evaluated (records − malformed). */
  readonly evaluated: number;
  /** Records whose outcome (or tier) differs. */
  readonly flipped: number;
  /** Outcome labels: rows and columns of the matrix. */
  readonly labels: readonly string[];
  /** matrix[i][j]: records with old outcome labels[i] and new outcome labels[j]. */
  readonly matrix: readonly (readonly number[])[];
  /** The off-diagonal cells, largest first. */
  readonly transitions: readonly Transition[];
  /** Set when responsible criteria were computed for only the first N flips. */
  readonly explainedLimit?: number;
}
