/**
 * Lint-style checks of one policy file: warnings about what is allowed but
 * almost always a slip — definitions never used (BYL3018), placeholders the
 * source text leaves open (BYL3019), tiers or outcomes after the default that
 * can never be reached (BYL3009), better tiers asking less than worse ones
 * (BYL3011).
 */
import type * as A from './ast.js';
import type { DiagnosticCode } from './diagnostics.js';
import type { ResolvedName } from './checked.js';
import { nameOf, type Named } from './names.js';

/** What the lint checks read of the file being checked, and how they report. */
export interface LintContext {
  readonly path: string;
  readonly text: string;
  readonly names: ReadonlyMap<A.Expression, ResolvedName>;
  report(code: DiagnosticCode, span: A.Span, message: string, extra?: { hint?: string; related?: { file: string; span: A.Span; message: string }[] }): void;
}

/** Placeholders of this file, and its definitions that nothing uses (only for policies: a library's definitions serve others). */
export function reportUnused(ctx: LintContext, values: Iterable<{ decl: Named; file: string }>, used: ReadonlySet<Named>): void {
  for (const { decl, file } of values) {
    if (file !== ctx.path) continue;
    if (decl.kind === 'PlaceholderDecl') {
      ctx.report('BYL3019', decl.name.span, `placeholder ${decl.name.name}${decl.label ? ` (${decl.label.value})` : ''}: the source text gives no value`, {
        hint: 'supply it with --params, or replace it with a param once the value is published',
      });
    }
    if (!used.has(decl)) {
      ctx.report('BYL3018', nameOf(decl).span, `${kindWord(decl)} ${nameOf(decl).name} is never used`, {
        hint: 'use it in a criterion or the decide block, or delete it',
      });
    }
  }
}

/** Rules after the first default (`default tier`, `otherwise outcome`) are never reached. */
export function reportUnreachable(ctx: LintContext, rules: readonly (A.DecisionRule & A.Heading)[], defaultKind: string, word: string): void {
  const firstDefault = rules.findIndex((r) => r.kind === defaultKind);
  if (firstDefault < 0) return;
  for (const r of rules.slice(firstDefault + 1)) {
    if (r.kind === defaultKind) continue;
    ctx.report('BYL3009', r.span, `${r.id.name} can never be reached: it comes after ${word} ${rules[firstDefault]!.id.name}`, {
      hint: `move ${word} to the end; rules are tried in order and ${word} always applies`,
    });
  }
}

/** A better tier asking less than a worse one on the same quantity is almost always a slip. */
export function checkMonotonicTiers(ctx: LintContext, tiers: A.TierRule[]): void {
  const thresholds = tiers.map((t) => lowerBounds(ctx, t.body, new Set()));
  // Per quantity, the highest threshold among the tiers after each one (a suffix maximum): one
  // warning per tier and quantity, in linear time, however many tiers a file has.
  const highestAfter = new Map<string, { value: number; raw: string; span: A.Span; tier: number }>();
  for (let better = tiers.length - 1; better >= 0; better--) {
    for (const [quantity, hi] of thresholds[better]!) {
      const lo = highestAfter.get(quantity);
      if (lo && hi.value < lo.value) {
        const worse = lo.tier;
        ctx.report('BYL3011', hi.span, `tier ${tiers[better]!.id.name} asks ${quantity} ≥ ${hi.raw}, less than tier ${tiers[worse]!.id.name} (${lo.raw})`, {
          hint: 'tiers are ordered best first; a better tier should not ask less on the same quantity',
          related: [{ file: ctx.path, span: lo.span, message: `the ${tiers[worse]!.id.name} threshold` }],
        });
      }
    }
    for (const [quantity, b] of thresholds[better]!) {
      const cur = highestAfter.get(quantity);
      if (!cur || b.value >= cur.value) highestAfter.set(quantity, { ...b, tier: better });
    }
  }
}

function lowerBounds(ctx: LintContext, body: A.CriterionBody, seen: Set<A.CriterionDecl>): Map<string, { value: number; raw: string; span: A.Span }> {
  const out = new Map<string, { value: number; raw: string; span: A.Span }>();
  const visit = (node: A.CriterionBody): void => {
    if (node.kind === 'Combinator') {
      if (node.mode === 'all') for (const item of node.items) visit(item.body);
      return;
    }
    if (node.kind === 'NameRef') {
      const r = ctx.names.get(node);
      if (r?.kind === 'criterion' && !seen.has(r.decl)) {
        seen.add(r.decl);
        for (const [k, v] of lowerBounds(ctx, r.decl.body, seen)) out.set(k, v);
      }
      return;
    }
    if (node.kind !== 'BinaryExpr') return;
    if (node.operator === 'and') return visit(node.left), visit(node.right);
    const flipped: Record<string, A.BinaryOperator> = { '<=': '>=', '<': '>' };
    let quantity = node.left;
    let bound = node.right;
    let op: A.BinaryOperator = node.operator;
    if (op in flipped) (quantity = node.right), (bound = node.left), (op = flipped[op]!);
    if ((op === '>=' || op === '>') && bound.kind === 'NumberLiteral') {
      out.set(ctx.text.slice(quantity.span.start, quantity.span.end), { value: Number(bound.value), raw: bound.raw, span: bound.span });
    }
  };
  visit(body);
  return out;
}

function kindWord(d: Named): string {
  return { LetDecl: 'let', ParamDecl: 'param', PlaceholderDecl: 'placeholder', TableDecl: 'table', CriterionDecl: 'criterion' }[d.kind];
}
