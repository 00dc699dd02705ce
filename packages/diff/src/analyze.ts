/**
 * Direction analysis: walk the old and new version of a condition side by
 * side and say whether the new one is met by fewer subjects (stricter), more
 * (looser), the same (equal), or whether that cannot be told (unknown).
 *
 * Conditions are monotone in their parts: `all of` / `and`, `any of` / `or`
 * and `at least N of` only grow when a part grows; `not` turns a part around;
 * `X >= t` grows when X grows and shrinks when t grows. Values get the same
 * treatment with up / down (numbers larger, dates later, lists and windows
 * wider, ordered enum members higher). The analysis follows names into the
 * definitions they refer to (criteria, lets, params, tables), so a changed
 * param shows up at every condition and decide rule that uses it.
 *
 * A *focus* restricts the analysis to some edits: differences owned by
 * anything else count as equal. The differ runs one unfocused analysis to
 * find every edit that reaches the decide block, then one per edit to learn
 * what that edit alone does.
 */
import type * as A from '@bylaw/dsl';
import { aggregation, assertNever, isLiteral, binaryOperator, binaryOverload, unaryOperator, type CheckedPolicy, type Monotone, type ResolvedName } from '@bylaw/dsl';
import { canonical, canonicalBody, flatten, oriented, printBody, printExpr } from './canonical.js';
import { compare, constOf, listHas, sameValue, showValue, type Scope, type Value } from './values.js';

/** Direction of a condition: stricter = the new condition is met by fewer subjects. */
export type Dir = 'equal' | 'stricter' | 'looser' | 'unknown';
/** Direction of a value: up = larger, later, wider, higher. */
export type VDir = 'equal' | 'up' | 'down' | 'unknown';

/**
 * Where a change meets a condition: the pair of atoms (comparisons, memberships
 * or whole conditions) whose truth the change moves. Witness search aims here.
 */
export interface Site {
  /** The owner of the atom (`crit:silver_standard/silver_paid`). */
  readonly owner: string;
  /**
   * The groups around the atom inside its criterion or rule, outermost first,
   * with the sibling items in each version: a witness makes the siblings
   * neutral (true in all of, false in any of) so that the atom decides.
   */
  readonly context?: readonly Level[];
  /**
   * Set for an atom inside an aggregation (`any(r in reports: …)`): the
   * aggregation in each version and the groups around it. A witness adds one
   * element to the aggregated list and aims the atom at that element.
   */
  readonly within?: { readonly old: A.AggregateExpr; readonly new: A.AggregateExpr; readonly outer: readonly Level[] };
  readonly kind: 'compare' | 'member' | 'condition';
  /** The condition in each version (undefined where it was added or removed). */
  readonly old?: A.CriterionBody;
  readonly new?: A.CriterionBody;
}

/** One group around a site: its mode and the other items in each version. */
export interface Level {
  readonly mode: A.CombinatorMode;
  readonly need: number;
  readonly old: readonly A.CriterionBody[];
  readonly new: readonly A.CriterionBody[];
}

/** The result of comparing two conditions. */
export interface Verdict {
  readonly dir: Dir;
  readonly why: readonly string[];
  readonly sites: readonly Site[];
  /** Criterion references between here and the nearest change (for ordering witness searches). */
  readonly hops: number;
}

/** The result of comparing two values. */
export interface VVerdict {
  readonly dir: VDir;
  readonly why: readonly string[];
  readonly sites: readonly Site[];
  readonly hops: number;
  /** When both sides are constants: their values. */
  readonly from?: Value;
  readonly to?: Value;
}

const EQUAL: Verdict = Object.freeze({ dir: 'equal', why: [], sites: [], hops: Infinity }) as Verdict;
const VEQUAL: VVerdict = Object.freeze({ dir: 'equal', why: [], sites: [], hops: Infinity }) as VVerdict;

/** Combine the directions of two monotone (increasing) parts. */
export function combineDir(a: Dir, b: Dir): Dir {
  if (a === 'equal') return b;
  if (b === 'equal') return a;
  return a === b ? a : 'unknown';
}

function joinV(a: Verdict, b: Verdict): Verdict {
  if (b.dir === 'equal' && b.why.length === 0 && b.sites.length === 0) return a;
  if (a.dir === 'equal' && a.why.length === 0 && a.sites.length === 0) return b;
  return { dir: combineDir(a.dir, b.dir), why: [...a.why, ...b.why], sites: [...a.sites, ...b.sites], hops: Math.min(a.hops, b.hops) };
}

function joinVV(a: VVerdict, b: VVerdict): VVerdict {
  if (b.dir === 'equal' && b.why.length === 0) return a;
  if (a.dir === 'equal' && a.why.length === 0) return b;
  const dir: VDir = a.dir === 'equal' ? b.dir : b.dir === 'equal' ? a.dir : a.dir === b.dir ? a.dir : 'unknown';
  return { dir, why: [...a.why, ...b.why], sites: [...a.sites, ...b.sites], hops: Math.min(a.hops, b.hops) };
}

/**
 * `joinV` folded over many verdicts, in linear time: the fold copies its growing lists at
 * every step, which is quadratic for a group of thousands of changed items.
 */
function joinAllV(parts: readonly Verdict[]): Verdict {
  let acc: Verdict = EQUAL;
  let owned: { dir: Dir; why: string[]; sites: Site[]; hops: number } | undefined;
  for (const b of parts) {
    if (b.dir === 'equal' && b.why.length === 0 && b.sites.length === 0) continue;
    const cur = owned ?? acc;
    if (cur.dir === 'equal' && cur.why.length === 0 && cur.sites.length === 0) {
      acc = b;
      owned = undefined;
      continue;
    }
    owned ??= { dir: acc.dir, why: [...acc.why], sites: [...acc.sites], hops: acc.hops };
    owned.dir = combineDir(owned.dir, b.dir);
    for (const w of b.why) owned.why.push(w);
    for (const x of b.sites) owned.sites.push(x);
    owned.hops = Math.min(owned.hops, b.hops);
  }
  return owned ?? acc;
}

/** `joinVV` folded over many verdicts, in linear time (see {@link joinAllV}). */
function joinAllVV(parts: readonly VVerdict[]): VVerdict {
  let acc: VVerdict = VEQUAL;
  let owned: { dir: VDir; why: string[]; sites: Site[]; hops: number } | undefined;
  for (const b of parts) {
    if (b.dir === 'equal' && b.why.length === 0) continue;
    const cur = owned ?? acc;
    if (cur.dir === 'equal' && cur.why.length === 0) {
      acc = b;
      owned = undefined;
      continue;
    }
    owned ??= { dir: acc.dir, why: [...acc.why], sites: [...acc.sites], hops: acc.hops };
    owned.dir = owned.dir === 'equal' ? b.dir : b.dir === 'equal' ? owned.dir : owned.dir === b.dir ? owned.dir : 'unknown';
    for (const w of b.why) owned.why.push(w);
    for (const x of b.sites) owned.sites.push(x);
    owned.hops = Math.min(owned.hops, b.hops);
  }
  return owned ?? acc;
}

/** Turn a condition verdict around (`not`, exclusions). */
export function flipDir(d: Dir): Dir {
  return d === 'stricter' ? 'looser' : d === 'looser' ? 'stricter' : d;
}

function flipV(v: Verdict): Verdict {
  return { ...v, dir: flipDir(v.dir) };
}

function flipVV(v: VVerdict): VVerdict {
  return { ...v, dir: v.dir === 'up' ? 'down' : v.dir === 'down' ? 'up' : v.dir };
}

/** A value direction read as a condition direction: up = more subjects meet it. */
function asCond(v: VVerdict): Verdict {
  return { dir: v.dir === 'up' ? 'looser' : v.dir === 'down' ? 'stricter' : v.dir === 'equal' ? 'equal' : 'unknown', why: v.why, sites: v.sites, hops: v.hops };
}

function asVal(v: Verdict): VVerdict {
  return { dir: v.dir === 'looser' ? 'up' : v.dir === 'stricter' ? 'down' : v.dir, why: v.why, sites: v.sites, hops: v.hops };
}

function leaf(dir: Dir, why: string, sites: Site[] = []): Verdict {
  return { dir, why: [why], sites, hops: 0 };
}

function vleaf(dir: VDir, why: string, from?: Value, to?: Value): VVerdict {
  return { dir, why: why ? [why] : [], sites: [], hops: 0, ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

/** How a person reads an owner key: `silver_standard › silver_paid`, `tier silver`. */
export function ownerLabel(owner: string): string {
  const colon = owner.indexOf(':');
  const rest = owner.slice(colon + 1);
  return rest
    .split('/')
    .filter((part) => part !== ':mode')
    .map((part) => (part.startsWith('#') ? `(item ${part.slice(1)})` : part))
    .join(' › ');
}

// ---------------------------------------------------------------------------
// Groups and item matching

/** A combinator or an and/or chain seen as a group of items. */
export interface Group {
  readonly mode: A.CombinatorMode;
  /** Items needed: all = items.length, any = 1, at least N = N. */
  readonly need: number;
  readonly items: readonly { readonly id?: string; readonly body: A.CriterionBody; readonly item?: A.CriterionItem }[];
}

/** The body as a group of items, or undefined for a single condition. */
export function asGroup(b: A.CriterionBody): Group | undefined {
  if (b.kind === 'Combinator') {
    const need = b.mode === 'all' ? b.items.length : b.mode === 'any' ? 1 : Number(b.count?.value ?? 1);
    return { mode: b.mode, need, items: b.items.map((i) => ({ ...(i.id ? { id: i.id.name } : {}), body: i.body, item: i })) };
  }
  if (b.kind === 'BinaryExpr' && (b.operator === 'and' || b.operator === 'or')) {
    const items = flatten(b, b.operator).map((body) => ({ body }));
    return { mode: b.operator === 'and' ? 'all' : 'any', need: b.operator === 'and' ? items.length : 1, items };
  }
  return undefined;
}

/** A pair of matched items (one side missing for added or removed items). */
export interface ItemPair<T> {
  readonly key: string;
  readonly old?: T;
  readonly new?: T;
}

/**
 * Match the items of two groups: by id, then by equal bodies (a renamed or
 * newly named item), then unnamed items by the quantity they test, then the
 * rest in order when both sides have the same number left.
 */
export function matchItems<T extends { readonly id?: string; readonly body: A.CriterionBody }>(
  olds: readonly T[],
  news: readonly T[],
  po: CheckedPolicy,
  pn: CheckedPolicy,
): ItemPair<T>[] {
  // Each pass takes, for a new item, the first unused old item that fits: kept linear with
  // queues of old indices by id, by body and by quantity, each read once from its front.
  const pairs: { o?: number; n?: number }[] = [];
  const usedO = new Set<number>();
  const usedN = new Set<number>();
  const pair = (o: number, n: number) => {
    usedO.add(o);
    usedN.add(n);
    pairs.push({ o, n });
  };
  const queues = <K>(keyOf: (o: T, k: number) => K | undefined) => {
    const byKey = new Map<K, { items: number[]; next: number }>();
    olds.forEach((o, k) => {
      const key = keyOf(o, k);
      if (key === undefined) return;
      let q = byKey.get(key);
      if (!q) byKey.set(key, (q = { items: [], next: 0 }));
      q.items.push(k);
    });
    return (key: K | undefined): number => {
      const q = key === undefined ? undefined : byKey.get(key);
      if (!q) return -1;
      while (q.next < q.items.length && usedO.has(q.items[q.next]!)) q.next++;
      return q.next < q.items.length ? q.items[q.next++]! : -1;
    };
  };
  const byId = queues((o) => o.id);
  news.forEach((n, j) => {
    if (!n.id) return;
    const i = byId(n.id);
    if (i >= 0) pair(i, j);
  });
  if (usedN.size < news.length) {
    const newIds = new Set(news.map((n) => n.id).filter((id) => id !== undefined));
    const oldKeys = olds.map((o, k) => (usedO.has(k) ? undefined : canonicalBody(o.body, po)));
    // A named new item may take an old item only if that one is unnamed or its name is gone.
    const byBody = queues((_o, k) => oldKeys[k]);
    const byBodyFree = queues((o, k) => (!o.id || !newIds.has(o.id) ? oldKeys[k] : undefined));
    news.forEach((n, j) => {
      if (usedN.has(j)) return;
      const key = canonicalBody(n.body, pn);
      const i = n.id ? byBodyFree(key) : byBody(key);
      if (i >= 0) pair(i, j);
    });
  }
  const quantity = (b: A.CriterionBody, p: CheckedPolicy) => {
    if (b.kind !== 'BinaryExpr') return undefined;
    const o = oriented(b, p);
    return ['<', '<=', '>', '>=', '=', '!=', 'in', 'not in'].includes(o.op) ? canonical(o.left, p) : undefined;
  };
  const byQuantity = queues((o) => (o.id ? undefined : quantity(o.body, po)));
  news.forEach((n, j) => {
    if (usedN.has(j) || n.id) return;
    const q = quantity(n.body, pn);
    if (q === undefined) return;
    const i = byQuantity(q);
    if (i >= 0) pair(i, j);
  });
  const restO = olds.map((_, i) => i).filter((i) => !usedO.has(i) && !olds[i]!.id);
  const restN = news.map((_, j) => j).filter((j) => !usedN.has(j) && !news[j]!.id);
  if (restO.length === restN.length) restO.forEach((i, k) => pair(i, restN[k]!));
  olds.forEach((_, i) => {
    if (!usedO.has(i)) pairs.push({ o: i });
  });
  news.forEach((_, j) => {
    if (!usedN.has(j)) pairs.push({ n: j });
  });
  // In the order of the new version, removed items where they stood.
  const order = (x: { o?: number; n?: number }) => (x.n !== undefined ? x.n : (x.o ?? 0) - 0.5);
  pairs.sort((a, b) => order(a) - order(b));
  return pairs.map((x) => {
    const o = x.o !== undefined ? olds[x.o] : undefined;
    const n = x.n !== undefined ? news[x.n] : undefined;
    const key = n?.id ?? o?.id ?? `#${(x.n ?? x.o ?? 0) + 1}`;
    return { key, ...(o ? { old: o } : {}), ...(n ? { new: n } : {}) };
  });
}

/**
 * The group around an item, with the other items of each version. The lists are made when a
 * witness reads them (for the few sites it aims at), not for every item of every group: a
 * group of n items would otherwise cost n lists of n − 1.
 */
class Siblings<T extends { readonly body: A.CriterionBody }> implements Level {
  private o: A.CriterionBody[] | undefined;
  private n: A.CriterionBody[] | undefined;
  constructor(
    readonly mode: A.CombinatorMode,
    readonly need: number,
    private readonly go: { readonly items: readonly T[] },
    private readonly gn: { readonly items: readonly T[] },
    private readonly pair: ItemPair<T>,
  ) {}
  get old(): readonly A.CriterionBody[] {
    return (this.o ??= this.go.items.filter((i) => i !== this.pair.old).map((i) => i.body));
  }
  get new(): readonly A.CriterionBody[] {
    return (this.n ??= this.gn.items.filter((i) => i !== this.pair.new).map((i) => i.body));
  }
}

// ---------------------------------------------------------------------------
// The analyzer


/** Thrown when an analysis takes more steps than its budget (see `maxAnalysisSteps`). */
export class AnalysisBudgetSpent extends Error {
  constructor() {
    super('the analysis budget is spent');
  }
}

const criteriaByName = new WeakMap<CheckedPolicy, ReadonlyMap<string, A.CriterionDecl>>();
/** A policy's criteria by name, made once per policy (a search per name is quadratic in a large policy). */
function criteriaOf(p: CheckedPolicy): ReadonlyMap<string, A.CriterionDecl> {
  let m = criteriaByName.get(p);
  if (!m) criteriaByName.set(p, (m = new Map(p.criteria.map((c) => [c.id.name, c]))));
  return m;
}

/** Compares two versions of a policy, optionally restricted to some edits. */
export class Analyzer {
  private readonly critMemo = new Map<string, Verdict>();
  private readonly letMemo = new Map<string, VVerdict>();
  private readonly nameMemo = new Map<string, VVerdict>();
  /** Every owner where a difference was found, with what was found there. */
  readonly reached = new Map<string, string[]>();
  /** The groups around the current position (within one criterion, let or rule). */
  private chain: Level[] = [];
  /** The aggregations around the current position. Sites are kept one aggregation deep. */
  private aggStack: { old: A.AggregateExpr; new: A.AggregateExpr; outer: Level[] }[] = [];

  /** Whether conditions here may be witness sites, and what they sit in. */
  private siteFrame(agg: boolean): { ok: boolean; within?: Site['within'] } {
    if (agg || this.aggStack.length > 1) return { ok: false };
    const top = this.aggStack[0];
    return top ? { ok: true, within: { old: top.old, new: top.new, outer: top.outer } } : { ok: true };
  }

  constructor(
    readonly po: CheckedPolicy,
    readonly pn: CheckedPolicy,
    readonly so: Scope,
    readonly sn: Scope,
    private readonly focus?: ReadonlySet<string>,
    /** Steps this analysis may take, shared by the analyses of one diff; past it, {@link AnalysisBudgetSpent} is thrown. */
    private readonly budget?: { spent: number; readonly max: number },
    /** Item matchings, shared by the analyses of one diff (they depend on the two groups only). */
    private readonly matches: WeakMap<A.CriterionBody, Map<A.CriterionBody, ItemPair<Group['items'][number]>[]>> = new WeakMap(),
  ) {}

  /**
   * For each criterion (`crit:name`) and other definition (`def:name`) analysed, the owners of
   * the differences found in it, through the definitions it uses, and every owner above one.
   * A focused analysis skips a definition in which its edit was not found.
   */
  readonly found = new Map<string, Set<string>>();
  /** The sets of the definitions being analysed, innermost last. */
  private collecting: Set<string>[] = [];
  /** Set on a focused analysis: the unfocused one of the same diff, whose {@link found} says where to look. */
  private guide?: Analyzer;

  /** Focus this analysis on one edit, looking only into the definitions where `full` found it. */
  guidedBy(full: Analyzer): this {
    this.guide = full;
    return this;
  }

  /** Whether a focused analysis can skip a definition: the unfocused one found nothing of the focus in it. */
  private skip(key: string): boolean {
    if (!this.guide || !this.focus) return false;
    const found = this.guide.found.get(key);
    if (!found) return false;
    for (const f of this.focus) if (found.has(f)) return false;
    return true;
  }

  /** Analyse a definition, keeping the owners found in it (and adding them to the definitions around it). */
  private collect<V>(key: string, analyse: () => V): V {
    if (this.focus) return analyse();
    const found = new Set<string>();
    this.collecting.push(found);
    try {
      return analyse();
    } finally {
      this.collecting.pop();
      this.found.set(key, found);
      const around = this.collecting.at(-1);
      if (around) for (const o of found) around.add(o);
    }
  }

  /** A memoized definition met again: what was found in it counts for the definitions around it too. */
  private met(key: string): void {
    const around = this.collecting.at(-1);
    const found = this.found.get(key);
    if (around && found) for (const o of found) around.add(o);
  }

  /** One step of the analysis, counted against the budget when there is one. */
  private step(): void {
    if (this.budget && ++this.budget.spent > this.budget.max) throw new AnalysisBudgetSpent();
  }

  private matched(go: Group, gn: Group, ob: A.CriterionBody, nb: A.CriterionBody): ItemPair<Group['items'][number]>[] {
    let byNew = this.matches.get(ob);
    if (!byNew) this.matches.set(ob, (byNew = new Map()));
    let pairs = byNew.get(nb);
    if (!pairs) byNew.set(nb, (pairs = matchItems(go.items, gn.items, this.po, this.pn)));
    return pairs;
  }

  /** Whether differences owned by `owner` count: the focus holds it or one of its ancestors. */
  private inFocus(owner: string): boolean {
    if (!this.focus) return true;
    for (const f of this.focus) if (owner === f || owner.startsWith(f + '/')) return true;
    return false;
  }

  private mark(owner: string, v: Verdict | VVerdict): void {
    let found = this.reached.get(owner);
    if (!found) this.reached.set(owner, (found = []));
    for (const w of v.why) found.push(w);
    const around = this.collecting.at(-1);
    if (around) {
      // The owner and every owner above it, so that a focus on either is found by one lookup.
      around.add(owner);
      for (let at = owner.indexOf('/'); at >= 0; at = owner.indexOf('/', at + 1)) around.add(owner.slice(0, at));
    }
  }

  // ------------------------------------------------------------- conditions

  /** Compare two criterion bodies owned by `owner`. */
  body(o: A.CriterionBody, n: A.CriterionBody, owner: string, agg = false): Verdict {
    this.step();
    const go = asGroup(o);
    const gn = asGroup(n);
    if (go || gn) {
      // A single condition is a group of one, of whatever mode the other side has.
      const single = (b: A.CriterionBody, other: Group): Group => ({ mode: other.mode === 'atLeast' ? 'all' : other.mode, need: 1, items: [{ body: b }] });
      return this.group(go ?? single(o, gn!), gn ?? single(n, go!), o, n, owner, agg);
    }
    return this.cond(o as A.Expression, n as A.Expression, owner, agg);
  }

  private group(go: Group, gn: Group, ob: A.CriterionBody, nb: A.CriterionBody, owner: string, agg: boolean): Verdict {
    const parts: Verdict[] = [];
    const oldLen = go.items.length;
    const newLen = gn.items.length;
    const modeChanged = go.mode !== gn.mode || (go.mode === 'atLeast' && go.need !== gn.need);
    // The mode of each side only matters where it changed; items are judged under the new mode.
    const modeOwner = `${owner}/:mode`;
    if (modeChanged && this.inFocus(modeOwner)) {
      const wordO = modeWord(go);
      const wordN = modeWord(gn);
      // Requiring more of the same items is stricter; compare the share of items needed.
      const shareO = go.need / Math.max(1, oldLen);
      const shareN = gn.need / Math.max(1, newLen);
      const dir: Dir = shareN > shareO ? 'stricter' : shareN < shareO ? 'looser' : 'unknown';
      const f = this.siteFrame(agg);
      const m = leaf(dir, `${ownerLabel(owner)}: ${wordO} becomes ${wordN}`, f.ok ? [{ owner, kind: 'condition', context: [...this.chain], ...(f.within ? { within: f.within } : {}), old: ob, new: nb }] : []);
      this.mark(modeOwner, m);
      parts.push(m);
    }
    const mode = modeChanged && !this.inFocus(modeOwner) ? go.mode : gn.mode;
    for (const pair of this.matched(go, gn, ob, nb)) {
      this.step();
      const itemOwner = `${owner}/${pair.key}`;
      const level = new Siblings(gn.mode, gn.need, go, gn, pair);
      if (pair.old && pair.new) {
        this.chain.push(level);
        try {
          parts.push(this.body(pair.old.body, pair.new.body, itemOwner, agg));
        } finally {
          this.chain.pop();
        }
        continue;
      }
      if (!this.inFocus(itemOwner)) continue;
      const added = pair.new !== undefined;
      const body = (pair.new ?? pair.old)!.body;
      // An item more in all of is one more condition to meet; in any of / at least, one more way to pass.
      const dir: Dir = mode === 'all' ? (added ? 'stricter' : 'looser') : added ? 'looser' : 'stricter';
      const what = mode === 'all' ? (added ? 'one more condition to meet' : 'one condition fewer to meet') : added ? 'one more way to pass' : 'one way fewer to pass';
      const f = this.siteFrame(agg);
      const m = leaf(dir, `${ownerLabel(itemOwner)} ${added ? 'added' : 'removed'} (${modeWord({ ...gn, mode })}: ${what}): ${printBody(body)}`, f.ok ? [{ owner: itemOwner, kind: 'condition', context: [...this.chain, level], ...(f.within ? { within: f.within } : {}), ...(added ? { new: body } : { old: body }) }] : []);
      this.mark(itemOwner, m);
      parts.push(m);
    }
    return joinAllV(parts);
  }

  private cond(o: A.Expression, n: A.Expression, owner: string, agg: boolean): Verdict {
    const v = this.condInner(o, n, owner, agg);
    const f = this.siteFrame(agg);
    if (v.dir === 'equal' || !f.ok) return v;
    // Sites are the outermost atoms: this condition replaces what was found inside it, except
    // the sites inside an aggregation it holds; a name keeps the sites of its definition.
    if (o.kind === 'NameRef' || o.kind === 'UnaryExpr') return v;
    // The witness strategy of the operator's declaration: a bound to aim at, a list to add to, or the condition as a whole.
    const witness = o.kind === 'BinaryExpr' ? binaryOperator(o.operator).witness.kind : undefined;
    const kind: Site['kind'] = witness === 'member' ? 'member' : witness === 'compare' ? 'compare' : 'condition';
    const inner = f.within ? [] : v.sites.filter((x) => x.within);
    return { ...v, sites: [{ owner, kind, context: [...this.chain], ...(f.within ? { within: f.within } : {}), old: o, new: n }, ...inner] };
  }

  private condInner(o: A.Expression, n: A.Expression, owner: string, agg: boolean): Verdict {
    const po = this.po;
    const pn = this.pn;
    const same = o.kind === n.kind ? this.sameKindCond(o, n, owner, agg) : undefined;
    if (same) return same;
    // Different shapes.
    if (canonical(o, po) === canonical(n, pn)) return EQUAL;
    if (!this.inFocus(owner)) return EQUAL;
    const co = constOf(o, this.so);
    const cn = constOf(n, this.sn);
    if (co?.kind === 'bool' && cn?.kind === 'bool') {
      if (co.value === cn.value) return EQUAL;
      const m = leaf(cn.value ? 'looser' : 'stricter', `${ownerLabel(owner)}: ${printExpr(o)} (${co.value}) becomes ${printExpr(n)} (${cn.value})`);
      this.mark(owner, m);
      return m;
    }
    return this.unknownHere(owner, `${ownerLabel(owner)}: the condition was rewritten (${printExpr(o)} → ${printExpr(n)}); which subjects it admits cannot be ordered`);
  }

  /** Two conditions of the same kind, compared part by part; undefined to compare them whole. */
  private sameKindCond(o: A.Expression, n: A.Expression, owner: string, agg: boolean): Verdict | undefined {
    const po = this.po;
    const pn = this.pn;
    switch (o.kind) {
      case 'BinaryExpr':
        return this.binaryCond(o, n as A.BinaryExpr, owner, agg);
      case 'UnaryExpr': {
        const nn = n as A.UnaryExpr;
        return o.operator === 'not' && nn.operator === 'not' ? flipV(this.body(o.operand, nn.operand, owner, agg)) : undefined;
      }
      case 'NameRef': {
        if (o.name !== (n as A.NameRef).name) return undefined;
        const ro = po.names.get(o);
        const rn = pn.names.get(n);
        if (ro?.kind === 'criterion' && rn?.kind === 'criterion') return this.criterion(o.name);
        return asCond(this.name(o, n as A.NameRef, owner));
      }
      case 'AggregateExpr': {
        const nn = n as A.AggregateExpr;
        // An aggregation that is a condition (any, all).
        return o.fn === nn.fn && po.types.get(o)?.kind === 'bool' ? asCond(this.aggregate(o, nn, owner)) : undefined;
      }
      case 'PresenceExpr': {
        const nn = n as A.PresenceExpr;
        if (o.present !== nn.present) return undefined;
        const v = this.val(o.operand, nn.operand, owner, true);
        return v.dir === 'equal' ? EQUAL : this.unknownHere(owner, `${ownerLabel(owner)}: ${printExpr(n)} — tests another value`);
      }
      case 'SatisfiesExpr': {
        const nn = n as A.SatisfiesExpr;
        const v = this.val(o.subject, nn.subject, owner, true);
        if (o.policy.text === nn.policy.text && v.dir === 'equal') return EQUAL;
        return this.unknownHere(owner, `${ownerLabel(owner)}: ${printExpr(n)} — refers to another policy or subject`);
      }
      case 'ConditionalExpr': {
        const nn = n as A.ConditionalExpr;
        const c = this.body(o.condition, nn.condition, owner, true);
        if (c.dir !== 'equal') return this.unknownHere(owner, `${ownerLabel(owner)}: the if condition changed`);
        return joinV(this.body(o.then, nn.then, owner, agg), this.body(o.otherwise, nn.otherwise, owner, agg));
      }
      case 'MemberAccess':
      case 'IndexAccess':
        return asCond(this.val(o, n, owner, agg));
      case 'BoolLiteral': {
        const nn = n as A.BoolLiteral;
        if (o.value === nn.value) return EQUAL;
        if (!this.inFocus(owner)) return EQUAL;
        const m = leaf(nn.value ? 'looser' : 'stricter', `${ownerLabel(owner)}: ${o.value} becomes ${nn.value}`);
        this.mark(owner, m);
        return m;
      }
      // Values, not conditions: compared whole.
      case 'NumberLiteral':
      case 'StringLiteral':
      case 'DateLiteral':
      case 'DateTimeLiteral':
      case 'DurationLiteral':
      case 'ListLiteral':
      case 'TodayRef':
      case 'NowRef':
      case 'PeriodExpr':
      case 'DuringExpr':
        return undefined;
      default:
        return assertNever(o);
    }
  }

  /** Two tests or logic operators: thresholds, membership, equality; undefined when the operators differ. */
  private binaryCond(o: A.BinaryExpr, n: A.BinaryExpr, owner: string, agg: boolean): Verdict | undefined {
    const po = this.po;
    const pn = this.pn;
    const a = oriented(o, po);
    const b = oriented(n, pn);
    const bound = boundOf(a.op);
    if (bound && bound === boundOf(b.op)) {
      const vl = this.val(a.left, b.left, owner, agg);
      const vr = this.val(a.right, b.right, owner, agg);
      const lower = bound === 'lower';
      let v: Verdict = joinV(lower ? asCond(vl) : flipV(asCond(vl)), lower ? flipV(asCond(vr)) : asCond(vr));
      if (a.op !== b.op && this.inFocus(owner)) {
        // >= → > and <= → < drop the boundary value itself.
        const strict = !includesBound(b.op);
        const m = leaf(strict ? 'stricter' : 'looser', `${a.op} becomes ${b.op}: the boundary value itself ${strict ? 'no longer passes' : 'now passes'}`);
        this.mark(owner, m);
        v = joinV(v, m);
      }
      if (v.dir !== 'equal' && vr.dir !== 'equal' && vl.dir === 'equal') {
        v = { ...v, why: [thresholdSentence(owner, b, lower, vr)] };
      } else if (v.dir !== 'equal' && vl.dir !== 'equal') {
        v = { ...v, why: [`${ownerLabel(owner)}: ${printExpr(n)} — the quantity compared changed (${vl.why.join('; ')})${vr.dir !== 'equal' ? `; the bound changed (${vr.why.join('; ')})` : ''}`] };
      }
      return v;
    }
    const decl = binaryOperator(a.op);
    if (a.op === b.op && decl.category === 'logic') {
      // Reached only for non-group use (groups are handled by body()).
      return this.body(o, n, owner, agg);
    }
    if (a.op === b.op && decl.category === 'test') {
      const lt = po.types.get(a.left);
      const rt = po.types.get(a.right);
      const overload = lt && rt ? binaryOverload(a.op, lt, rt) : undefined;
      const direction = overload?.direction ?? decl.direction;
      const vl = this.val(a.left, b.left, owner, agg);
      const vr = this.val(a.right, b.right, owner, agg);
      if (direction.left === 'none' && direction.right === 'none') {
        // A test of equality (= != starts with …): another value is another question.
        if (vl.dir === 'equal' && vr.dir === 'equal') return EQUAL;
        const detail = [...vl.why, ...vr.why].join('; ');
        return { ...this.unknownHere(owner, `${ownerLabel(owner)}: ${printExpr(n)} — now asks for a different value${detail ? ` (${detail})` : ''}: some subjects pass only under the old version, others only under the new`), sites: [] };
      }
      // A membership test: the list may grow or shrink; the value looked up must stay.
      const listLeft = direction.left !== 'none';
      const [list, value, moves] = listLeft ? [vl, vr, direction.left] : [vr, vl, direction.right];
      if (value.dir !== 'equal') return this.unknownHere(owner, `${ownerLabel(owner)}: ${printExpr(n)} — now tests a different value (${value.why.join('; ')})`);
      let v = asCond(list);
      if (moves === 'down') v = flipV(v);
      if (v.dir !== 'equal') v = { ...v, why: [`${ownerLabel(owner)}: ${printExpr(n)} — ${listChange(list, moves === 'up')}`] };
      return v;
    }
    return undefined;
  }

  private unknownHere(owner: string, why: string): Verdict {
    if (!this.inFocus(owner)) return EQUAL;
    const m = leaf('unknown', why);
    this.mark(owner, m);
    return m;
  }

  /** The verdict of a criterion by name (memoized). */
  criterion(name: string): Verdict {
    const key = `crit:${name}`;
    const memo = this.critMemo.get(name);
    if (memo) {
      this.met(key);
      return memo;
    }
    if (this.skip(key)) return EQUAL;
    const o = criteriaOf(this.po).get(name);
    const n = criteriaOf(this.pn).get(name);
    this.critMemo.set(name, EQUAL); // cycles are impossible after checking; this guards anyway
    const saved = this.chain;
    this.chain = [];
    let v: Verdict;
    try {
      v = o && n ? this.collect(key, () => this.body(o.body, n.body, key)) : EQUAL;
    } finally {
      this.chain = saved;
    }
    const out: Verdict = v.dir === 'equal' && v.sites.length === 0 ? v : { ...v, hops: v.hops + 1 };
    this.critMemo.set(name, out);
    return out;
  }

  // ----------------------------------------------------------------- values

  /** Compare two value expressions. */
  val(o: A.Expression, n: A.Expression, owner: string, agg = false): VVerdict {
    this.step();
    const po = this.po;
    const pn = this.pn;
    if (isLiteral(o) && isLiteral(n)) return this.constants(o, n, owner);
    if (o.kind === 'NameRef' && n.kind === 'NameRef' && o.name === n.name) return this.name(o, n, owner);
    const eo = po.names.get(o);
    const en = pn.names.get(n);
    if (eo?.kind === 'enumMember' && en?.kind === 'enumMember') return this.constants(o, n, owner);
    if (o.kind === n.kind) {
      switch (o.kind) {
        case 'TodayRef':
        case 'NowRef':
          return VEQUAL;
        case 'MemberAccess': {
          const nn = n as A.MemberAccess;
          const obj = this.val(o.object, nn.object, owner, agg);
          if (o.member.name !== nn.member.name) return this.vunknown(owner, `${printExpr(o)} becomes ${printExpr(nn)}`);
          return joinVV(obj, this.fieldDefault(o, nn));
        }
        case 'IndexAccess': {
          const nn = n as A.IndexAccess;
          const key = this.val(o.index, nn.index, owner, agg);
          if (key.dir !== 'equal') return this.vunknown(owner, `${printExpr(n)} looks up another key`);
          return this.val(o.object, nn.object, owner, agg);
        }
        case 'UnaryExpr': {
          const nn = n as A.UnaryExpr;
          if (o.operator !== nn.operator) break;
          const inner = o.operator === 'not' ? asVal(this.body(o.operand, nn.operand, owner, agg)) : this.val(o.operand, nn.operand, owner, agg);
          return moved(inner, unaryOperator(o.operator).direction) ?? this.vunknown(owner, `${printExpr(n)}: the operand changed`);
        }
        case 'BinaryExpr': {
          const nn = n as A.BinaryExpr;
          if (o.operator !== nn.operator) break;
          const decl = binaryOperator(o.operator);
          if (decl.category !== 'arithmetic') {
            // A condition in value position (a bool let).
            return asVal(this.body(o, nn, owner, agg));
          }
          const l = this.val(o.left, nn.left, owner, agg);
          const r = this.val(o.right, nn.right, owner, agg);
          if (l.dir === 'equal' && r.dir === 'equal') return joinVV(l, r);
          // `withPositive`: moves with the operand while the other side stays a positive constant.
          const positive = (e: A.Expression, s: Scope) => {
            const c = constOf(e, s);
            return c?.kind === 'number' && c.value > 0;
          };
          const steady = (v: VVerdict, x: A.Expression, y: A.Expression) => v.dir === 'equal' && positive(x, this.so) && positive(y, this.sn);
          const left = moved(l, decl.direction.left, steady(r, o.right, nn.right));
          const right = moved(r, decl.direction.right, steady(l, o.left, nn.left));
          if (!left || !right) return this.vunknown(owner, `${printExpr(n)}: a product or quotient whose sign is not known`);
          return joinVV(left, right);
        }
        case 'AggregateExpr':
          return this.aggregate(o, n as A.AggregateExpr, owner);
        case 'DuringExpr': {
          const nn = n as A.DuringExpr;
          const s = this.val(o.series, nn.series, owner, agg);
          if (s.dir !== 'equal') return this.vunknown(owner, `${printExpr(n)} reads another series`);
          return this.val(o.period, nn.period, owner, agg);
        }
        case 'PeriodExpr':
        case 'ListLiteral':
          return this.constants(o, n, owner);
        case 'ConditionalExpr': {
          const nn = n as A.ConditionalExpr;
          const c = this.body(o.condition, nn.condition, owner, true);
          if (c.dir !== 'equal') return this.vunknown(owner, `the condition of ${printExpr(n)} changed`);
          return joinVV(this.val(o.then, nn.then, owner, agg), this.val(o.otherwise, nn.otherwise, owner, agg));
        }
        case 'SatisfiesExpr':
        case 'PresenceExpr':
          return asVal(this.body(o, n as A.Expression, owner, agg));
        // Literals and names of different things: compared through their constant values below.
        case 'NumberLiteral':
        case 'StringLiteral':
        case 'BoolLiteral':
        case 'DateLiteral':
        case 'DateTimeLiteral':
        case 'DurationLiteral':
        case 'NameRef':
          break;
        default:
          return assertNever(o);
      }
    }
    if (canonical(o, po) === canonical(n, pn)) return VEQUAL;
    return this.constants(o, n, owner);
  }

  /** Compare two expressions through their constant values (thresholds written differently, another param …). */
  private constants(o: A.Expression, n: A.Expression, owner: string, label?: string): VVerdict {
    if (canonical(o, this.po) === canonical(n, this.pn)) return VEQUAL;
    if (!this.inFocus(owner)) return VEQUAL;
    const co = constOf(o, this.so);
    const cn = constOf(n, this.sn);
    const text = label ?? (printExpr(o) === printExpr(n) ? printExpr(n) : `${printExpr(o)} → ${printExpr(n)}`);
    if (!co || !cn) {
      const v = vleaf('unknown', `${text}${!cn ? ' (no value)' : ''}`);
      this.mark(owner, v);
      return v;
    }
    const d = valueDir(co, cn);
    const v = d === 'equal' ? VEQUAL : vleaf(d, describeValueChange(label, co, cn, d), co, cn);
    if (d !== 'equal') this.mark(owner, v);
    return v;
  }

  private vunknown(owner: string, why: string): VVerdict {
    if (!this.inFocus(owner)) return VEQUAL;
    const v = vleaf('unknown', why);
    this.mark(owner, v);
    return v;
  }

  /** A field's default value, which stands for missing data. */
  private fieldDefault(o: A.MemberAccess, n: A.MemberAccess): VVerdict {
    const to = this.po.types.get(o.object);
    const tn = this.pn.types.get(n.object);
    if (to?.kind !== 'record' || tn?.kind !== 'record') return VEQUAL;
    const fo = to.fields.get(o.member.name);
    const fn = tn.fields.get(n.member.name);
    if (!fo || !fn) return VEQUAL;
    const owner = `field:${tn.name}.${fn.name}`;
    const typeKey = (t: typeof fo.type): string => (t.kind === 'enum' || t.kind === 'record' ? `${t.kind}:${t.name}` : t.kind === 'list' || t.kind === 'monthly' ? `${t.kind}(${typeKey(t.element)})` : t.kind);
    if (typeKey(fo.type) !== typeKey(fn.type)) return this.vunknown(owner, `${tn.name}.${fn.name} changed type`);
    const dO = fo.decl.defaultValue;
    const dN = fn.decl.defaultValue;
    if (!dO && !dN) return VEQUAL;
    if (dO && dN && canonical(dO, this.po) === canonical(dN, this.pn)) return VEQUAL;
    if (!this.inFocus(owner)) return VEQUAL;
    const co = dO ? constOf(dO, this.so) : undefined;
    const cn = dN ? constOf(dN, this.sn) : undefined;
    const what = `the default of ${tn.name}.${fn.name} (the value when data omit it): ${co ? showValue(co) : 'none (unknown)'} → ${cn ? showValue(cn) : 'none (unknown)'}`;
    const d = co && cn ? valueDir(co, cn) : 'unknown';
    const v = vleaf(d, what, co, cn);
    this.mark(owner, v);
    return v;
  }

  /** Compare what a name refers to in each version. */
  private name(o: A.NameRef, n: A.NameRef, owner: string): VVerdict {
    const ro = this.po.names.get(o);
    const rn = this.pn.names.get(n);
    if (!ro || !rn) return VEQUAL;
    if (ro.kind === 'subject' || ro.kind === 'variable' || ro.kind === 'enumType') return rn.kind === ro.kind ? VEQUAL : this.vunknown(owner, `${n.name} now refers to something else`);
    if (ro.kind === 'enumMember' && rn.kind === 'enumMember') return this.constants(o, n, owner);
    if (ro.kind === 'criterion' && rn.kind === 'criterion') return asVal(this.criterion(n.name));
    const key = `def:${n.name}`;
    const memo = this.nameMemo.get(n.name);
    if (memo) {
      this.met(key);
      return memo;
    }
    if (this.skip(key)) return VEQUAL;
    this.nameMemo.set(n.name, VEQUAL);
    const saved = this.chain;
    this.chain = [];
    let v: VVerdict;
    try {
      v = this.collect(key, () => this.nameInner(n.name, ro, rn));
    } finally {
      this.chain = saved;
    }
    const out = v.dir === 'equal' && v.why.length === 0 ? v : { ...v, hops: Number.isFinite(v.hops) ? v.hops : 0 };
    this.nameMemo.set(n.name, out);
    return out;
  }

  private nameInner(name: string, ro: ResolvedName, rn: ResolvedName): VVerdict {
    const owner = `def:${name}`;
    if (ro.kind === 'let' && rn.kind === 'let') {
      const memo = this.letMemo.get(name);
      if (memo) return memo;
      const isBool = this.po.types.get(ro.decl.value)?.kind === 'bool';
      const constantKinds = ['PeriodExpr', 'ListLiteral', 'NumberLiteral', 'DateLiteral', 'DurationLiteral', 'StringLiteral'];
      const v = isBool
        ? asVal(this.body(ro.decl.value, rn.decl.value, owner))
        : constantKinds.includes(ro.decl.value.kind) && constantKinds.includes(rn.decl.value.kind)
          ? this.constants(ro.decl.value, rn.decl.value, owner, name)
          : this.val(ro.decl.value, rn.decl.value, owner);
      this.letMemo.set(name, v);
      return v;
    }
    if (ro.kind === 'param' && rn.kind === 'param') {
      if (this.so.params[name] !== undefined && this.sn.params[name] !== undefined) return VEQUAL; // the caller's value decides both
      return this.constants(ro.decl.value, rn.decl.value, owner, name);
    }
    if (ro.kind === 'placeholder' && rn.kind === 'placeholder') return VEQUAL;
    if (ro.kind === 'table' && rn.kind === 'table') return this.table(ro.decl, rn.decl, owner);
    if (ro.kind === 'placeholder' && rn.kind === 'param') {
      if (this.so.params[name] !== undefined && this.sn.params[name] !== undefined) return VEQUAL; // the caller's value decides both
      const cn = constOf(rn.decl.value, this.sn);
      return this.vunknown(owner, `${name} was a placeholder without a value (decisions that need it were undetermined); it is now a param = ${cn ? showValue(cn) : printExpr(rn.decl.value)}, so those decisions are now made`);
    }
    if (ro.kind === 'param' && rn.kind === 'placeholder') {
      return this.vunknown(owner, `${name} lost its value (param → placeholder): decisions that need it become undetermined`);
    }
    return this.vunknown(owner, `${name} changed from a ${ro.kind} to a ${rn.kind}`);
  }

  private table(o: A.TableDecl, n: A.TableDecl, owner: string): VVerdict {
    const keyOf = (e: A.TableEntry) => (e.key.kind === 'Identifier' ? e.key.name : e.key.value);
    const keys = new Set([...o.entries.map(keyOf), ...n.entries.map(keyOf)]);
    const rowsO = new Map<string, A.Expression>();
    const rowsN = new Map<string, A.Expression>();
    // The first row of a key is the one that counts, as a search from the top would find it.
    for (const e of o.entries) if (!rowsO.has(keyOf(e))) rowsO.set(keyOf(e), e.value);
    for (const e of n.entries) if (!rowsN.has(keyOf(e))) rowsN.set(keyOf(e), e.value);
    const rowO = (k: string) => rowsO.get(k) ?? o.defaultValue;
    const rowN = (k: string) => rowsN.get(k) ?? n.defaultValue;
    const one = (k: string, a: A.Expression | undefined, b: A.Expression | undefined): VVerdict => {
      if (!a && !b) return VEQUAL;
      if (a && b && canonical(a, this.po) === canonical(b, this.pn)) return VEQUAL;
      if (!this.inFocus(owner)) return VEQUAL;
      const ca = a ? constOf(a, this.so) : undefined;
      const cb = b ? constOf(b, this.sn) : undefined;
      if (!ca || !cb) return vleaf('unknown', `${n.name.name}[${k}]: ${ca ? showValue(ca) : 'no row'} → ${cb ? showValue(cb) : 'no row'}`);
      const d = valueDir(ca, cb);
      return d === 'equal' ? VEQUAL : vleaf(d, `${n.name.name}[${k}]: ${showValue(ca)} → ${showValue(cb)}`, ca, cb);
    };
    const parts: VVerdict[] = [];
    for (const k of keys) parts.push(one(k, rowO(k), rowN(k)));
    parts.push(one('default', o.defaultValue, n.defaultValue));
    const v = joinAllVV(parts);
    if (v.dir !== 'equal') this.mark(owner, v);
    return v;
  }

  private aggregate(o: A.AggregateExpr, n: A.AggregateExpr, owner: string): VVerdict {
    if (o.fn !== n.fn || (o.variable?.name ?? '') !== (n.variable?.name ?? '')) {
      return this.vunknown(owner, `${printExpr(o)} → ${printExpr(n)}`);
    }
    const source = this.val(o.source, n.source, owner, true);
    const savedChain = this.chain;
    this.aggStack.push({ old: o, new: n, outer: [...savedChain] });
    this.chain = [];
    try {
      return this.aggregateInner(o, n, owner, source);
    } finally {
      this.aggStack.pop();
      this.chain = savedChain;
    }
  }

  private aggregateInner(o: A.AggregateExpr, n: A.AggregateExpr, owner: string, source: VVerdict): VVerdict {
    let filter: Verdict = EQUAL;
    if (o.filter && n.filter) filter = this.body(o.filter, n.filter, owner);
    else if (o.filter || n.filter) {
      if (this.inFocus(owner)) {
        filter = leaf(n.filter ? 'stricter' : 'looser', `${printExpr(n)}: ${n.filter ? 'a where filter added' : 'the where filter removed'}`);
        this.mark(owner, filter);
      }
    }
    // More elements: a wider source or a looser filter.
    const more = joinVV(source, asVal(filter));
    let proj: VVerdict = VEQUAL;
    if (o.projection && n.projection) {
      const isBool = this.po.types.get(o.projection)?.kind === 'bool';
      proj = isBool ? asVal(this.body(o.projection, n.projection, owner)) : this.val(o.projection, n.projection, owner);
    } else if (o.projection || n.projection) proj = this.vunknown(owner, `${printExpr(n)}: the projection changed`);
    const why = (v: VVerdict, what: string) => (v.dir === 'equal' ? [] : [`${printExpr(n)}: ${what}${v.why.length ? ` (${v.why.join('; ')})` : ''}`]);
    const decl = aggregation(n.fn);
    const elements = decl.changes.elements.replace('{more}', dirWord(more.dir, 'more', 'fewer'));
    // A different set of elements moves a total or a mean either way.
    if (decl.direction.elements === 'none' && more.dir !== 'equal') return summarize({ ...more, dir: 'unknown' }, why(more, elements));
    const byElements = moved(more, decl.direction.elements) ?? more;
    const byValue = moved(proj, decl.direction.value) ?? { ...proj, dir: 'unknown' as const };
    return summarize(joinVV(byElements, byValue), [...why(more, elements), ...why(proj, decl.changes.value)]);
  }
}

/**
 * A value's verdict through an operand whose declared direction is `m`: with it (`up`),
 * against it (`down`); undefined (direction unknown) when a change of that operand is another
 * question (`none`), or for `withPositive` unless the other operand is a steady positive constant.
 */
function moved(v: VVerdict, m: Monotone, otherSteadyPositive = false): VVerdict | undefined {
  if (v.dir === 'equal') return v;
  switch (m) {
    case 'up':
      return v;
    case 'down':
      return flipVV(v);
    case 'withPositive':
      return otherSteadyPositive ? v : undefined;
    case 'none':
      return undefined;
  }
}

/** Which bound a test sets on its left side (`>=` a lower one), from the operator's declaration. */
function boundOf(op: A.BinaryOperator): 'lower' | 'upper' | undefined {
  const decl = binaryOperator(op);
  if (decl.witness.kind !== 'compare') return undefined;
  return decl.direction.left === 'up' ? 'lower' : decl.direction.left === 'down' ? 'upper' : undefined;
}

/** Whether a bound test passes on the bound itself (`>=` does, `>` does not). */
function includesBound(op: A.BinaryOperator): boolean {
  const w = binaryOperator(op).witness;
  return w.kind === 'compare' && w.whenTrue === 'at';
}

function summarize(v: VVerdict, why: string[]): VVerdict {
  return v.dir === 'equal' ? v : { ...v, why: why.length ? why : v.why };
}

function dirWord(d: VDir, up: string, down: string): string {
  return d === 'up' ? up : d === 'down' ? down : 'other';
}

function modeWord(g: Group): string {
  return g.mode === 'all' ? 'all of' : g.mode === 'any' ? 'any of' : `at least ${g.need} of`;
}

/** Direction from one constant to another. */
export function valueDir(a: Value, b: Value): VDir {
  if (a.kind === 'list' && b.kind === 'list') {
    const sup = a.items.every((x) => listHas(b, x));
    const sub = b.items.every((x) => listHas(a, x));
    return sup && sub ? 'equal' : sup ? 'up' : sub ? 'down' : 'unknown';
  }
  if (a.kind === 'period' && b.kind === 'period') {
    const wa = a.window;
    const wb = b.window;
    if (wa.startDay === wb.startDay && wa.endDay === wb.endDay) return 'equal';
    if (wb.startDay <= wa.startDay && wb.endDay >= wa.endDay) return 'up';
    if (wb.startDay >= wa.startDay && wb.endDay <= wa.endDay) return 'down';
    return 'unknown';
  }
  if (a.kind === 'enum' && b.kind === 'enum' && !(a.type.ordered && b.type.ordered)) return sameValue(a, b) ? 'equal' : 'unknown';
  if ((a.kind === 'enum') !== (b.kind === 'enum')) return sameValue(a, b) ? 'equal' : 'unknown';
  const c = compare(a, b);
  if (c === undefined) return sameValue(a, b) ? 'equal' : 'unknown';
  return c < 0 ? 'up' : c > 0 ? 'down' : 'equal';
}

function describeValueChange(label: string | undefined, a: Value, b: Value, d: VDir): string {
  const word = a.kind === 'list' ? (d === 'up' ? 'gains members' : d === 'down' ? 'loses members' : 'has other members') : a.kind === 'period' ? (d === 'up' ? 'widens' : d === 'down' ? 'narrows' : 'moves') : d === 'up' ? 'rises' : d === 'down' ? 'falls' : 'changes';
  // Numbers, dates and members: the verb is the caller's ("the minimum rises (…)"); lists and windows say how they changed.
  const verb = a.kind === 'list' || a.kind === 'period' ? ` ${word}` : '';
  return label ? `${label}${verb}: ${showValue(a)} → ${showValue(b)}` : `${a.kind === 'period' ? `${word}: ` : ''}${showValue(a)} → ${showValue(b)}`;
}

function thresholdSentence(owner: string, n: { left: A.Expression; op: A.BinaryOperator; right: A.Expression }, lower: boolean, vr: VVerdict): string {
  const cmp = `${printExpr(n.left)} ${n.op} ${printExpr(n.right)}`;
  const detail = vr.why.join('; ');
  if (vr.dir === 'unknown') return `${ownerLabel(owner)}: ${cmp} — the bound changed (${detail}); direction unknown`;
  const rises = vr.dir === 'up';
  const kind = lower ? 'minimum' : 'maximum';
  const effect = lower === rises ? 'fewer pass' : 'more pass';
  return `${ownerLabel(owner)}: ${cmp} — the ${kind} ${rises ? 'rises' : 'falls'} (${detail}): ${effect}`;
}

function listChange(vr: VVerdict, positive: boolean): string {
  const detail = vr.why.join('; ');
  if (vr.dir === 'up') return `the list gains members (${detail}): ${positive ? 'more' : 'fewer'} pass`;
  if (vr.dir === 'down') return `the list loses members (${detail}): ${positive ? 'fewer' : 'more'} pass`;
  return `the list changed (${detail}); direction unknown`;
}
