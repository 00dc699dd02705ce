/**
 * Terminal rendering: decisions as trees with ✓ / ✗ / ? marks, and diagnostics.
 */
import type { Decision, ExplanationNode, Truth } from '@bylaw/runtime';
import { renderDiagnostics as renderWithFrames, type Diagnostic } from '@bylaw/dsl';
import type { Style } from './io.js';


const mark = (t: Truth, s: Style) => (t === true ? s.green('✓') : t === false ? s.red('✗') : s.yellow('?'));

/** One line summary of a decision's outcome. */
export function outcomeLine(d: Decision, s: Style): string {
  const o = d.outcome;
  const word =
    o === 'admitted' ? s.bold(s.green('ADMITTED')) : o === 'rejected' ? s.bold(s.red('REJECTED')) : o === 'undetermined' ? s.bold(s.yellow('UNDETERMINED')) : o === 'not_in_force' ? s.bold(s.gray('NOT IN FORCE')) : s.bold(s.cyan(o.toUpperCase()));
  const parts = [word];
  if (d.outcomeLabel) parts.push(d.outcomeLabel);
  if (d.tier) parts.push(`tier ${d.tier.id}${d.tier.label ? ` ${d.tier.label}` : ''}`);
  if (d.admission && d.admission !== o) parts.push(`(admission: ${d.admission})`);
  if (d.possible) parts.push(`possible: ${d.possible.map((p) => p.id).join(' / ')}`);
  if (d.vetoedBy) parts.push(`vetoed by ${d.vetoedBy.id}${d.vetoedBy.label ? ` ${d.vetoedBy.label}` : ''}${d.vetoedBy.cites ? ` [${d.vetoedBy.cites}]` : ''}`);
  if (d.reason && !d.vetoedBy) parts.push(d.reason);
  return parts.join(' · ');
}

/** A decision as text: the outcome, the explanation tree, benefits, priorities, unknowns and data errors. */
export function renderDecision(d: Decision, s: Style, subjectName?: string): string {
  const lines: string[] = [];
  const head = d.policy.version
    ? `${d.policy.id} ${s.gray(`version ${d.policy.version}, in force ${d.policy.effective.from}${d.policy.effective.until ? ` until ${d.policy.effective.until}` : ''}`)}`
    : d.policy.id;
  lines.push(`${subjectName ? s.bold(subjectName) + ' — ' : ''}${head} ${s.gray(`as of ${d.asOf}`)}`);
  lines.push(`  ${outcomeLine(d, s)}`);
  for (const node of d.explanation ?? []) renderNode(node, 2, lines, s);
  if (d.priorities.length) {
    lines.push(`  priorities:`);
    for (const p of d.priorities) lines.push(`    ${mark(p.met, s)} ${p.id}${p.label ? ` ${p.label}` : ''}${p.cites ? s.gray(` [${p.cites}]`) : ''}`);
  }
  if (d.benefits.length) lines.push(`  benefits: ${d.benefits.map((b) => b.label ?? b.id).join('、')}`);
  if (d.unknown.length) lines.push(`  ${s.yellow('would be decided by')}: ${d.unknown.join(', ')}`);
  for (const e of d.dataErrors) lines.push(`  ${s.red('data error')} ${e.path}: ${e.message}`);
  return lines.join('\n');
}

function renderNode(node: ExplanationNode, depth: number, lines: string[], s: Style): void {
  const pad = '  '.repeat(depth);
  const cites = node.cites ? s.gray(` [${node.cites}]`) : '';
  let title: string;
  switch (node.kind) {
    case 'rule':
      title = node.id === undefined ? `${node.role} when` : `${node.role} ${node.id}${node.label ? ` ${node.label}` : ''}`;
      break;
    case 'criterion':
    case 'item':
      title = `${node.id}${node.label ? ` ${node.label}` : ''}`;
      break;
    case 'all':
      title = 'all of';
      break;
    case 'any':
      title = 'any of';
      break;
    case 'atLeast':
      title = `at least ${node.count} of`;
      break;
    case 'condition':
      title = node.text ?? '';
      break;
  }
  const children = node.children ?? [];
  // A rule whose body is one condition reads better on one line.
  if ((node.kind === 'rule' || node.kind === 'item') && children.length === 1 && children[0]!.kind === 'condition') {
    const c = children[0]!;
    lines.push(`${pad}${mark(node.result, s)} ${title}${cites}: ${c.text}`);
    renderComparisons(c, depth + 2, lines, s);
    renderUnknown(node, depth + 2, lines, s);
    for (const g of c.children ?? []) renderNode(g, depth + 1, lines, s);
    return;
  }
  lines.push(`${pad}${mark(node.result, s)} ${title}${cites}`);
  if (node.kind === 'condition') renderComparisons(node, depth + 2, lines, s);
  if (node.kind !== 'rule' && children.length === 0) renderUnknown(node, depth + 2, lines, s);
  for (const c of children) renderNode(c, depth + 1, lines, s);
}

const MAX_COMPARISONS = 6;

function renderComparisons(node: ExplanationNode, depth: number, lines: string[], s: Style) {
  const pad = '  '.repeat(depth);
  const shown = (node.comparisons ?? []).filter((c) => c.left !== '?' || c.right !== '?');
  // Inside aggregations a comparison repeats per element: show the condition's own comparison
  // (recorded last, as it completes last) and the first few inner ones.
  const picked = shown.length > MAX_COMPARISONS ? [shown.at(-1)!, ...shown.slice(0, MAX_COMPARISONS - 1)] : shown;
  for (const c of picked) {
    const sf = c.shortfall ? s.red(`: ${c.shortfall}`) : '';
    lines.push(`${pad}${s.gray(`${c.left} ${c.operator} ${c.right}`)}${sf}`);
  }
  const more = shown.length - Math.min(shown.length, MAX_COMPARISONS) + (node.omittedComparisons ?? 0);
  if (more > 0) lines.push(`${pad}${s.gray(`… ${more} more comparisons`)}`);
}

function renderUnknown(node: ExplanationNode, depth: number, lines: string[], s: Style) {
  if (node.unknown?.length) lines.push(`${'  '.repeat(depth)}${s.yellow('unknown:')} ${node.unknown.join(', ')}`);
}

/** Diagnostics rendered with code frames, plus a summary line. */
export function renderDiagnostics(ds: readonly Diagnostic[], sources: ReadonlyMap<string, string>, s: Style): string {
  return renderWithFrames(ds, sources, { color: s.color });
}

/** `2 errors, 1 warning` */
export function countLine(ds: readonly Diagnostic[]): string {
  const errors = ds.filter((d) => d.severity === 'error').length;
  const warnings = ds.filter((d) => d.severity === 'warning').length;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}
