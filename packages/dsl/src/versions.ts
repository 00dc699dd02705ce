/**
 * Checks across policy files: the versions of each policy (duplicate,
 * overlapping, with gaps, ending without a successor) and the references
 * between policies (`satisfies` to an unknown id, to a policy judging
 * another subject type, in a cycle).
 */
import type * as A from './ast.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import type { CheckedPolicy } from './checked.js';
import { suggest } from './suggest.js';

/** Versions and references across the checked policies (`asts`: every parsed file, so ids of files that failed still count). */
export function checkAcrossPolicies(
  policies: readonly CheckedPolicy[],
  asts: readonly A.SourceFile[],
  knownPolicies: readonly string[],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byId = new Map<string, CheckedPolicy[]>();
  for (const p of policies) byId.set(p.id, [...(byId.get(p.id) ?? []), p]);
  const headerSpan = (p: CheckedPolicy) => p.ast.header!.id.span;
  const effectiveSpan = (p: CheckedPolicy) => p.ast.header!.items.find((i) => i.kind === 'EffectiveItem')?.span ?? headerSpan(p);
  for (const [id, versions] of byId) {
    versions.sort((a, b) => (a.effective.from < b.effective.from ? -1 : a.effective.from > b.effective.from ? 1 : 0));
    const seenVersions = new Map<string, CheckedPolicy>();
    for (const v of versions) {
      const prev = seenVersions.get(v.version);
      if (prev) {
        out.push(
          diagnostic('BYL3017', v.file, headerSpan(v), `policy ${id} version ${JSON.stringify(v.version)} is defined twice`, {
            hint: 'give each version its own version string',
            related: [{ file: prev.file, span: headerSpan(prev), message: 'the other definition' }],
          }),
        );
      } else seenVersions.set(v.version, v);
    }
    for (let i = 0; i + 1 < versions.length; i++) {
      const a = versions[i]!;
      const b = versions[i + 1]!;
      if (a.effective.from === b.effective.from || (a.effective.until && a.effective.until > b.effective.from)) {
        out.push(
          diagnostic('BYL3014', b.file, effectiveSpan(b), `versions ${JSON.stringify(a.version)} and ${JSON.stringify(b.version)} of ${id} are both in force on ${b.effective.from}`, {
            hint: `end the earlier version with until ${b.effective.from}, or move this one's effective date`,
            related: [{ file: a.file, span: effectiveSpan(a), message: `version ${JSON.stringify(a.version)} is in force from ${a.effective.from}${a.effective.until ? ` until ${a.effective.until}` : ''}` }],
          }),
        );
      } else if (a.effective.until && a.effective.until < b.effective.from) {
        out.push(
          diagnostic('BYL3015', b.file, effectiveSpan(b), `no version of ${id} is in force from ${a.effective.until} until ${b.effective.from}`, {
            hint: `end version ${JSON.stringify(a.version)} with until ${b.effective.from} if the gap is not intended`,
            related: [{ file: a.file, span: effectiveSpan(a), message: `version ${JSON.stringify(a.version)} ends here` }],
          }),
        );
      }
    }
    const lastVersion = versions.at(-1)!;
    if (lastVersion.effective.until) {
      out.push(
        diagnostic('BYL3016', lastVersion.file, effectiveSpan(lastVersion), `the latest version of ${id} ends on ${lastVersion.effective.until} and no version follows`, {
          hint: 'after that date no version is in force; intended for a programme that ends',
        }),
      );
    }
  }
  // References: unknown ids and cycles.
  const known = new Set([...byId.keys(), ...knownPolicies]);
  // Files that failed to check still declare their ids (so we do not report them as unknown).
  // (A file with syntax errors may have a header without an id: error recovery builds partial nodes.)
  for (const ast of asts) if (ast.header?.id) known.add(ast.header.id.text);
  for (const p of policies) {
    for (const node of satisfiesNodes(p)) {
      if (!known.has(node.policy.text)) {
        out.push(
          diagnostic('BYL3012', p.file, node.policy.span, `no policy has the id ${node.policy.text}`, {
            hint: suggest(node.policy.text, [...known]) ?? 'check the id in the other policy header, and check both files together',
          }),
        );
      }
    }
  }
  // The value given to `satisfies` must be what the other policy judges.
  for (const p of policies) {
    for (const node of satisfiesNodes(p)) {
      const given = p.types.get(node.subject);
      if (!given || given.kind !== 'record') continue;
      for (const other of byId.get(node.policy.text) ?? []) {
        if (other.subject.type.name !== given.name) {
          out.push(
            diagnostic('BYL3020', p.file, node.subject.span, `${node.policy.text} judges a ${other.subject.type.name}, but this is a ${given.name}`, {
              hint: `give it the ${other.subject.type.name} it judges, e.g. a field of type ${other.subject.type.name}`,
              related: [{ file: other.file, span: other.ast.declarations.find((d) => d.kind === 'SubjectDecl')?.span ?? headerSpan(other), message: `the subject of ${other.id} version ${JSON.stringify(other.version)}` }],
            }),
          );
          break;
        }
      }
    }
  }
  const edges = new Map<string, Set<string>>();
  for (const p of policies) {
    const set = edges.get(p.id) ?? new Set<string>();
    for (const r of p.references) set.add(r);
    edges.set(p.id, set);
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (id: string, path: string[]) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(id)), id];
      const key = [...cycle].sort().join();
      if (reported.has(key)) return;
      reported.add(key);
      const from = byId.get(path.at(-1)!)![0]!;
      const node = satisfiesNodes(from).find((n) => n.policy.text === id);
      out.push(
        diagnostic('BYL3013', from.file, node?.policy.span ?? headerSpan(from), `policies refer to each other in a cycle: ${cycle.join(' → ')}`, {
          hint: 'a policy cannot depend on its own outcome; break the cycle',
        }),
      );
      return;
    }
    state.set(id, 'visiting');
    for (const next of edges.get(id) ?? []) if (edges.has(next)) visit(next, [...path, id]);
    state.set(id, 'done');
  };
  for (const id of edges.keys()) visit(id, []);
  return out;
}

/** Every `satisfies` expression in a checked policy. */
export function satisfiesNodes(p: CheckedPolicy): A.SatisfiesExpr[] {
  const out: A.SatisfiesExpr[] = [];
  for (const node of p.types.keys()) if (node.kind === 'SatisfiesExpr') out.push(node);
  return out;
}
