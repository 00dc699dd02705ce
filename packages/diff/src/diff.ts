/**
 * The differ: two checked versions of a policy → the changes between them.
 *
 * Declarations, combinator items and decide rules are matched by id and
 * compared structurally (see canonical.ts), so formatting, comments and the
 * order of declarations or items change nothing. Every change is listed; the
 * direction analysis (analyze.ts) says which of them reach the decide block
 * (changes in meaning) and which way each one moves it.
 */
import type * as A from '@bylaw/dsl';
import type { CheckedPolicy, EnumType, RecordType, Type } from '@bylaw/dsl';
import { AnalysisBudgetSpent, Analyzer, asGroup, combineDir, flipDir, matchItems, ownerLabel, type Dir, type Site, type Verdict } from './analyze.js';
import { defaultDiffLimits, type DiffLimits } from './limits.js';
import { canonical, canonicalBody, printBody, printExpr } from './canonical.js';
import * as Cal from './calendar.js';
import type { Change, ChangeCategory, Direction, DiffSummary, PolicyDiff, RuleImpact, VersionInfo } from './model.js';
import { constOf, enumData, showValue, type Scope } from './values.js';

/** Options for {@link diffPolicies}. */
export interface DiffOptions {
  /** The day witnesses are evaluated on; default: the new version's effective date. */
  readonly asOf?: string;
  /** Values for params and placeholders (as `--params`), applied to both versions. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** How to show the files (default: the policies' paths). */
  readonly oldFile?: string;
  readonly newFile?: string;
  /** Bounds of the analysis (`maxAnalysisSteps`); the witness search takes its own in {@link findWitnesses}. */
  readonly limits?: Partial<DiffLimits>;
}

/** What the witness search needs to know about a change (kept out of the serializable report). */
export type WitnessPlan =
  | { readonly kind: 'sites'; readonly sites: readonly Site[]; readonly rules: readonly RuleRef[] }
  | { readonly kind: 'rule'; readonly added: boolean; readonly rule: A.DecisionRule }
  | { readonly kind: 'order'; readonly rules: readonly RuleRef[] }
  | { readonly kind: 'benefit'; readonly targets: readonly string[] }
  | { readonly kind: 'effective' }
  | { readonly kind: 'enum-removed'; readonly enumName: string; readonly dataValue: string }
  | { readonly kind: 'type'; readonly typeName: string; readonly field: string }
  | { readonly kind: 'none'; readonly reason: string };

/** A decide rule present in both versions. */
export interface RuleRef {
  readonly key: string;
  readonly old: A.DecisionRule;
  readonly new: A.DecisionRule;
}

const plans = new WeakMap<Change, WitnessPlan>();

/** The witness plan of a change made by {@link diffPolicies} (internal to the package). */
export function planOf(c: Change): WitnessPlan | undefined {
  return plans.get(c);
}

/** Header facts of a checked policy. */
export function versionInfo(p: CheckedPolicy, file?: string): VersionInfo {
  return {
    id: p.id,
    title: p.title,
    version: p.version,
    published: p.published,
    effective: { from: p.effective.from, until: p.effective.until },
    source: p.source,
    note: p.note,
    timezone: p.timezone,
    file: file ?? p.file,
  };
}

/** A rule's key (unique within a decide block) and how a person names it. */
export function ruleKey(r: A.DecisionRule): string {
  switch (r.kind) {
    case 'AdmitRule':
      return 'admit when';
    case 'ExcludeRule':
      return `exclusion ${r.id.name}`;
    case 'TierRule':
      return `tier ${r.id.name}`;
    case 'DefaultTierRule':
      return `default tier ${r.id.name}`;
    case 'OutcomeRule':
      return `outcome ${r.id.name}`;
    case 'OtherwiseRule':
      return `otherwise outcome ${r.id.name}`;
    case 'PreferRule':
      return `priority ${r.id.name}`;
    case 'BenefitRule':
      return `benefit ${r.id.name}`;
  }
}

function ruleWhat(r: A.DecisionRule): string {
  return {
    AdmitRule: 'admit when',
    ExcludeRule: 'exclusion',
    TierRule: 'tier',
    DefaultTierRule: 'default tier',
    OutcomeRule: 'outcome',
    OtherwiseRule: 'otherwise outcome',
    PreferRule: 'priority',
    BenefitRule: 'benefit',
  }[r.kind];
}

/**
 * Compare two checked versions of a policy.
 *
 * @example
 * ```ts
 * const d = diffPolicies(oldChecked, newChecked, { asOf: '2024-03-01' });
 * d.meaning; // true when some decision can differ
 * ```
 */
export function diffPolicies(po: CheckedPolicy, pn: CheckedPolicy, options: DiffOptions = {}): PolicyDiff {
  const asOf = options.asOf ?? pn.effective.from;
  const today = Cal.parseDay(asOf) ?? Cal.parseDay(pn.effective.from)!;
  const params = options.params ?? {};
  const so: Scope = { policy: po, today, params };
  const sn: Scope = { policy: pn, today, params };
  const d = new Differ(po, pn, so, sn, { ...defaultDiffLimits, ...options.limits });
  const changes = d.run();
  const impact = d.impact();
  const summary = summarize(changes);
  return {
    old: versionInfo(po, options.oldFile),
    new: versionInfo(pn, options.newFile),
    asOf: Cal.formatDay(today),
    changes,
    impact,
    meaning: changes.some((c) => c.meaning),
    breaking: changes.some((c) => c.breaking === true),
    summary,
  };
}

function summarize(changes: readonly Change[]): DiffSummary {
  const m = changes.filter((c) => c.meaning);
  return {
    meaning: m.length,
    stricter: m.filter((c) => c.direction === 'stricter').length,
    looser: m.filter((c) => c.direction === 'looser').length,
    unknown: m.filter((c) => c.direction === 'unknown').length,
    breaking: changes.filter((c) => c.breaking).length,
    metadata: changes.filter((c) => c.category === 'header' && !c.meaning).length,
    wording: changes.filter((c) => c.category === 'wording').length,
  };
}

interface Pending {
  readonly change: Omit<Change, 'meaning' | 'direction' | 'why' | 'affects'> & { why?: string[] };
  /** The owner key the analysis uses for this edit; undefined for edits judged here. */
  readonly owner?: string;
  /** Set for edits judged here (added or removed rules, header, schema). */
  readonly judged?: { meaning: boolean; direction?: Direction; why: string[]; affects: string[]; plan: WitnessPlan; breaking?: boolean };
}

class Differ {
  private readonly pending: Pending[] = [];
  private readonly full: Analyzer;
  /** Item matchings, shared by every analysis of this diff. */
  private readonly matches = new WeakMap<A.CriterionBody, Map<A.CriterionBody, ReturnType<typeof matchItems>>>();
  /** Steps of the per-edit analyses so far, against `maxAnalysisSteps`. */
  private readonly budget: { spent: number; readonly max: number };
  /** Every owner the full analysis reached, and every owner above one (`crit:a` above `crit:a/b`). */
  private readonly reachedOrAbove = new Set<string>();
  private rules: RuleRef[] | undefined;

  constructor(
    private readonly po: CheckedPolicy,
    private readonly pn: CheckedPolicy,
    private readonly so: Scope,
    private readonly sn: Scope,
    private readonly limits: DiffLimits,
  ) {
    this.full = new Analyzer(po, pn, so, sn, undefined, undefined, this.matches);
    this.budget = { spent: 0, max: limits.maxAnalysisSteps };
  }

  run(): Change[] {
    this.header();
    this.schema();
    this.definitions();
    this.criteria();
    this.decide();
    // Which edits reach the decide block: one analysis of every rule.
    for (const r of this.commonRules()) if ('body' in r.old && 'body' in r.new) this.full.body(r.old.body, r.new.body, `rule:${r.key}`);
    for (const k of this.full.reached.keys()) {
      for (let at = k.indexOf('/'); at >= 0; at = k.indexOf('/', at + 1)) this.reachedOrAbove.add(k.slice(0, at));
      this.reachedOrAbove.add(k);
    }
    return this.pending.map((p) => this.finish(p));
  }

  // ------------------------------------------------------------------ header

  private header() {
    const o = this.po;
    const n = this.pn;
    const meta = (what: string, a: string | undefined, b: string | undefined) => {
      if (a === b) return;
      this.judged('header', what, what, a, b, { meaning: false, why: [], affects: [], plan: { kind: 'none', reason: `the ${what} does not take part in decisions` } });
    };
    if (o.id !== n.id) {
      this.judged('header', 'id', 'id', o.id, n.id, {
        meaning: true,
        why: ['the two files are different programmes (policy ids differ); the comparison below is of their rules'],
        affects: [],
        plan: { kind: 'none', reason: 'a change of id is not a change a subject can show' },
      });
    }
    meta('title', o.title, n.title);
    meta('version', o.version, n.version);
    meta('published', o.published, n.published);
    const eo = o.effective;
    const en = n.effective;
    if (eo.from !== en.from || eo.until !== en.until) {
      const text = (e: { from: string; until: string | undefined }) => `${e.from}${e.until ? ` until ${e.until}` : ''}`;
      this.judged('header', 'effective', 'effective', text(eo), text(en), {
        meaning: true,
        why: periodRelation(o, n),
        affects: [],
        plan: { kind: 'effective' },
      });
    }
    meta('source', o.source, n.source);
    meta('note', o.note, n.note);
    if (o.timezone !== n.timezone) {
      this.judged('header', 'timezone', 'timezone', o.timezone, n.timezone, {
        meaning: true,
        why: ['today, now, natural months and datetimes without an offset are computed in another zone: decisions near midnight and at month ends can differ'],
        affects: [],
        plan: { kind: 'none', reason: 'the witness search does not vary the time of day' },
      });
    }
  }

  // ------------------------------------------------------------------ schema

  private schema() {
    const used = new Set([...fieldsUsed(this.po), ...fieldsUsed(this.pn)]);
    const enumsUsed = new Set([...enumsIn(this.po), ...enumsIn(this.pn)]);
    const seenRecords = new Set<string>();
    const seenEnums = new Set<string>();
    const walk = (to: RecordType, tn: RecordType, path: string) => {
      const key = `${to.name}→${tn.name}`;
      if (seenRecords.has(key)) return;
      seenRecords.add(key);
      if (to.name !== tn.name) {
        this.judged('schema', 'type', path, to.name, tn.name, { meaning: false, why: [`the record type is renamed; data are matched by field names, which are compared below`], affects: [], plan: { kind: 'none', reason: 'a type name does not appear in data' } });
      }
      this.wording('type label', tn.name, to.decl.label?.value, tn.decl.label?.value);
      for (const [name, fo] of to.fields) {
        const fn = tn.fields.get(name);
        const fpath = `${path}.${name}`;
        if (!fn) {
          this.judged('schema', 'field', fpath, typeText(fo.type, fo.optional), undefined, {
            meaning: false,
            breaking: false,
            why: [`data providers may stop sending ${name}${used.has(`${to.name}.${name}`) ? '; the old version used it (see the changes that stopped using it)' : ''}`],
            affects: [],
            plan: { kind: 'none', reason: 'a removed field matters only through the conditions that used it' },
          });
          continue;
        }
        const typeO = typeText(fo.type, false);
        const typeN = typeText(fn.type, false);
        if (typeO !== typeN) {
          const isUsed = used.has(`${to.name}.${name}`) || used.has(`${tn.name}.${name}`);
          const sameShape = typeKey(fo.type) === typeKey(fn.type);
          if (!sameShape) {
            this.judged('schema', 'field', fpath, typeText(fo.type, fo.optional), typeText(fn.type, fn.optional), {
              meaning: isUsed,
              breaking: true,
              direction: isUsed ? 'unknown' : undefined,
              why: [
                `type change: data written for ${typeO} ${typeN.startsWith('list') || typeO.startsWith('list') ? 'have another shape' : `are not ${typeN}`}: providers must change what they send`,
                ...(isUsed ? ['records sent the old way become data errors, and what depends on them undetermined'] : ['no condition reads this field']),
              ],
              affects: [],
              plan: isUsed ? { kind: 'type', typeName: tn.name, field: name } : { kind: 'none', reason: 'no condition reads this field' },
            });
          }
        }
        if (fo.optional && !fn.optional && typeO === typeN) {
          this.judged('schema', 'field', fpath, typeText(fo.type, true), typeText(fn.type, false), {
            meaning: false,
            breaking: true,
            why: ['now required: data providers must always send it (absent data still count as unknown)'],
            affects: [],
            plan: { kind: 'none', reason: 'required and optional fields are read the same way; only the contract changes' },
          });
        } else if (!fo.optional && fn.optional && typeO === typeN && !fn.decl.defaultValue) {
          this.judged('schema', 'field', fpath, typeText(fo.type, false), typeText(fn.type, true), {
            meaning: false,
            breaking: false,
            why: ['now optional: data providers may leave it out (it then counts as unknown)'],
            affects: [],
            plan: { kind: 'none', reason: 'required and optional fields are read the same way' },
          });
        }
        const dO = fo.decl.defaultValue;
        const dN = fn.decl.defaultValue;
        if ((dO || dN) && !(dO && dN && canonical(dO, this.po) === canonical(dN, this.pn))) {
          this.pending.push({
            owner: `field:${tn.name}.${name}`,
            change: { category: 'schema', what: 'default', name: fpath, change: 'changed', ...(dO ? { old: printExpr(dO) } : { old: '(none)' }), ...(dN ? { new: printExpr(dN) } : { new: '(none)' }), why: ['what a missing value means changed'] },
          });
        }
        this.wording('field label', fpath, fo.decl.label?.value, fn.decl.label?.value);
        this.walkTypes(fo.type, fn.type, fpath, walk, seenEnums, enumsUsed);
      }
      for (const [name, fn] of tn.fields) {
        if (to.fields.has(name)) continue;
        const required = !fn.optional;
        this.judged('schema', 'field', `${path}.${name}`, undefined, typeText(fn.type, fn.optional), {
          meaning: false,
          breaking: required,
          why: [required ? 'a new required field: data providers must start sending it' : fn.decl.defaultValue ? `a new field with a default (${printExpr(fn.decl.defaultValue)}): providers may send it` : 'a new optional field: providers may send it'],
          affects: [],
          plan: { kind: 'none', reason: 'a new field matters only through the conditions that read it' },
        });
      }
    };
    walk(this.po.subject.type, this.pn.subject.type, this.pn.subject.name);
    // Enums and records reached through params, placeholders and tables.
    for (const [name, tn] of this.pn.declaredTypes) {
      const to = this.po.declaredTypes.get(name);
      if (to) this.walkTypes(to, tn, name, walk, seenEnums, enumsUsed);
    }
  }

  private walkTypes(
    to: Type,
    tn: Type,
    path: string,
    walkRecord: (a: RecordType, b: RecordType, p: string) => void,
    seenEnums: Set<string>,
    enumsUsed: Set<string>,
  ): void {
    if (to.kind === 'record' && tn.kind === 'record') return walkRecord(to, tn, path);
    if ((to.kind === 'list' && tn.kind === 'list') || (to.kind === 'monthly' && tn.kind === 'monthly')) {
      return this.walkTypes(to.element, (tn as typeof to).element, `${path}[]`, walkRecord, seenEnums, enumsUsed);
    }
    if (to.kind === 'table' && tn.kind === 'table') {
      this.walkTypes(to.key, tn.key, `${path}[key]`, walkRecord, seenEnums, enumsUsed);
      return this.walkTypes(to.value, tn.value, `${path}[]`, walkRecord, seenEnums, enumsUsed);
    }
    if (to.kind === 'enum' && tn.kind === 'enum') this.enums(to, tn, seenEnums, enumsUsed);
  }

  private enums(eo: EnumType, en: EnumType, seen: Set<string>, used: Set<string>) {
    const key = `${eo.name}→${en.name}`;
    if (seen.has(key)) return;
    seen.add(key);
    const isUsed = used.has(eo.name) || used.has(en.name);
    const name = en.name;
    // Members by name, once: an enum may have a hundred thousand members (linear, not a search per member).
    const indexO = new Map(eo.members.map((m, i) => [m, i]));
    const indexN = new Map(en.members.map((m, j) => [m, j]));
    for (let i = 0; i < eo.members.length; i++) {
      const m = eo.members[i]!;
      const j = indexN.get(m) ?? -1;
      const dataO = enumData(eo, i);
      if (j < 0) {
        this.judged('schema', 'enum member', `${name}.${m}`, dataO, undefined, {
          meaning: isUsed,
          breaking: true,
          ...(isUsed ? { direction: 'unknown' as const } : {}),
          why: [`removed: data that send ${JSON.stringify(dataO)} become data errors${isUsed ? ', and the conditions that read them undetermined' : ''}`],
          affects: [],
          plan: isUsed ? { kind: 'enum-removed', enumName: eo.name, dataValue: dataO } : { kind: 'none', reason: `no condition reads a ${name}` },
        });
        continue;
      }
      const dataN = enumData(en, j);
      if (dataO !== dataN) {
        this.judged('schema', 'enum member', `${name}.${m}`, JSON.stringify(dataO), JSON.stringify(dataN), {
          meaning: isUsed,
          breaking: true,
          ...(isUsed ? { direction: 'unknown' as const } : {}),
          why: [`its data value changed: data that send ${JSON.stringify(dataO)} become data errors`],
          affects: [],
          plan: isUsed ? { kind: 'enum-removed', enumName: eo.name, dataValue: dataO } : { kind: 'none', reason: `no condition reads a ${name}` },
        });
      }
    }
    for (let j = 0; j < en.members.length; j++) {
      const m = en.members[j]!;
      if (indexO.has(m)) continue;
      this.judged('schema', 'enum member', `${name}.${m}`, undefined, enumData(en, j), {
        meaning: false,
        breaking: false,
        why: [`added: data providers may now send ${JSON.stringify(enumData(en, j))}`],
        affects: [],
        plan: { kind: 'none', reason: 'a new member matters only through the conditions that name it' },
      });
    }
    const common = eo.members.filter((m) => indexN.has(m));
    const orderO = common.join(' < ');
    const orderN = en.members.filter((m) => indexO.has(m)).join(' < ');
    if ((eo.ordered || en.ordered) && (orderO !== orderN || eo.ordered !== en.ordered)) {
      this.judged('schema', 'enum order', name, eo.ordered ? eo.members.join(' < ') : `${eo.members.join(', ')} (unordered)`, en.ordered ? en.members.join(' < ') : `${en.members.join(', ')} (unordered)`, {
        meaning: isUsed,
        ...(isUsed ? { direction: 'unknown' as const } : {}),
        why: ['comparisons such as >= L3 now order the members differently'],
        affects: [],
        plan: { kind: 'none', reason: 'the witness search does not reorder enum members' },
      });
    }
    this.wording('enum label', name, eo.decl.label?.value, en.decl.label?.value);
  }

  // ------------------------------------------------------------ definitions

  private definitions() {
    type Def = A.LetDecl | A.ParamDecl | A.PlaceholderDecl | A.TableDecl;
    const defs = (p: CheckedPolicy) => {
      const m = new Map<string, Def>();
      for (const d of [...p.lets, ...p.params, ...p.placeholders, ...p.tables]) m.set(d.name.name, d);
      return m;
    };
    const mo = defs(this.po);
    const mn = defs(this.pn);
    const word = (d: Def) => ({ LetDecl: 'let', ParamDecl: 'param', PlaceholderDecl: 'placeholder', TableDecl: 'table' })[d.kind];
    const show = (d: Def, p: CheckedPolicy): string => {
      switch (d.kind) {
        case 'LetDecl':
          return printExpr(d.value);
        case 'ParamDecl': {
          const v = constOf(d.value, { policy: p, today: this.sn.today, params: {} });
          const written = printExpr(d.value);
          const shown = v ? showValue(v) : written;
          return `${typeText(p.declaredTypes.get(d.name.name), false)} = ${written}${shown.replace(/,/g, '') !== written && v?.kind === 'number' ? ` (${shown})` : ''}`;
        }
        case 'PlaceholderDecl':
          return `${typeText(p.declaredTypes.get(d.name.name), false)} (no value)`;
        case 'TableDecl':
          return `{ ${[...d.entries.map((e) => `${e.key.kind === 'Identifier' ? e.key.name : e.key.raw}: ${printExpr(e.value)}`), ...(d.defaultValue ? [`default: ${printExpr(d.defaultValue)}`] : [])].join(', ')} }`;
      }
    };
    const key = (d: Def, p: CheckedPolicy): string => {
      const t = d.kind === 'LetDecl' ? '' : typeText(p.declaredTypes.get(d.name.name), false);
      switch (d.kind) {
        case 'LetDecl':
          return canonical(d.value, p);
        case 'ParamDecl':
          return `${t}=${canonical(d.value, p)}`;
        case 'PlaceholderDecl':
          return t;
        case 'TableDecl':
          return `${t}{${d.entries.map((e) => `${e.key.kind === 'Identifier' ? e.key.name : e.key.value}:${canonical(e.value, p)}`).sort().join(',')}|${d.defaultValue ? canonical(d.defaultValue, p) : ''}}`;
      }
    };
    for (const [name, o] of mo) {
      const n = mn.get(name);
      if (!n) {
        this.judged('definition', word(o), name, show(o, this.po), undefined, { meaning: false, why: ['no longer defined (every use of it changed, see below)'], affects: [], plan: { kind: 'none', reason: 'a definition matters only through its uses' } });
        continue;
      }
      const what = o.kind === n.kind ? word(n) : `${word(o)} → ${word(n)}`;
      if (o.kind !== n.kind || key(o, this.po) !== key(n, this.pn)) {
        this.pending.push({ owner: `def:${name}`, change: { category: 'definition', what, name, change: 'changed', old: show(o, this.po), new: show(n, this.pn) } });
      }
      this.wording(`${word(n)} label`, name, o.label?.value, n.label?.value);
    }
    for (const [name, n] of mn) {
      if (mo.has(name)) continue;
      this.judged('definition', word(n), name, undefined, show(n, this.pn), { meaning: false, why: ['new definition (its uses are listed below)'], affects: [], plan: { kind: 'none', reason: 'a definition matters only through its uses' } });
    }
  }

  // ---------------------------------------------------------------- criteria

  private criteria() {
    const mo = new Map(this.po.criteria.map((c) => [c.id.name, c]));
    const mn = new Map(this.pn.criteria.map((c) => [c.id.name, c]));
    for (const [name, o] of mo) {
      const n = mn.get(name);
      if (!n) {
        this.judged('criterion', 'criterion', name, printBody(o.body), undefined, { meaning: false, why: ['no longer defined (the rules that used it changed, see below)'], affects: [], plan: { kind: 'none', reason: 'a criterion matters only through the rules that use it' } });
        continue;
      }
      this.headingWording('criterion', name, o, n);
      this.bodies(o.body, n.body, `crit:${name}`, 'criterion');
    }
    for (const [name, n] of mn) {
      if (mo.has(name)) continue;
      this.judged('criterion', 'criterion', name, undefined, printBody(n.body), { meaning: false, why: ['new criterion (the rules that use it are listed below)'], affects: [], plan: { kind: 'none', reason: 'a criterion matters only through the rules that use it' } });
    }
  }

  /** List the edits between two bodies under an owner: item by item for combinators. */
  private bodies(o: A.CriterionBody, n: A.CriterionBody, owner: string, category: ChangeCategory) {
    if (canonicalBody(o, this.po) === canonicalBody(n, this.pn) && !this.itemsRenamedOrRelabelled(o, n)) return;
    if (o.kind === 'Combinator' && n.kind === 'Combinator') {
      const go = asGroup(o)!;
      const gn = asGroup(n)!;
      if (o.mode !== n.mode || (o.mode === 'atLeast' && go.need !== gn.need)) {
        this.pending.push({ owner: `${owner}/:mode`, change: { category, what: 'combinator', name: ownerLabel(owner), change: 'changed', old: modeText(o), new: modeText(n) } });
      }
      for (const pair of matchItems(o.items.map(itemView), n.items.map(itemView), this.po, this.pn)) {
        const itemOwner = `${owner}/${pair.key}`;
        const io = pair.old?.item;
        const inew = pair.new?.item;
        if (io && inew) {
          if (io.id?.name !== inew.id?.name) {
            this.wording('item id', ownerLabel(itemOwner), io.id?.name ?? '(unnamed)', inew.id?.name ?? '(unnamed)');
          }
          this.headingWording('item', ownerLabel(itemOwner), io, inew);
          this.bodies(io.body, inew.body, itemOwner, category);
        } else if (inew) {
          this.pending.push({ owner: itemOwner, change: { category, what: 'item', name: ownerLabel(itemOwner), change: 'added', new: printBody(inew.body) } });
        } else if (io) {
          this.pending.push({ owner: itemOwner, change: { category, what: 'item', name: ownerLabel(itemOwner), change: 'removed', old: printBody(io.body) } });
        }
      }
      return;
    }
    if (canonicalBody(o, this.po) === canonicalBody(n, this.pn)) return;
    const what = owner.includes('/') ? 'item' : owner.startsWith('crit:') ? 'criterion' : ruleWhatOfOwner(owner);
    this.pending.push({ owner, change: { category, what, name: ownerLabel(owner), change: 'changed', old: printBody(o), new: printBody(n) } });
  }

  private itemsRenamedOrRelabelled(o: A.CriterionBody, n: A.CriterionBody): boolean {
    if (o.kind !== 'Combinator' || n.kind !== 'Combinator') return false;
    const byId = new Map<string | undefined, A.CriterionItem>();
    for (const x of n.items) if (!byId.has(x.id?.name)) byId.set(x.id?.name, x);
    return o.items.some((io) => {
      const twin = byId.get(io.id?.name);
      if (!twin) return true;
      return io.label?.value !== twin.label?.value || io.cites?.value !== twin.cites?.value || this.itemsRenamedOrRelabelled(io.body, twin.body);
    });
  }

  // ----------------------------------------------------------------- decide

  private rulesByKey: Map<string, RuleRef> | undefined;
  private ruleByKey(): ReadonlyMap<string, RuleRef> {
    return (this.rulesByKey ??= new Map(this.commonRules().map((r) => [r.key, r])));
  }

  private commonRules(): RuleRef[] {
    if (this.rules) return this.rules;
    const mo = new Map(this.po.decide.rules.map((r) => [ruleKey(r), r]));
    const out: RuleRef[] = [];
    for (const r of this.pn.decide.rules) {
      const o = mo.get(ruleKey(r));
      if (o) out.push({ key: ruleKey(r), old: o, new: r });
    }
    return (this.rules = out);
  }

  private decide() {
    const ro = this.po.decide.rules;
    const rn = this.pn.decide.rules;
    const mo = new Map(ro.map((r) => [ruleKey(r), r]));
    const mn = new Map(rn.map((r) => [ruleKey(r), r]));
    const defaultO = ro.some((r) => r.kind === 'DefaultTierRule');
    const defaultN = rn.some((r) => r.kind === 'DefaultTierRule');
    const defO = ro.find((r) => r.kind === 'DefaultTierRule');
    const defN = rn.find((r) => r.kind === 'DefaultTierRule');
    const othO = ro.find((r) => r.kind === 'OtherwiseRule');
    const othN = rn.find((r) => r.kind === 'OtherwiseRule');
    const renamed = new Set<string>();
    for (const [a, b] of [
      [defO, defN],
      [othO, othN],
    ] as const) {
      if (a && b && 'id' in a && 'id' in b && a.id.name !== b.id.name) {
        renamed.add(ruleKey(a));
        renamed.add(ruleKey(b));
        this.judged('decision', ruleWhat(b), `${a.id.name} → ${b.id.name}`, a.id.name, b.id.name, {
          meaning: true,
          direction: undefined,
          why: [`subjects that reach no other ${a.kind === 'DefaultTierRule' ? 'tier' : 'outcome'} get ${b.id.name} instead of ${a.id.name}`],
          affects: [ruleKey(b)],
          plan: { kind: 'order', rules: [] },
        });
      }
    }
    for (const r of rn) {
      const key = ruleKey(r);
      const o = mo.get(key);
      if (o) {
        if ('id' in o && 'id' in r) this.headingWording(ruleWhat(r), key, o, r);
        if ('body' in o && 'body' in r) this.bodies(o.body, r.body, `rule:${key}`, 'decision');
        if (o.kind === 'BenefitRule' && r.kind === 'BenefitRule') {
          const a = o.grantedTo.map((t) => t.name);
          const b = r.grantedTo.map((t) => t.name);
          if ([...a].sort().join() !== [...b].sort().join()) {
            const text = (xs: string[]) => (xs.length ? `for ${xs.join(', ')}` : 'on admission');
            this.judged('decision', 'benefit', r.id.name, text(a), text(b), {
              meaning: true,
              why: [`granted ${text(b)} (was ${text(a)})`],
              affects: [key],
              plan: { kind: 'benefit', targets: [...new Set([...a, ...b])] },
            });
          }
        }
        continue;
      }
      if (renamed.has(key)) continue;
      this.ruleAddedOrRemoved(r, true, defaultO, defaultN);
    }
    for (const r of ro) {
      if (mn.has(ruleKey(r)) || renamed.has(ruleKey(r))) continue;
      this.ruleAddedOrRemoved(r, false, defaultO, defaultN);
    }
    // Order of tiers and of outcomes: the first that holds wins.
    for (const kinds of [['TierRule'], ['OutcomeRule']] as const) {
      const seq = (rs: readonly A.DecisionRule[]) => rs.filter((r) => (kinds as readonly string[]).includes(r.kind)).map(ruleKey);
      const so = seq(ro).filter((k) => mn.has(k));
      const sn = seq(rn).filter((k) => mo.has(k));
      if (so.join('|') !== sn.join('|')) {
        const word = kinds[0] === 'TierRule' ? 'tier' : 'outcome';
        const refs = this.commonRules().filter((r) => r.new.kind === kinds[0]);
        this.judged('decision', `${word} order`, `${word}s`, so.map((k) => k.split(' ')[1]).join(' > '), sn.map((k) => k.split(' ')[1]).join(' > '), {
          meaning: true,
          direction: 'unknown',
          why: [`${word}s are tried in order and the first that holds wins: a subject meeting several now gets another one`],
          affects: refs.map((r) => r.key),
          plan: { kind: 'order', rules: refs },
        });
      }
    }
    // Exclusion order only changes which veto is named when several hold.
    const ex = (rs: readonly A.DecisionRule[]) => rs.filter((r) => r.kind === 'ExcludeRule').map(ruleKey);
    const eo = ex(ro).filter((k) => mn.has(k));
    const en = ex(rn).filter((k) => mo.has(k));
    if (eo.join('|') !== en.join('|')) {
      this.judged('wording', 'exclusion order', 'exclusions', eo.map((k) => k.split(' ')[1]).join(', '), en.map((k) => k.split(' ')[1]).join(', '), {
        meaning: false,
        why: ['when several exclusions hold, another one is named as the veto; the outcome is the same'],
        affects: [],
        plan: { kind: 'none', reason: 'the outcome does not change' },
      });
    }
  }

  private ruleAddedOrRemoved(r: A.DecisionRule, added: boolean, defaultOld: boolean, defaultNew: boolean) {
    const key = ruleKey(r);
    const body = 'body' in r ? printBody(r.body) : r.kind === 'BenefitRule' ? (r.grantedTo.length ? `for ${r.grantedTo.map((t) => t.name).join(', ')}` : 'on admission') : '(always)';
    let direction: Direction | undefined;
    let why: string;
    const id = 'id' in r ? r.id.name : '';
    switch (r.kind) {
      case 'AdmitRule':
        direction = added ? 'stricter' : 'looser';
        why = added ? 'an admission condition where every subject was admitted: fewer pass' : 'no admission condition any more: every subject not excluded is admitted';
        break;
      case 'ExcludeRule':
        direction = added ? 'stricter' : 'looser';
        why = added ? `a new exclusion: subjects meeting it are rejected` : `exclusion ${id} is gone: subjects it rejected can pass`;
        break;
      case 'TierRule': {
        const hasDefault = added ? defaultNew : defaultOld;
        direction = hasDefault ? 'unknown' : added ? 'looser' : 'stricter';
        why = hasDefault
          ? `${added ? 'a new tier' : `tier ${id} is gone`}: subjects meeting it move ${added ? `to ${id} from the tiers after it` : 'to the next tier that holds'} (tier migration; admission is unchanged because there is a default tier)`
          : added
            ? `a new tier and no default tier: subjects meeting only it were rejected and are now admitted`
            : `tier ${id} is gone and there is no default tier: subjects meeting only it are now rejected`;
        break;
      }
      case 'DefaultTierRule':
        direction = added ? 'looser' : 'stricter';
        why = added ? `subjects that reach no tier were rejected; now they get ${id}` : `subjects that reach no tier got ${id}; now they are rejected`;
        break;
      case 'OutcomeRule':
        direction = 'unknown';
        why = added ? `a new outcome: subjects meeting it (and no earlier outcome) get ${id}` : `outcome ${id} is gone: its subjects get the next outcome that holds`;
        break;
      case 'OtherwiseRule':
        direction = 'unknown';
        why = added ? `a new otherwise outcome ${id}` : `otherwise outcome ${id} is gone`;
        break;
      case 'PreferRule':
        direction = undefined;
        why = `${added ? 'a new' : 'a removed'} priority condition: reported with each decision; it never changes the outcome`;
        break;
      case 'BenefitRule':
        direction = undefined;
        why = `${added ? 'a new benefit' : 'a benefit no longer'} granted ${body}`;
        break;
    }
    this.judged('decision', ruleWhat(r), id || key, added ? undefined : body, added ? body : undefined, {
      meaning: true,
      direction,
      why: [why],
      affects: [key],
      plan: r.kind === 'BenefitRule' ? { kind: 'benefit', targets: r.grantedTo.map((t) => t.name) } : { kind: 'rule', added, rule: r },
    });
  }

  // ----------------------------------------------------------------- helpers

  private judged(
    category: ChangeCategory,
    what: string,
    name: string,
    old: string | undefined,
    neu: string | undefined,
    judged: { meaning: boolean; direction?: Direction | undefined; why: string[]; affects: string[]; plan: WitnessPlan; breaking?: boolean },
  ) {
    const change = { category, what, name, change: old === undefined ? ('added' as const) : neu === undefined ? ('removed' as const) : ('changed' as const), ...(old !== undefined ? { old } : {}), ...(neu !== undefined ? { new: neu } : {}) };
    const { direction, ...rest } = judged;
    this.pending.push({ change, judged: { ...rest, ...(direction ? { direction } : {}) } });
  }

  private wording(what: string, name: string, a: string | undefined, b: string | undefined) {
    if (a === b) return;
    this.judged('wording', what, name, a ?? '(none)', b ?? '(none)', { meaning: false, why: [], affects: [], plan: { kind: 'none', reason: 'labels and citations do not take part in decisions' } });
  }

  private headingWording(what: string, name: string, o: { label?: A.StringLiteral | undefined; cites?: A.StringLiteral | undefined }, n: { label?: A.StringLiteral | undefined; cites?: A.StringLiteral | undefined }) {
    this.wording(`${what} label`, name, o.label?.value, n.label?.value);
    this.wording(`${what} citation`, name, o.cites?.value, n.cites?.value);
  }

  /** Judge an edit found by listing: does it reach the decide block, and which way does it move it? */
  private finish(p: Pending): Change {
    if (p.judged) {
      const c: Change = { ...p.change, meaning: p.judged.meaning, ...(p.judged.breaking !== undefined ? { breaking: p.judged.breaking } : {}), ...(p.judged.direction ? { direction: p.judged.direction } : {}), why: p.judged.why, affects: p.judged.affects };
      plans.set(c, p.judged.plan);
      return c;
    }
    const owner = p.owner!;
    if (!this.reachedOrAbove.has(owner)) {
      const c: Change = { ...p.change, meaning: false, why: [...(p.change.why ?? []), 'not used by any decide rule: no decision changes'], affects: [] };
      plans.set(c, { kind: 'none', reason: 'the change does not reach the decide block' });
      return c;
    }
    const focused = new Analyzer(this.po, this.pn, this.so, this.sn, new Set([owner]), this.budget, this.matches).guidedBy(this.full);
    const rules: { ref: RuleRef; v: Verdict }[] = [];
    try {
      // An edit inside a rule is met only there; an edit of a definition, wherever it is used.
      const inRule = owner.startsWith('rule:') ? this.ruleByKey().get(owner.slice('rule:'.length).split('/')[0]!) : undefined;
      for (const r of inRule ? [inRule] : this.commonRules()) {
        if (!('body' in r.old) || !('body' in r.new)) continue;
        const v = focused.body(r.old.body, r.new.body, `rule:${r.key}`);
        if (v.dir !== 'equal' || v.why.length > 0) rules.push({ ref: r, v });
      }
    } catch (e) {
      if (!(e instanceof AnalysisBudgetSpent)) throw e;
      const c: Change = {
        ...p.change,
        meaning: true,
        direction: 'unknown',
        why: [...(p.change.why ?? []), `reaches the decide block; its direction on its own was not analysed: the analyses of this diff took more than ${this.limits.maxAnalysisSteps} steps (limits.maxAnalysisSteps)`],
        affects: [],
      };
      plans.set(c, { kind: 'none', reason: 'the direction of this edit was not analysed (limits.maxAnalysisSteps)' });
      return c;
    }
    let direction: Dir = 'equal';
    const why: string[] = [];
    const seen = new Set<string>();
    for (const { ref, v } of rules) {
      const mapped = ref.new.kind === 'ExcludeRule' ? flipDir(v.dir) : ref.new.kind === 'PreferRule' ? 'equal' : v.dir;
      direction = combineDir(direction, mapped);
      for (const w of v.why) if (!seen.has(w)) seen.add(w), why.push(w);
    }
    if (rules.length === 0) {
      // Reached only together with other edits (a field's type, a renamed definition): alone it decides nothing differently.
      const c: Change = { ...p.change, meaning: false, why: [...(p.change.why ?? []), 'on its own this edit changes no decision (the change in meaning is in the other changes listed)'], affects: [] };
      plans.set(c, { kind: 'none', reason: 'the edit alone changes no decision' });
      return c;
    }
    const onlyPriorities = rules.length > 0 && rules.every((r) => r.ref.new.kind === 'PreferRule');
    if (onlyPriorities) direction = 'equal';
    why.push(...ruleEffects(rules));
    const sites = rules.flatMap((r) => r.v.sites);
    let dir: Direction | undefined = direction === 'equal' ? (onlyPriorities ? undefined : 'unknown') : direction;
    // Custom outcomes have no single "pass": say which outcomes move instead of stricter / looser.
    const outcomesOnly = rules.length > 0 && rules.every((r) => r.ref.new.kind === 'OutcomeRule');
    const effect = outcomesOnly
      ? rules.map((r) => `${r.v.dir === 'stricter' ? 'fewer' : r.v.dir === 'looser' ? 'more' : 'other'} get ${(r.ref.new as A.OutcomeRule).id.name}`).join(', ')
      : undefined;
    if (outcomesOnly) dir = undefined;
    const c: Change = {
      ...p.change,
      meaning: true,
      ...(dir ? { direction: dir } : {}),
      ...(effect ? { effect } : {}),
      why: [...(p.change.why ?? []), ...why],
      affects: rules.map((r) => r.ref.key),
    };
    plans.set(c, { kind: 'sites', sites: dedupeSites(sites), rules: [...rules].sort((a, b) => a.v.hops - b.v.hops).map((r) => r.ref) });
    return c;
  }

  /** Per decide rule, the direction of all changes together. */
  impact(): RuleImpact[] {
    const out: RuleImpact[] = [];
    const a = new Analyzer(this.po, this.pn, this.so, this.sn);
    for (const r of this.commonRules()) {
      if (!('body' in r.old) || !('body' in r.new)) continue;
      const v = a.body(r.old.body, r.new.body, `rule:${r.key}`);
      if (v.dir === 'equal' && v.why.length === 0) continue;
      out.push({ rule: r.key, direction: v.dir === 'equal' ? 'unknown' : v.dir, why: [...new Set(v.why)] });
    }
    return out;
  }
}


function ruleEffects(rules: readonly { ref: RuleRef; v: Verdict }[]): string[] {
  const groups = new Map<string, string[]>();
  for (const { ref, v } of rules) {
    const kind = ref.new.kind;
    let text: string;
    const fewer = v.dir === 'stricter';
    const more = v.dir === 'looser';
    const amount = fewer ? 'fewer' : more ? 'more' : 'a different set of';
    switch (kind) {
      case 'AdmitRule':
        text = `${amount} subjects meet the admission condition`;
        break;
      case 'ExcludeRule':
        text = `${amount} subjects are excluded`;
        break;
      case 'TierRule':
        text = `${amount} subjects reach`;
        break;
      case 'OutcomeRule':
        text = `${amount} subjects get`;
        break;
      case 'PreferRule':
        text = `${amount} subjects meet (priorities never change the outcome)`;
        break;
      default:
        text = 'changes';
    }
    groups.set(text, [...(groups.get(text) ?? []), ref.key]);
  }
  return [...groups].map(([text, keys]) => (text.endsWith('reach') || text.endsWith('get') ? `${text} ${keys.join(', ')}` : `${keys.join(', ')}: ${text}`));
}

function dedupeSites(sites: readonly Site[]): Site[] {
  const seen = new Set<string>();
  return sites.filter((s) => {
    const key = `${s.owner}|${s.kind}|${s.old?.span.start ?? ''}|${s.new?.span.start ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function itemView(i: A.CriterionItem) {
  return { ...(i.id ? { id: i.id.name } : {}), body: i.body, item: i };
}

function modeText(c: A.Combinator): string {
  return c.mode === 'all' ? `all of (${c.items.length} items)` : c.mode === 'any' ? `any of (${c.items.length} items)` : `at least ${c.count?.raw} of (${c.items.length} items)`;
}

function ruleWhatOfOwner(owner: string): string {
  const key = owner.slice('rule:'.length);
  if (key === 'admit when') return 'admit when';
  return key.replace(/ [^ ]+$/, '');
}

/** How a type is written, with `?` for optional. */
export function typeText(t: Type | undefined, optional: boolean): string {
  if (!t) return '?';
  const s = ((): string => {
    switch (t.kind) {
      case 'enum':
      case 'record':
        return t.name;
      case 'list':
        return `list of ${typeText(t.element, false)}`;
      case 'monthly':
        return `monthly ${typeText(t.element, false)}`;
      case 'table':
        return `table ${typeText(t.key, false)} -> ${typeText(t.value, false)}`;
      default:
        return t.kind;
    }
  })();
  return optional ? `${s} (optional)` : s;
}

/** The shape of a type for data: enums and records by kind only. */
function typeKey(t: Type): string {
  switch (t.kind) {
    case 'enum':
      return 'enum';
    case 'record':
      return 'record';
    case 'list':
    case 'monthly':
      return `${t.kind}(${typeKey(t.element)})`;
    default:
      return t.kind;
  }
}

/** `Type.field` of every field some expression of the policy reads. */
function fieldsUsed(p: CheckedPolicy): Set<string> {
  const out = new Set<string>();
  for (const e of p.types.keys()) {
    if (e.kind !== 'MemberAccess') continue;
    const t = p.types.get(e.object);
    if (t?.kind === 'record') out.add(`${t.name}.${e.member.name}`);
  }
  return out;
}

/** Names of the enums some expression of the policy has as its type. */
function enumsIn(p: CheckedPolicy): Set<string> {
  const out = new Set<string>();
  const visit = (t: Type) => {
    if (t.kind === 'enum') out.add(t.name);
    else if (t.kind === 'list' || t.kind === 'monthly') visit(t.element);
  };
  for (const t of p.types.values()) visit(t);
  return out;
}

/** How the new effective period relates to the old one. */
function periodRelation(o: CheckedPolicy, n: CheckedPolicy): string[] {
  const out: string[] = [];
  const eo = o.effective;
  const en = n.effective;
  const sameVersion = o.version === n.version && o.id === n.id;
  // A version without until stays in force until the next version of the same id takes effect.
  const succession = !sameVersion && o.id === n.id && !eo.until && en.from > eo.from;
  const oldEnd = eo.until ?? (succession ? en.from : undefined);
  const start = eo.from > en.from ? eo.from : en.from;
  const ends = [oldEnd, en.until].filter((x): x is string => x !== undefined);
  const end = ends.length ? ends.sort()[0] : undefined;
  const overlap = end === undefined || start < end;
  if (sameVersion) {
    if (eo.from !== en.from) out.push(`version ${JSON.stringify(n.version)} now takes effect on ${en.from} instead of ${eo.from} (${daysBetween(eo.from, en.from)})`);
    if (eo.until !== en.until) out.push(`it now ${en.until ? `ends on ${en.until} (exclusive)` : 'has no end date'}${eo.until ? ` instead of ${eo.until}` : ' (it had none)'}`);
    const gained = en.from < eo.from ? `${en.from} until ${eo.from}` : undefined;
    const lost = en.from > eo.from ? `${eo.from} until ${en.from}` : undefined;
    if (lost) out.push(`on days from ${lost} (exclusive) this version no longer applies`);
    if (gained) out.push(`on days from ${gained} (exclusive) this version now applies`);
    out.push(overlap ? 'the new period overlaps the old one (the same version, re-dated)' : 'the new period does not overlap the old one');
    return out;
  }
  if (succession) {
    out.push(`the new version takes over on ${en.from}; the old one is in force from ${eo.from} until then`);
    out.push('no overlap: from that day the new version replaces the old one');
    return out;
  }
  if (overlap) {
    out.push(`the periods overlap from ${start}${end ? ` until ${end} (exclusive)` : ''}: both versions claim those days (bylaw check reports BYL3014 when both files are checked together)`);
  } else if (oldEnd && oldEnd === en.from) {
    out.push(`no overlap: the new version takes effect on ${en.from}, the day the old one ends (until is exclusive)`);
  } else if (oldEnd && oldEnd < en.from) {
    out.push(`no overlap, but a gap: no version is in force from ${oldEnd} until ${en.from} (exclusive)`);
  } else {
    out.push('no overlap');
  }
  return out;
}

function daysBetween(a: string, b: string): string {
  const d = (Cal.parseDay(b) ?? 0) - (Cal.parseDay(a) ?? 0);
  return `${Math.abs(d)} day${Math.abs(d) === 1 ? '' : 's'} ${d > 0 ? 'later' : 'earlier'}`;
}
