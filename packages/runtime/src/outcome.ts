/**
 * Decision assembly: the truth values of a policy's decide rules → its
 * outcome (admission, tier, custom outcome, veto), three-valued, with the
 * rules whose unknowns leave it open; and the benefits an outcome grants.
 *
 * The determined outcomes are frozen and shared ({@link Outcomes.quickCore}),
 * with their plain decision made once; generated code returns them directly
 * ({@link Outcomes.quickEpilogue}), and the explaining fast path dresses them
 * as full decisions ({@link Outcomes.makers}).
 */
import { assertNever } from '@bylaw/dsl';
import type * as A from '@bylaw/dsl';
import type { CheckedPolicy } from '@bylaw/dsl';
import type { DataError, DecisionStamp, Labelled, PlainDecision } from './decision.js';
import { decisionMaker, labelled, type DecisionMaker } from './explanation.js';
import { NO_ERRORS, type BoolFn } from './context.js';

/** A rule of the decide block, with its place among the rules that have a condition. */
export interface RuleInfo {
  readonly rule: A.DecisionRule;
  readonly labelled: Labelled | undefined;
  readonly body: A.CriterionBody | undefined;
  /** Place in the array of rule values (rules with a body only). */
  index: number;
  /** The frozen outcome when this rule decides (see quickCore). */
  core?: Core;
  plain: BoolFn | undefined;
  traced: BoolFn | undefined;
}

/** The outcome of the rules' truth values, before it is dressed as a decision. */
export interface Core {
  outcome: string;
  admission?: 'admitted' | 'rejected' | 'undetermined';
  tier?: RuleInfo;
  possible?: RuleInfo[];
  veto?: RuleInfo;
  reason?: string;
  /** Rules whose unknowns decide an undetermined outcome. */
  unknownRules: RuleInfo[];
  /** For a shared core: its plain decision when there are no data errors. */
  plain?: PlainDecision;
}

/** A core shared between decisions, frozen, with its plain decision made once. */
function sealCore(core: Core): Core {
  core.plain = Object.freeze(plainOf(core, NO_ERRORS));
  return Object.freeze(core);
}

/** The plain decision of an evaluation that could not start or was stopped. */
export function undeterminedPlain(errors: readonly DataError[]): PlainDecision {
  return { outcome: 'undetermined', admission: undefined, tier: undefined, vetoedBy: undefined, dataErrors: errors };
}

/** The plain decision of an outcome, with these data errors. */
export function plainOf(core: Core, errors: readonly DataError[]): PlainDecision {
  return {
    outcome: core.outcome,
    admission: core.admission,
    tier: core.tier?.labelled!.id,
    vetoedBy: core.veto?.labelled!.id,
    dataErrors: errors,
  };
}


/** The rules of a policy's decide block, by role, and the outcomes their values give. */
export class Outcomes {
  readonly rules: RuleInfo[];
  /** Rules with a condition, in order; `index` is their place in the values array. */
  readonly bodies: RuleInfo[];
  readonly excludeRules: RuleInfo[];
  readonly tierRules: RuleInfo[];
  readonly outcomeRules: RuleInfo[];
  readonly preferRules: RuleInfo[];
  readonly benefitRules: RuleInfo[];
  readonly admitRule: RuleInfo | undefined;
  readonly otherwiseRule: RuleInfo | undefined;
  private readonly hasDefaultTier: boolean;

  constructor(
    p: CheckedPolicy,
    private readonly stamp: DecisionStamp,
  ) {
    this.rules = p.decide.rules.map((rule) => ({
      rule,
      labelled: 'id' in rule ? labelled(rule) : undefined,
      body: 'body' in rule ? rule.body : undefined,
      index: -1,
      plain: undefined,
      traced: undefined,
    }));
    this.bodies = this.rules.filter((r) => r.body !== undefined);
    this.bodies.forEach((r, i) => (r.index = i));
    const exclude: RuleInfo[] = [];
    const tiers: RuleInfo[] = [];
    const outcomes: RuleInfo[] = [];
    const prefer: RuleInfo[] = [];
    const benefits: RuleInfo[] = [];
    let admit: RuleInfo | undefined;
    let otherwise: RuleInfo | undefined;
    let defaultTier = false;
    for (const r of this.rules) {
      const rule = r.rule;
      switch (rule.kind) {
        case 'AdmitRule':
          admit ??= r;
          break;
        case 'ExcludeRule':
          exclude.push(r);
          break;
        case 'TierRule':
          tiers.push(r);
          break;
        case 'DefaultTierRule':
          tiers.push(r);
          defaultTier = true;
          break;
        case 'OutcomeRule':
          outcomes.push(r);
          break;
        case 'OtherwiseRule':
          outcomes.push(r);
          otherwise ??= r;
          break;
        case 'PreferRule':
          prefer.push(r);
          break;
        case 'BenefitRule':
          benefits.push(r);
          break;
        default:
          assertNever(rule);
      }
    }
    this.excludeRules = exclude;
    this.tierRules = tiers;
    this.outcomeRules = outcomes;
    this.preferRules = prefer;
    this.benefitRules = benefits;
    this.admitRule = admit;
    this.otherwiseRule = otherwise;
    this.hasDefaultTier = defaultTier;
  }

  /** Frozen outcomes for the determined cases, so that the plain path allocates nothing for them. */
  private readonly cores = new Map<RuleInfo | string, Core>();

  sharedCore(key: RuleInfo | string, make: () => Core): Core {
    if (typeof key !== 'string') return key.core ?? (key.core = sealCore(make()));
    let c = this.cores.get(key);
    if (!c) this.cores.set(key, (c = sealCore(make())));
    return c;
  }

  /**
   * {@link quickCore} as generated code, run at the end of the rules function:
   * it returns the shared plain decision of a determined outcome, or undefined.
   */
  quickEpilogue(k: (value: unknown) => string): string[] {
    const plain = (core: Core) => k(core.plain);
    const lines: string[] = [];
    for (const r of this.excludeRules) {
      const core = this.outcomeRules.length > 0
        ? this.sharedCore(r, () => ({ outcome: this.otherwiseRule!.labelled!.id, veto: r, unknownRules: [] }))
        : this.sharedCore(r, () => ({ outcome: 'rejected', admission: 'rejected', veto: r, unknownRules: [] }));
      lines.push(`if (out[${r.index}] === undefined) return undefined;`, `if (out[${r.index}] === true) return ${plain(core)};`);
    }
    if (this.outcomeRules.length > 0) {
      for (const r of this.outcomeRules) {
        const core = this.sharedCore(r, () => ({ outcome: r.labelled!.id, unknownRules: [] }));
        if (r.rule.kind === 'OtherwiseRule') return [...lines, `return ${plain(core)};`];
        lines.push(`if (out[${r.index}] === undefined) return undefined;`, `if (out[${r.index}] === true) return ${plain(core)};`);
      }
      return [...lines, 'return undefined;'];
    }
    if (this.admitRule) {
      const notMet = this.sharedCore('not-met', () => ({ outcome: 'rejected', admission: 'rejected', reason: 'the admission conditions are not met', unknownRules: [] }));
      lines.push(`if (out[${this.admitRule.index}] === undefined) return undefined;`, `if (out[${this.admitRule.index}] === false) return ${plain(notMet)};`);
    }
    if (this.tierRules.length === 0) {
      return [...lines, `return ${plain(this.sharedCore('admitted', () => ({ outcome: 'admitted', admission: 'admitted', unknownRules: [] })))};`];
    }
    for (const r of this.tierRules) {
      const core = this.sharedCore(r, () => ({ outcome: 'admitted', admission: 'admitted', tier: r, unknownRules: [] }));
      if (r.rule.kind === 'DefaultTierRule') return [...lines, `return ${plain(core)};`];
      lines.push(`if (out[${r.index}] === undefined) return undefined;`, `if (out[${r.index}] === true) return ${plain(core)};`);
    }
    const noTier = this.sharedCore('no-tier', () => ({ outcome: 'rejected', admission: 'rejected', reason: 'no tier is reached', unknownRules: [] }));
    return [...lines, `return ${plain(noTier)};`];
  }

  /**
   * The outcome when nothing it depends on is unknown (the common case), without
   * allocating; undefined sends the caller to {@link core}, which handles unknowns.
   */
  quickCore(values: readonly (boolean | undefined)[]): Core | undefined {
    for (const r of this.excludeRules) {
      const v = values[r.index];
      if (v === undefined) return undefined;
      if (v === true) {
        if (this.outcomeRules.length > 0) return this.sharedCore(r, () => ({ outcome: this.otherwiseRule!.labelled!.id, veto: r, unknownRules: [] }));
        return this.sharedCore(r, () => ({ outcome: 'rejected', admission: 'rejected', veto: r, unknownRules: [] }));
      }
    }
    if (this.outcomeRules.length > 0) {
      for (const r of this.outcomeRules) {
        const v = r.rule.kind === 'OtherwiseRule' ? true : values[r.index];
        if (v === undefined) return undefined;
        if (v === true) return this.sharedCore(r, () => ({ outcome: r.labelled!.id, unknownRules: [] }));
      }
      return undefined;
    }
    const admit = this.admitRule ? values[this.admitRule.index] : true;
    if (admit === undefined) return undefined;
    if (admit === false) {
      return this.sharedCore('not-met', () => ({ outcome: 'rejected', admission: 'rejected', reason: 'the admission conditions are not met', unknownRules: [] }));
    }
    if (this.tierRules.length === 0) return this.sharedCore('admitted', () => ({ outcome: 'admitted', admission: 'admitted', unknownRules: [] }));
    for (const r of this.tierRules) {
      const v = r.rule.kind === 'DefaultTierRule' ? true : values[r.index];
      if (v === undefined) return undefined;
      if (v === true) return this.sharedCore(r, () => ({ outcome: 'admitted', admission: 'admitted', tier: r, unknownRules: [] }));
    }
    return this.sharedCore('no-tier', () => ({ outcome: 'rejected', admission: 'rejected', reason: 'no tier is reached', unknownRules: [] }));
  }

  /** For each shared plain decision, a maker of the full decision with the same outcome (see {@link decisionMaker}). */
  get makers(): Map<PlainDecision, DecisionMaker> {
    if (this.makerMap) return this.makerMap;
    const map = new Map<PlainDecision, DecisionMaker>();
    for (const core of [...this.cores.values(), ...this.rules.map((r) => r.core)]) {
      if (core?.plain) map.set(core.plain, this.decisionMaker(core));
    }
    return (this.makerMap = map);
  }

  private makerMap: Map<PlainDecision, DecisionMaker> | undefined;

  /** The decision fields a determined outcome fixes, in run()'s order, as a maker of decisions. */
  decisionMaker(core: Core): DecisionMaker {
    const outcome = core.outcome;
    const outcomeRule = this.outcomeRules.find((r) => r.labelled!.id === outcome);
    const fixed: [string, unknown][] = [['outcome', outcome]];
    if (core.admission !== undefined) fixed.push(['admission', core.admission]);
    if (core.tier) fixed.push(['tier', core.tier.labelled!]);
    if (outcomeRule) fixed.push(['outcomeLabel', outcomeRule.labelled!.label]);
    if (core.veto) fixed.push(['vetoedBy', core.veto.labelled!]);
    if (core.reason && outcome === 'rejected') fixed.push(['reason', core.reason]);
    return decisionMaker(this.stamp, fixed, this.benefitsOf(core));
  }

  /** The benefits an outcome grants. */
  benefitsOf(core: Core): Labelled[] {
    const outcome = core.outcome;
    const granted = outcome === 'undetermined' || outcome === 'rejected' ? undefined : (core.tier?.labelled!.id ?? outcome);
    if (granted === undefined) return [];
    return this.benefitRules
      .filter((r) => {
        const to = (r.rule as A.BenefitRule).grantedTo;
        return to.length === 0 ? outcome === 'admitted' || this.outcomeRules.length > 0 : to.some((t) => t.name === granted || t.name === outcome);
      })
      .map((r) => r.labelled!);
  }

  /**
   * Turn the rules' truth values (indexed like {@link bodies}) into the outcome,
   * three-valued. Shared by the plain and the explaining paths, so they cannot disagree.
   */
  core(values: readonly (boolean | undefined)[]): Core {
    const value = (r: RuleInfo) => values[r.index];
    const unknownRules: RuleInfo[] = [];
    let veto: RuleInfo | undefined;
    let vetoPossible = false;
    for (const r of this.excludeRules) {
      const v = values[r.index];
      if (v === true) {
        veto = r;
        break;
      }
      if (v === undefined) vetoPossible = true;
    }
    const vetoUnknown = () => this.excludeRules.filter((r) => value(r) === undefined);
    if (this.outcomeRules.length > 0) {
      const otherwise = this.otherwiseRule!;
      if (veto) return { outcome: otherwise.labelled!.id, veto, unknownRules };
      const pick = firstHolding(this.outcomeRules, value);
      if (pick.kind === 'decided' && (!vetoPossible || pick.rule === otherwise)) return { outcome: pick.rule.labelled!.id, unknownRules };
      const possible = pick.kind === 'open' ? [...pick.candidates] : pick.kind === 'decided' ? [pick.rule] : [];
      if (vetoPossible && !possible.includes(otherwise)) possible.push(otherwise);
      if (pick.kind === 'open') unknownRules.push(...pick.candidates);
      unknownRules.push(...vetoUnknown());
      return { outcome: 'undetermined', possible, unknownRules };
    }
    const admitValue = this.admitRule ? value(this.admitRule) : true;
    const hasDefault = this.hasDefaultTier;
    const tierPick = this.tierRules.length > 0 ? firstHolding(this.tierRules, value) : undefined;
    let admission: 'admitted' | 'rejected' | 'undetermined';
    let reason: string | undefined;
    if (veto) admission = 'rejected';
    else if (admitValue === false) {
      admission = 'rejected';
      reason = 'the admission conditions are not met';
    } else if (tierPick?.kind === 'none' && !hasDefault) {
      admission = 'rejected';
      reason = 'no tier is reached';
    } else if (
      admitValue === true &&
      !vetoPossible &&
      (!tierPick || tierPick.kind === 'decided' || hasDefault || (tierPick.kind === 'open' && tierPick.candidates.some((r) => value(r) === true)))
    ) {
      admission = 'admitted';
    } else {
      admission = 'undetermined';
      if (admitValue === undefined && this.admitRule) unknownRules.push(this.admitRule);
      unknownRules.push(...vetoUnknown());
      if (tierPick?.kind === 'open' && !hasDefault) unknownRules.push(...tierPick.candidates);
    }
    const core: Core = { outcome: admission, admission, unknownRules };
    if (veto) core.veto = veto;
    if (reason) core.reason = reason;
    if (admission === 'admitted' && tierPick?.kind === 'decided') core.tier = tierPick.rule;
    if (admission !== 'rejected' && tierPick?.kind === 'open') {
      core.outcome = 'undetermined';
      core.possible = tierPick.candidates;
      if (admission === 'admitted') unknownRules.push(...tierPick.candidates);
    }
    return core;
  }
}

type Pick = { kind: 'decided'; rule: RuleInfo } | { kind: 'open'; candidates: RuleInfo[] } | { kind: 'none' };

/** The first rule that holds, in order; unknown rules before it leave the pick open. */
function firstHolding(rules: RuleInfo[], value: (r: RuleInfo) => boolean | undefined): Pick {
  const candidates: RuleInfo[] = [];
  for (const r of rules) {
    const always = r.rule.kind === 'DefaultTierRule' || r.rule.kind === 'OtherwiseRule';
    const v = always ? true : value(r);
    if (v === true) {
      if (candidates.length === 0) return { kind: 'decided', rule: r };
      candidates.push(r);
      return { kind: 'open', candidates };
    }
    if (v === undefined) candidates.push(r);
  }
  return candidates.length === 0 ? { kind: 'none' } : { kind: 'open', candidates };
}

/** The role an explanation gives a rule with a condition: `admit`, `exclude`, `tier`, `outcome`, `prefer`. */
export function roleOf(rule: A.DecisionRule): string {
  const role = roles[rule.kind];
  if (role === undefined) throw new Error(`${rule.kind} has no condition to explain`);
  return role;
}

/** Each rule kind's role in explanations (undefined: the rule has no condition, so it is never explained). */
const roles: { readonly [K in A.DecisionRule['kind']]: string | undefined } = {
  AdmitRule: 'admit',
  ExcludeRule: 'exclude',
  TierRule: 'tier',
  OutcomeRule: 'outcome',
  PreferRule: 'prefer',
  DefaultTierRule: undefined,
  OtherwiseRule: undefined,
  BenefitRule: undefined,
};
