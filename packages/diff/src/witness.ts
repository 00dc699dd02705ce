/**
 * Witnesses: for each change in meaning, one concrete subject whose decision
 * differs between the two versions, found by a bounded search.
 *
 * Bases are subjects synthesized to reach a rule the change affects (under
 * the old version, the new one, or both in turn); each base is then mutated
 * at the places the change touches — the quantity of a changed comparison set
 * between and at the two thresholds, a changed condition made true or false.
 * Both versions are compiled separately and evaluate every candidate; the
 * first candidate whose outcome or tier differs (with both decisions
 * determined) is kept. Placeholders without values leave decisions
 * undetermined, so a second pass sets them out of reach (a lower bound of
 * 10^15, an empty list) and then keeps only those the witness needs.
 * When the search finds nothing it says so.
 */
import type * as A from '@bylaw/dsl';
import type { CheckedPolicy, RecordType, Type } from '@bylaw/dsl';
import { compile, type CompiledPolicy, type Decision, type ExplanationNode, type ReferenceResolver, type Truth } from '@bylaw/runtime';
import { oriented, printBody, printExpr } from './canonical.js';
import * as Cal from './calendar.js';
import { planOf, ruleKey, type RuleRef, type WitnessPlan } from './diff.js';
import { defaultDiffLimits, type DiffLimits } from './limits.js';
import type { Change, DecisionSummary, PolicyDiff, Responsible, WitnessResult } from './model.js';
import { ownerLabel, type Level, type Site } from './analyze.js';
import { boundaryValues, EMPTY_ENV, Synth, type Env, type Slot, type SynthSettings } from './synthesize.js';
import { constOf, formatNumber, showValue, type Scope, type Value } from './values.js';

/** Options for {@link findWitnesses}. */
export interface WitnessOptions {
  /** Values for params and placeholders (as `--params`), applied to both versions. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Resolve `satisfies` references to other policies, for each version (each may come from another revision). */
  readonly resolvers?: Resolvers;
  /** Other policies by id, so that the synthesizer can aim at `satisfies` conditions. */
  readonly context?: ReadonlyMap<string, CheckedPolicy>;
  readonly limits?: Partial<DiffLimits>;
}

/** A value far beyond any real threshold: a placeholder lower bound set here is never reached. */
export const OUT_OF_REACH = 1e15;

type Obj = Record<string, unknown>;
/** A change applied to a base subject, with a note on how it aims at the change (shown with the witness). */
interface Mutation {
  /** `env` binds aggregation variables when the mutation writes one element of a list. */
  apply(subject: Obj, params: Readonly<Record<string, unknown>>, env?: Env): void;
  note?(params: Readonly<Record<string, unknown>>): string;
}
type Version = 'old' | 'new';

/**
 * Search a witness for every change in meaning of a diff, in place
 * (`change.witness`). Both policies are compiled separately, so versions that
 * share an id never meet in one registry.
 */
export function findWitnesses(diff: PolicyDiff, po: CheckedPolicy, pn: CheckedPolicy, options: WitnessOptions = {}): void {
  const search = new WitnessSearch(diff, po, pn, options);
  for (const c of diff.changes) {
    if (!c.meaning) continue;
    c.witness = search.forChange(c);
  }
}

/** Evaluate both versions on one subject: the compiled pair used by witnesses and flips. */
export interface PolicyPair {
  readonly old: CompiledPolicy;
  readonly new: CompiledPolicy;
}

/** Resolvers of `satisfies` references for the old and the new version. */
export interface Resolvers {
  readonly old?: ReferenceResolver;
  readonly new?: ReferenceResolver;
}

/** Compile both versions separately (they share an id, so never in one registry). */
export function compilePair(po: CheckedPolicy, pn: CheckedPolicy, resolvers: Resolvers = {}): PolicyPair {
  return {
    old: compile(po, resolvers.old ? { references: resolvers.old } : {}),
    new: compile(pn, resolvers.new ? { references: resolvers.new } : {}),
  };
}

/** Thrown by a mutation that has no candidate at its index (fewer distinct values). */
class NoCandidate extends Error {}

class WitnessSearch {
  private readonly pair: PolicyPair;
  private readonly limits: DiffLimits;
  private readonly today: number;
  private readonly months: string[];
  private readonly userParams: Readonly<Record<string, unknown>>;
  private readonly inert: Readonly<Record<string, unknown>>;

  constructor(
    private readonly diff: PolicyDiff,
    private readonly po: CheckedPolicy,
    private readonly pn: CheckedPolicy,
    private readonly options: WitnessOptions,
  ) {
    this.pair = compilePair(po, pn, options.resolvers);
    this.limits = { ...defaultDiffLimits, ...options.limits };
    this.today = Cal.parseDay(diff.asOf)!;
    this.userParams = options.params ?? {};
    this.months = windowMonths([po, pn], this.today, this.userParams);
    this.inert = { ...inertPlaceholders(po, this.userParams), ...inertPlaceholders(pn, this.userParams) };
  }

  /** Evaluations spent by this diff so far (both versions on one candidate count once). */
  private spent = 0;

  private get budgetLeft(): boolean {
    return this.spent < this.limits.maxWitnessEvaluationsInAll;
  }

  forChange(c: Change): WitnessResult {
    const plan = planOf(c) ?? { kind: 'none', reason: 'no witness search for this kind of change' };
    if (plan.kind === 'none') return { found: false, reason: plan.reason, tried: 0 };
    if (plan.kind === 'effective') return this.dateWitness();
    if (!this.budgetLeft) {
      return {
        found: false,
        reason: `not searched: the witness search of this diff has evaluated its ${this.limits.maxWitnessEvaluationsInAll} candidates in all (limits.maxWitnessEvaluationsInAll); the changes listed first got them`,
        tried: 0,
      };
    }
    const wantsUndetermined = c.what.includes('placeholder');
    const kind = plan.kind;
    // Placeholders without a value leave decisions undetermined: first try with them out of reach
    // (and keep only those the witness needs), then as given.
    const passes: Readonly<Record<string, unknown>>[] = [];
    if (!wantsUndetermined && Object.keys(this.inert).length > 0) passes.push({ ...this.inert, ...this.userParams });
    passes.push(this.userParams);
    let best: { subject: Obj; params: Readonly<Record<string, unknown>>; rank: number; tried: number; note?: string } | undefined;
    let tried = 0;
    for (const params of passes) {
      const extras = kind === 'benefit' || (plan.kind === 'rule' && plan.rule.kind === 'PreferRule') || c.what === 'priority';
      const found = this.search(plan, params, extras ? 'benefits' : 'any');
      tried += this.lastTried;
      if (found && (!best || found.rank > best.rank)) best = { ...found, tried };
      if (best && best.rank >= 3) break;
    }
    if (!best) {
      return {
        found: false,
        reason: `no subject among the candidates built from the thresholds of both versions decides differently (bounded search; the change may matter only for data the synthesizer does not build, or not at all)`,
        tried,
      };
    }
    const params = this.minimizeParams(best.subject, best.params);
    const [dOld, dNew] = this.evaluate(best.subject, params, true);
    const [sOld, sNew] = summarizePair(dOld, dNew);
    return {
      found: true,
      kind: 'subject',
      subject: best.subject,
      asOf: this.diff.asOf,
      params: Object.fromEntries(Object.entries(params).filter(([k]) => !(k in this.userParams))),
      old: sOld,
      new: sNew,
      responsible: responsible(dOld, dNew),
      ...(best.note ? { built: best.note } : {}),
      tried: best.tried,
    };
  }

  private lastTried = 0;

  // ------------------------------------------------------------------ search

  private search(plan: Exclude<WitnessPlan, { kind: 'none' } | { kind: 'effective' }>, params: Readonly<Record<string, unknown>>, compareWhat: 'any' | 'benefits'): { subject: Obj; params: Readonly<Record<string, unknown>>; rank: number; tried: number; note?: string } | undefined {
    const settings = this.settings(params);
    const bases = this.bases(plan, settings);
    const mutations = this.mutations(plan, settings);
    let tried = 0;
    let best: { subject: Obj; params: Readonly<Record<string, unknown>>; rank: number; tried: number; note?: string } | undefined;
    const max = this.limits.maxWitnessEvaluations;
    for (const base of bases) {
      // The base itself last: a mutation aimed at the change makes the clearer witness.
      for (const m of [...mutations, undefined]) {
        if (tried >= max || !this.budgetLeft) break;
        const subject = structuredClone(base.subject);
        try {
          m?.apply(subject, params);
        } catch (e) {
          if (e instanceof NoCandidate) continue;
          throw e;
        }
        tried++;
        const [dOld, dNew] = this.evaluate(subject, params, false);
        const r = rank(dOld, dNew, compareWhat);
        if (r > (best?.rank ?? 0)) best = { subject, params, rank: r, tried, note: m?.note ? m.note(params) : base.note };
        if (r >= 3) {
          this.lastTried = tried;
          return best;
        }
      }
      if (tried >= max || !this.budgetLeft) break;
    }
    this.lastTried = tried;
    return best;
  }

  private evaluate(subject: unknown, params: Readonly<Record<string, unknown>>, explain: boolean): [Decision, Decision] {
    this.spent++;
    const opts = { asOf: this.diff.asOf, params, explain };
    return [this.pair.old.evaluate(subject, opts), this.pair.new.evaluate(subject, opts)];
  }

  /** Drop the out-of-reach placeholder values the witness does not need: none, one, two, else greedily. */
  private minimizeParams(subject: Obj, params: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
    const ours = Object.keys(params).filter((k) => !(k in this.userParams));
    if (ours.length === 0) return params;
    const [o0, n0] = this.evaluate(subject, params, false);
    const target = rank(o0, n0, 'any');
    // Trimming is worth a few evaluations, not the budget of later changes: once it is spent, keep them all.
    const works = (keep: readonly string[]) => {
      if (!this.budgetLeft) return undefined;
      const trial: Record<string, unknown> = { ...this.userParams };
      for (const k of keep) trial[k] = params[k];
      const [o, n] = this.evaluate(subject, trial, false);
      return rank(o, n, 'any') >= target ? trial : undefined;
    };
    const none = works([]);
    if (none) return none;
    for (const k of ours) {
      const one = works([k]);
      if (one) return one;
    }
    for (let i = 0; i < ours.length && this.budgetLeft; i++) {
      for (let j = i + 1; j < ours.length && this.budgetLeft; j++) {
        const two = works([ours[i]!, ours[j]!]);
        if (two) return two;
      }
    }
    let keep = [...ours];
    for (const k of ours) {
      const fewer = keep.filter((x) => x !== k);
      if (works(fewer)) keep = fewer;
    }
    return works(keep) ?? params;
  }

  private settings(params: Readonly<Record<string, unknown>>): SynthSettings {
    return { today: this.today, months: this.months, maxListLength: this.limits.maxWitnessListLength, context: this.options.context ?? new Map(), params };
  }

  private synth(v: Version, settings: SynthSettings, subject: Obj): Synth {
    const root: Slot = { get: () => subject, set: () => undefined };
    return new Synth(v === 'old' ? this.po : this.pn, settings, root);
  }

  // ------------------------------------------------------------------- bases

  /** A subject with every field at a neutral value (the union of both versions' fields). */
  private skeleton(settings: SynthSettings): Obj {
    const subject: Obj = {};
    const a = this.synth('old', settings, subject).skeleton(this.po.subject.type) as Obj;
    const b = this.synth('new', settings, subject).skeleton(this.pn.subject.type) as Obj;
    return { ...b, ...a };
  }

  /** Subjects that reach the rules a change affects, built under one version, the other, or both in turn. */
  private *bases(plan: Exclude<WitnessPlan, { kind: 'none' } | { kind: 'effective' }>, settings: SynthSettings): Generator<{ subject: Obj; note: string }> {
    const targets: (string | undefined)[] = [];
    switch (plan.kind) {
      case 'sites':
      case 'order':
        targets.push(...plan.rules.map((r) => r.key));
        break;
      case 'benefit':
        targets.push(...plan.targets.flatMap((t) => [`tier ${t}`, `outcome ${t}`, `default tier ${t}`, `otherwise outcome ${t}`]));
        if (plan.targets.length === 0) targets.push('admit when');
        break;
      default:
        break;
    }
    // Every rule of both versions comes after the focused ones: a wider net, still bounded.
    for (const r of [...this.pn.decide.rules, ...this.po.decide.rules]) {
      if (r.kind === 'TierRule' || r.kind === 'OutcomeRule' || r.kind === 'DefaultTierRule') targets.push(ruleKey(r));
    }
    targets.push(undefined);
    const seen = new Set<string>();
    const orders: Version[][] = [['old', 'new'], ['new', 'old'], ['old'], ['new']];
    for (const target of targets) {
      for (const order of orders) {
        for (const betterFalse of [false, true]) {
          const key = `${target}|${order.join()}|${betterFalse}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const subject = this.skeleton(settings);
          for (const v of order) this.reach(v, target, betterFalse, settings, subject);
          if (plan.kind === 'order') {
            // Make every reordered rule hold, so that order decides.
            for (const v of order) for (const r of plan.rules) if ('body' in r.new) this.synth(v, settings, subject).makeTrue(v === 'old' ? (r.old as A.TierRule).body : (r.new as A.TierRule).body, true);
          }
          const versions = order.map((v) => `the ${v} version`).join(', then ');
          yield { subject, note: target ? `built to reach ${target} under ${versions}` : `built to be admitted under ${versions}` };
        }
      }
    }
  }

  /** Write data so that the subject is admitted and reaches `target` under one version. */
  private reach(v: Version, target: string | undefined, betterFalse: boolean, settings: SynthSettings, subject: Obj): void {
    const p = v === 'old' ? this.po : this.pn;
    const s = this.synth(v, settings, subject);
    for (const r of p.decide.rules) if (r.kind === 'ExcludeRule') s.makeTrue(r.body, false);
    const admit = p.decide.rules.find((r): r is A.AdmitRule => r.kind === 'AdmitRule');
    if (admit) s.makeTrue(admit.body, true);
    if (!target) return;
    const rules = p.decide.rules;
    const i = rules.findIndex((r) => ruleKey(r) === target);
    if (i < 0) return;
    const rule = rules[i]!;
    const ordered = rules.filter((r) => r.kind === rule.kind || (rule.kind === 'DefaultTierRule' && r.kind === 'TierRule') || (rule.kind === 'OtherwiseRule' && r.kind === 'OutcomeRule'));
    const before = ordered.slice(0, ordered.indexOf(rule));
    if (betterFalse || rule.kind === 'DefaultTierRule' || rule.kind === 'OtherwiseRule') for (const r of before) if ('body' in r) s.makeTrue(r.body, false, undefined, 'last');
    if ((rule.kind === 'TierRule' || rule.kind === 'OutcomeRule') && 'body' in rule) s.makeTrue(rule.body, true);
  }

  // --------------------------------------------------------------- mutations

  private mutations(plan: Exclude<WitnessPlan, { kind: 'none' } | { kind: 'effective' }>, settings: SynthSettings): Mutation[] {
    const out: Mutation[] = [];
    const on = (v: Version, f: (s: Synth, env: Env) => void, note?: string): Mutation => ({
      apply: (subject, params, env = EMPTY_ENV) => f(this.synth(v, { ...settings, params }, subject), env),
      ...(note ? { note: () => note } : {}),
    });
    switch (plan.kind) {
      case 'sites': {
        const plain: Mutation[] = [];
        const pivoted: Mutation[] = [];
        for (const site of plan.sites) {
          const ms = this.siteMutations(site, on);
          if (site.within) {
            // An atom inside an aggregation: aim one new element of the list at it.
            pivoted.push(...ms.map((m) => this.inElement(site, m)));
            continue;
          }
          plain.push(...ms);
          if (site.context?.length) pivoted.push(...ms.map((m) => this.pivoted(site, m)));
        }
        out.push(...plain, ...pivoted);
        break;
      }
      case 'rule': {
        const v: Version = plan.added ? 'new' : 'old';
        const rule = plan.rule;
        const which = `${plan.added ? 'the new' : 'the old'} ${ruleKey(rule)}`;
        if ('body' in rule) {
          out.push(on(v, (s) => s.makeTrue(rule.body, true), `made ${which} hold: ${printBody(rule.body)}`));
          out.push(on(v, (s) => s.makeTrue(rule.body, false), `made ${which} fail: ${printBody(rule.body)}`));
        }
        if (rule.kind === 'DefaultTierRule' || rule.kind === 'AdmitRule') {
          const p = v === 'old' ? this.po : this.pn;
          out.push(on(v, (s) => p.decide.rules.forEach((r) => r.kind === 'TierRule' && s.makeTrue(r.body, false, undefined, 'last')), 'made every tier fail'));
        }
        break;
      }
      case 'enum-removed': {
        const name = plan.enumName;
        const value = plan.dataValue;
        out.push({ apply: (subject) => assignEnum(subject, this.po.subject.type, name, value, new Set()), note: () => `every ${name} in the data set to the removed value ${JSON.stringify(value)}` });
        break;
      }
      case 'type': {
        const p = this.po;
        out.push({
          apply: (subject) => assignField(subject, p.subject.type, plan.typeName, plan.field, (t) => this.synth('old', settings, subject).skeleton(t, plan.field), new Set()),
          note: () => `${plan.field} sent as the old version declares it`,
        });
        break;
      }
      default:
        break;
    }
    return out;
  }

  /** Make the other items of each group neutral (true in all of, false in any of), so that the site decides its groups. */
  private neutralize(levels: readonly Level[], subject: Obj, params: Readonly<Record<string, unknown>>, env: Env): void {
    for (const level of levels) {
      for (const [v, bodies] of [
        ['old', level.old],
        ['new', level.new],
      ] as const) {
        const synth = this.synth(v, this.settings(params), subject);
        // all of: the others hold; any of: they fail; at least N: N - 1 of them hold.
        const holding = level.mode === 'all' ? bodies.length : level.mode === 'any' ? 0 : level.need - 1;
        bodies.forEach((b, i) => synth.makeTrue(b, i < holding, env));
      }
    }
  }

  private pivoted(site: Site, m: Mutation): Mutation {
    return {
      apply: (subject, params, env = EMPTY_ENV) => {
        this.neutralize(site.context ?? [], subject, params, env);
        m.apply(subject, params, env);
      },
      note: (params) => `${m.note?.(params) ?? 'aimed at the change'}, with the other items of its group made neutral`,
    };
  }

  /** Add one element to the aggregated list, with the site's siblings neutral, and aim the site at it. */
  private inElement(site: Site, m: Mutation): Mutation {
    const within = site.within!;
    return {
      apply: (subject, params) => {
        this.neutralize(within.outer, subject, params, EMPTY_ENV);
        const ok = this.synth('old', this.settings(params), subject).withNewElement(within.old, [within.new.variable], (env) => {
          this.neutralize(site.context ?? [], subject, params, env);
          m.apply(subject, params, env);
        });
        if (!ok) throw new NoCandidate();
      },
      note: (params) => `${m.note?.(params) ?? 'aimed at the change'}, in one more element of ${printExpr(within.new.source)}`,
    };
  }

  private siteMutations(site: Site, on: (v: Version, f: (s: Synth, env: Env) => void, note?: string) => Mutation): Mutation[] {
    const out: Mutation[] = [];
    const scope = (v: Version, params: Readonly<Record<string, unknown>>): Scope => ({ policy: v === 'old' ? this.po : this.pn, today: this.today, params });
    const o = site.old;
    const n = site.new;
    if ((site.kind === 'compare' || site.kind === 'member') && o?.kind === 'BinaryExpr' && n?.kind === 'BinaryExpr') {
      const a = oriented(o, this.po);
      const b = oriented(n, this.pn);
      // The bounds are read when the mutation runs, with that pass's params.
      const candidates = (params: Readonly<Record<string, unknown>>) => {
        const ta = constOf(a.right, scope('old', params));
        const tb = constOf(b.right, scope('new', params));
        return { ta, tb, values: site.kind === 'compare' ? boundaryValues(ta, tb) : memberCandidates(ta, tb) };
      };
      for (let i = 0; i < 7; i++) {
        out.push({
          apply: (subject, params, env = EMPTY_ENV) => {
            const v = candidates(params).values[i];
            if (!v) throw new NoCandidate();
            if (!this.synth('old', this.settings(params), subject).setValue(a.left, v, env)) this.synth('new', this.settings(params), subject).setValue(b.left, v, env);
          },
          note: (params) => {
            const { ta, tb, values } = candidates(params);
            const bound = (x: Value | undefined, e: A.Expression) => `${printExpr(e)}${x && showValue(x) !== printExpr(e) ? ` = ${showValue(x)}` : ''}`;
            const same = printExpr(a.right) === printExpr(b.right);
            const bounds =
              same && ta && tb && showValue(ta) === showValue(tb)
                ? `bound ${bound(ta, a.right)}`
                : same
                  ? `bound ${printExpr(b.right)}: ${showValue(ta)} → ${showValue(tb)}`
                  : `old bound ${bound(ta, a.right)}, new bound ${bound(tb, b.right)}`;
            return `built with ${printExpr(b.left)} = ${showValue(values[i])} (${site.kind === 'compare' ? bounds : 'a value in one list and not the other'})`;
          },
        });
      }
    }
    const text = (x: A.CriterionBody) => printBody(x);
    for (const t of [true, false]) {
      const word = t ? 'hold' : 'fail';
      if (o) out.push(on('old', (s, env) => s.makeTrue(o, t, env), `made the old ${ownerLabel(site.owner)} ${word}: ${text(o)}`));
      if (n) out.push(on('new', (s, env) => s.makeTrue(n, t, env), `made the new ${ownerLabel(site.owner)} ${word}: ${text(n)}`));
      if (o && n) {
        out.push({
          apply: (subject, params, env = EMPTY_ENV) => {
            this.synth('old', this.settings(params), subject).makeTrue(o, t, env);
            this.synth('new', this.settings(params), subject).makeTrue(n, !t, env);
          },
          note: () => `made the old ${ownerLabel(site.owner)} ${word} and the new one ${t ? 'fail' : 'hold'}`,
        });
      }
    }
    return out;
  }

  // -------------------------------------------------------------------- dates

  private dateWitness(): WitnessResult {
    const eo = this.po.effective;
    const en = this.pn.effective;
    const inPeriod = (d: string, e: { from: string; until: string | undefined }) => e.from <= d && (e.until === undefined || d < e.until);
    // Days next to the boundaries, the new version's start first: the day before it, then the day itself.
    const candidates = new Set<string>();
    for (const d of [en.from, eo.until, en.until, eo.from]) {
      if (!d) continue;
      const day = Cal.parseDay(d)!;
      candidates.add(Cal.formatDay(day - 1));
      candidates.add(d);
    }
    for (const d of candidates) {
      const a = inPeriod(d, eo);
      const b = inPeriod(d, en);
      if (a === b) continue;
      const describe = (inForce: boolean, p: CheckedPolicy) =>
        inForce ? `in force (version ${p.version})` : d < p.effective.from ? `not yet in force (takes effect ${p.effective.from})` : `no longer in force (ended ${p.effective.until})`;
      return { found: true, kind: 'date', date: d, old: describe(a, this.po), new: describe(b, this.pn) };
    }
    return { found: false, reason: 'every day is in both periods or in neither', tried: candidates.size };
  }
}

// ---------------------------------------------------------------------------
// Helpers

/** How good a witness pair is: 3 outcome or tier differs (both determined), 2 differs with an undetermined side, 1 benefits or priorities differ. */
function rank(a: Decision, b: Decision, what: 'any' | 'benefits'): number {
  const main = (d: Decision) => `${d.outcome}|${d.tier?.id ?? ''}`;
  const extra = (d: Decision) => `${d.benefits.map((x) => x.id).sort().join(',')}|${d.priorities.map((p) => `${p.id}:${p.met}`).join(',')}`;
  if (main(a) !== main(b)) {
    if (what === 'benefits') return 2;
    return a.outcome === 'undetermined' || b.outcome === 'undetermined' ? 2 : 3;
  }
  if (extra(a) !== extra(b)) return what === 'benefits' ? (a.outcome === 'undetermined' ? 2 : 3) : a.outcome === 'undetermined' ? 1 : 2;
  return 0;
}

/** Two decisions summarized, each line naming benefits and priorities where they differ. */
export function summarizePair(a: Decision, b: Decision): [DecisionSummary, DecisionSummary] {
  const ben = (d: Decision) => d.benefits.map((x) => x.id).join(', ');
  const pri = (d: Decision) => d.priorities.map((p) => `${p.id} ${p.met === true ? '✓' : p.met === false ? '✗' : '?'}`).join(', ');
  // Benefits and priorities follow the outcome; they are shown only when they are the difference.
  const sameOutcome = a.outcome === b.outcome && a.tier?.id === b.tier?.id;
  const extra = (d: Decision) =>
    sameOutcome
      ? [...(ben(a) !== ben(b) ? [`benefits: ${ben(d) || 'none'}`] : []), ...(pri(a) !== pri(b) ? [`priorities: ${pri(d) || 'none'}`] : [])]
      : [];
  const with_ = (s: DecisionSummary, more: string[]): DecisionSummary => (more.length ? { ...s, line: [s.line, ...more].join(' · ') } : s);
  return [with_(summarizeDecision(a), extra(a)), with_(summarizeDecision(b), extra(b))];
}

/** A decision reduced to what a reviewer compares. */
export function summarizeDecision(d: Decision): DecisionSummary {
  const parts: string[] = [d.outcome];
  if (d.tier) parts.push(`tier ${d.tier.id}${d.tier.label ? ` ${d.tier.label}` : ''}`);
  else if (d.outcomeLabel) parts.push(d.outcomeLabel);
  if (d.admission && d.admission !== d.outcome) parts.push(`admission ${d.admission}`);
  if (d.possible?.length) parts.push(`possible: ${d.possible.map((p) => p.id).join(' / ')}`);
  if (d.vetoedBy) parts.push(`vetoed by ${d.vetoedBy.id}${d.vetoedBy.label ? ` ${d.vetoedBy.label}` : ''}`);
  if (d.reason && !d.vetoedBy) parts.push(d.reason);
  if (d.unknown.length) parts.push(`would be decided by ${d.unknown.slice(0, 4).join(', ')}${d.unknown.length > 4 ? ` and ${d.unknown.length - 4} more` : ''}`);
  if (d.dataErrors.length) parts.push(`data errors: ${d.dataErrors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  return {
    line: parts.join(' · '),
    outcome: d.outcome,
    ...(d.tier ? { tier: d.tier.id } : {}),
    ...(d.vetoedBy ? { vetoedBy: d.vetoedBy.id } : {}),
    benefits: d.benefits.map((b) => b.id),
    priorities: d.priorities.map((p) => ({ id: p.id, met: p.met })),
    unknown: [...d.unknown],
    dataErrors: d.dataErrors.map((e) => `${e.path}: ${e.message}`),
  };
}

interface FlatNode {
  readonly key: string;
  readonly node: ExplanationNode;
  readonly parentKind: string | undefined;
  readonly children: string[];
}

/** Named nodes of an explanation, keyed by their path of ids (`tier silver`, `silver_standard › silver_paid`). */
function flattenExplanation(d: Decision): Map<string, FlatNode> {
  const out = new Map<string, FlatNode>();
  const visit = (node: ExplanationNode, prefix: string | undefined, parentKind: string | undefined, owner: FlatNode | undefined) => {
    let key: string | undefined;
    if (node.kind === 'rule') key = node.role === 'admit' ? 'admit when' : `${ruleWord(node.role)} ${node.id ?? ''}`.trim();
    else if (node.kind === 'criterion') key = node.id;
    else if (node.kind === 'item' && node.id) key = prefix ? `${prefix} › ${node.id}` : node.id;
    let here = owner;
    if (key !== undefined && !out.has(key)) {
      here = { key, node, parentKind, children: [] };
      out.set(key, here);
      owner?.children.push(key);
    } else if (key !== undefined) {
      owner?.children.push(key);
      return; // a criterion seen before: the same node
    }
    const nextPrefix = node.kind === 'criterion' ? node.id : node.kind === 'item' && node.id ? key : node.kind === 'rule' ? key : prefix;
    for (const c of node.children ?? []) visit(c, nextPrefix, node.kind, here);
  };
  for (const n of d.explanation ?? []) visit(n, undefined, undefined, undefined);
  return out;
}

function ruleWord(role: string | undefined): string {
  return role === 'exclude' ? 'exclusion' : role === 'prefer' ? 'priority' : role ?? 'rule';
}

/** The comparisons of a node's own condition (not those repeated inside its aggregations). */
function comparisons(node: ExplanationNode): string[] {
  const conditions = node.kind === 'condition' ? [node] : (node.children ?? []).filter((k) => k.kind === 'condition');
  const out: string[] = [];
  for (const cond of conditions) {
    const all = (cond.comparisons ?? []).filter((c) => !(c.left === '?' && c.right === '?'));
    const own = all.filter((c) => c.text === cond.text);
    // The runtime keeps the first comparisons of a condition; its own one comes last and may be cut.
    const cut = (cond as { omittedComparisons?: number }).omittedComparisons;
    const picked = own.length ? own : cut ? [] : all.filter((c, i) => all.findIndex((x) => x.text === c.text) === i).slice(0, 3);
    for (const c of picked) out.push(`${c.left} ${c.operator} ${c.right}${c.shortfall ? ` (${c.shortfall})` : ''}`);

  }
  if (node.unknown?.length && out.length === 0) out.push(`unknown: ${node.unknown.join(', ')}`);
  return out;
}

/**
 * The named criteria, items and rules whose truth differs, the deepest first;
 * with `withRules`, also the decide rules above them.
 */
export function responsible(a: Decision, b: Decision, limit = 4, withRules = true): Responsible[] {
  const fa = flattenExplanation(a);
  const fb = flattenExplanation(b);
  const truthOf = (f: Map<string, FlatNode>, k: string): Truth | 'absent' => f.get(k)?.node.result ?? 'absent';
  const differs = new Set<string>();
  for (const k of new Set([...fa.keys(), ...fb.keys()])) {
    const x = truthOf(fa, k);
    const y = truthOf(fb, k);
    if (x === y) continue;
    if (x === 'absent' || y === 'absent') {
      // A node in one version only matters where it can decide: false in an all, true in an any or as a rule.
      const present = (x === 'absent' ? fb : fa).get(k)!;
      const r = present.node.result;
      const decides = r === 'unknown' || (present.parentKind === 'all' ? r === false : present.parentKind === 'any' || present.node.kind === 'rule' ? r === true : true);
      if (!decides) continue;
    }
    differs.add(k);
  }
  const hasDifferingChild = (k: string): boolean => {
    const kids = [...(fa.get(k)?.children ?? []), ...(fb.get(k)?.children ?? [])];
    return kids.some((c) => differs.has(c) || hasDifferingChild(c));
  };
  const leaves = [...differs].filter((k) => !hasDifferingChild(k));
  const rules = withRules ? [...differs].filter((k) => (fa.get(k) ?? fb.get(k))!.node.kind === 'rule' && !leaves.includes(k)) : [];
  return [...leaves, ...rules].slice(0, limit).map((k) => ({
    path: k,
    old: truthOf(fa, k),
    new: truthOf(fb, k),
    oldDetail: fa.get(k) ? comparisons(fa.get(k)!.node) : [],
    newDetail: fb.get(k) ? comparisons(fb.get(k)!.node) : [],
  }));
}

/** Months that the windows of the policies read on the evaluation day (for monthly series). */
function windowMonths(ps: readonly CheckedPolicy[], today: number, params: Readonly<Record<string, unknown>>): string[] {
  const months = new Set<string>();
  for (const p of ps) {
    for (const e of p.types.keys()) {
      if (e.kind !== 'PeriodExpr') continue;
      const v = constOf(e, { policy: p, today, params });
      if (v?.kind === 'period') for (const m of Cal.monthsOf(v.window)) months.add(m);
    }
  }
  return [...months].sort();
}

/**
 * Values that put placeholders out of reach: a lower bound no subject meets,
 * an empty list, false. Only for placeholders the caller did not supply.
 */
function inertPlaceholders(p: CheckedPolicy, given: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const upper = new Set<string>();
  for (const e of p.types.keys()) {
    if (e.kind !== 'BinaryExpr') continue;
    const o = oriented(e, p);
    const bound = o.right.kind === 'IndexAccess' ? o.right.object : o.right;
    const r = bound.kind === 'NameRef' ? p.names.get(bound) : undefined;
    if (r?.kind === 'placeholder' && (o.op === '<' || o.op === '<=')) upper.add(r.decl.name.name);
  }
  for (const d of p.placeholders) {
    const name = d.name.name;
    if (given[name] !== undefined) continue;
    const t = p.declaredTypes.get(name);
    const v = inertValue(t, upper.has(name));
    if (v !== undefined) out[name] = v;
  }
  return out;
}

function inertValue(t: Type | undefined, upper: boolean): unknown {
  if (!t) return undefined;
  switch (t.kind) {
    case 'number':
      return upper ? -OUT_OF_REACH : OUT_OF_REACH;
    case 'list':
      return [];
    case 'bool':
      return false;
    case 'table': {
      const v = inertValue(t.value, upper);
      return v === undefined ? undefined : { default: v };
    }
    default:
      return undefined;
  }
}

function memberCandidates(a: Value | undefined, b: Value | undefined): Value[] {
  const items = (v: Value | undefined) => (v?.kind === 'list' ? v.items : []);
  const ia = items(a);
  const ib = items(b);
  const same = (x: Value, y: Value) => showValue(x) === showValue(y);
  const onlyA = ia.filter((x) => !ib.some((y) => same(x, y)));
  const onlyB = ib.filter((x) => !ia.some((y) => same(x, y)));
  return [...onlyA, ...onlyB, ...ia, ...ib].filter((x, i, all) => all.findIndex((y) => same(x, y)) === i);
}

/** Set every field of an enum type (anywhere in the subject) to a data value. */
function assignEnum(data: unknown, t: RecordType, enumName: string, value: string, seen: Set<RecordType>): void {
  if (typeof data !== 'object' || data === null || Array.isArray(data) || seen.has(t)) return;
  const obj = data as Obj;
  for (const [name, f] of t.fields) {
    const ft = f.type;
    if (ft.kind === 'enum' && ft.name === enumName) obj[name] = value;
    else if (ft.kind === 'list' && ft.element.kind === 'enum' && ft.element.name === enumName) obj[name] = [value];
    else if (ft.kind === 'record') assignEnum(obj[name], ft, enumName, value, new Set([...seen, t]));
    else if (ft.kind === 'list' && ft.element.kind === 'record' && Array.isArray(obj[name])) {
      for (const el of obj[name] as unknown[]) assignEnum(el, ft.element, enumName, value, new Set([...seen, t]));
    }
  }
}

/** Set a field of a record type (anywhere in the subject) to a value made from its old type. */
function assignField(data: unknown, t: RecordType, typeName: string, field: string, make: (t: Type) => unknown, seen: Set<RecordType>): void {
  if (typeof data !== 'object' || data === null || Array.isArray(data) || seen.has(t)) return;
  const obj = data as Obj;
  if (t.name === typeName) {
    const f = t.fields.get(field);
    if (f) obj[field] = make(f.type);
  }
  for (const [name, f] of t.fields) {
    const ft = f.type;
    if (ft.kind === 'record') assignField(obj[name], ft, typeName, field, make, new Set([...seen, t]));
    else if (ft.kind === 'list' && ft.element.kind === 'record' && Array.isArray(obj[name])) {
      for (const el of obj[name] as unknown[]) assignField(el, ft.element, typeName, field, make, new Set([...seen, t]));
    }
  }
}

/** `1e15` → `1,000,000,000,000,000`: how out-of-reach values are shown. */
export function showParam(v: unknown): string {
  return typeof v === 'number' ? formatNumber(v) : JSON.stringify(v);
}

export type { RuleRef };
