/**
 * Boundary cases: for every numeric or date threshold on a subject field,
 * the outcomes at the threshold and just beside it, as a starting point for
 * policy authors writing tests.
 */
import type * as A from '@bylaw/dsl';
import type { CompiledPolicy, Decision, PolicyRegistry } from '@bylaw/runtime';

/** One threshold found in a policy. */
export interface Threshold {
  /** The field path from the subject, e.g. `['shop', 'experience_stars']`. */
  readonly path: readonly string[];
  readonly operator: string;
  /** The threshold as data: a number, or a date `YYYY-MM-DD`. */
  readonly value: number | string;
  readonly kind: 'number' | 'date';
  /** Where it stands in the policy, e.g. `shop_stars: product.shop.experience_stars >= 4`. */
  readonly text: string;
}

/** The outcome of one generated case. */
export interface BoundaryCase {
  readonly threshold: Threshold;
  readonly value: number | string;
  readonly where: 'below' | 'at' | 'above';
  readonly decision: Decision;
}

const comparisons = new Set(['<', '<=', '>', '>=', '=']);

/** Every comparison of a subject field with a literal number, date or literal-valued param. */
export function findThresholds(policy: CompiledPolicy): Threshold[] {
  const p = policy.checked;
  const params = new Map(p.params.map((d) => [d.name.name, d.value]));
  const out: Threshold[] = [];
  const seen = new Set<string>();
  const fieldPath = (e: A.Expression): string[] | undefined => {
    if (e.kind === 'MemberAccess') {
      const base = fieldPath(e.object);
      return base && [...base, e.member.name];
    }
    if (e.kind === 'NameRef' && p.names.get(e)?.kind === 'subject') return [];
    return undefined;
  };
  const literal = (e: A.Expression): { value: number | string; kind: 'number' | 'date' } | undefined => {
    if (e.kind === 'NumberLiteral') return { value: Number(e.value), kind: 'number' };
    if (e.kind === 'DateLiteral') return { value: e.raw, kind: 'date' };
    if (e.kind === 'NameRef' && p.names.get(e)?.kind === 'param') {
      const v = params.get(e.name);
      return v ? literal(v) : undefined;
    }
    return undefined;
  };
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) return node.forEach(visit);
    const n = node as A.Node;
    if (n.kind === 'BinaryExpr' && comparisons.has(n.operator)) {
      const path = fieldPath(n.left);
      const lit = literal(n.right);
      if (path && path.length > 0 && lit) {
        const text = p.text.slice(n.span.start, n.span.end).replace(/\s+/g, ' ');
        const key = `${path.join('.')}|${n.operator}|${lit.value}`;
        if (!seen.has(key)) {
          seen.add(key);
          out.push({ path, operator: n.operator, value: lit.value, kind: lit.kind, text });
        }
      }
    }
    for (const [k, v] of Object.entries(n)) if (k !== 'span') visit(v);
  };
  visit(p.ast.declarations);
  return out;
}

/** Values just below, at and just above a threshold. */
function besides(t: Threshold): { where: 'below' | 'at' | 'above'; value: number | string }[] {
  if (t.kind === 'date') {
    const day = Date.parse(`${t.value}T00:00:00Z`);
    const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    return [
      { where: 'below', value: iso(day - 86_400_000) },
      { where: 'at', value: t.value },
      { where: 'above', value: iso(day + 86_400_000) },
    ];
  }
  const v = t.value as number;
  const step = Number.isInteger(v) ? 1 : 10 ** -Math.max(2, (String(v).split('.')[1] ?? '').length);
  const round = (x: number) => Number(x.toFixed(12));
  return [
    { where: 'below', value: round(v - step) },
    { where: 'at', value: v },
    { where: 'above', value: round(v + step) },
  ];
}

function withField(subject: unknown, path: readonly string[], value: unknown): unknown {
  const copy = structuredClone(subject ?? {}) as Record<string, unknown>;
  let obj = copy;
  for (const key of path.slice(0, -1)) {
    if (typeof obj[key] !== 'object' || obj[key] === null) obj[key] = {};
    obj = obj[key] as Record<string, unknown>;
  }
  obj[path.at(-1)!] = value;
  return copy;
}

/** Evaluate the boundary cases of every threshold of `id`, starting from a base subject. */
export function boundaryCases(
  registry: PolicyRegistry,
  id: string,
  base: unknown,
  asOf: string,
  params: Record<string, unknown> | undefined,
): BoundaryCase[] {
  const version = registry.inForce(id, asOf);
  if (!version) return [];
  const out: BoundaryCase[] = [];
  for (const t of findThresholds(version.policy)) {
    for (const b of besides(t)) {
      const subject = withField(base, t.path, b.value);
      const decision = registry.evaluate(id, subject, { asOf, ...(params ? { params } : {}) });
      out.push({ threshold: t, value: b.value, where: b.where, decision });
    }
  }
  return out;
}
