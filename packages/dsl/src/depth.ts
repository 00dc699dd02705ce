/** The evaluation depth of a checked policy, through the lets and criteria it names (BYL4001). */
import type * as A from './ast.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import type { CheckedPolicy } from './checked.js';

/**
 * How deeply evaluating a policy nests, counting through the lets and criteria
 * its expressions name. Each expression is within `maxNestingDepth` (the parser
 * sees to that), but a chain of thousands of small lets, each naming the one
 * before, is thousands of levels deep for everything after the checker (the
 * compiler, the generated code, the evaluator), which would run out of stack.
 * Computed without recursion. Returns a BYL4001 diagnostic when too deep.
 */
export function checkEvaluationDepth(p: CheckedPolicy, maxDepth: number): Diagnostic | undefined {
  type Definition = A.LetDecl | A.CriterionDecl;
  const depthOf = new Map<Definition, number>();
  // The depth of an expression tree, and the definitions it names whose depth is not known yet.
  const walk = (root: unknown): { depth: number; missing: Definition[] } => {
    let depth = 0;
    const missing: Definition[] = [];
    const stack: [unknown, number][] = [[root, 0]];
    while (stack.length > 0) {
      const [node, parent] = stack.pop()!;
      if (node === null || typeof node !== 'object') continue;
      if (Array.isArray(node)) {
        for (const x of node) stack.push([x, parent]);
        continue;
      }
      const rec = node as { kind?: string };
      // Counted as the parser counts after parsing (an item of a block and a name are not levels).
      const d = rec.kind === undefined || rec.kind === 'CriterionItem' || rec.kind === 'Identifier' ? parent : parent + 1;
      depth = Math.max(depth, d);
      if (rec.kind === 'NameRef') {
        const r = p.names.get(node as A.NameRef);
        if (r?.kind === 'let' || r?.kind === 'criterion') {
          const known = depthOf.get(r.decl);
          if (known === undefined) missing.push(r.decl);
          else depth = Math.max(depth, d + known);
        }
      }
      for (const key in rec) if (key !== 'span') stack.push([(rec as Record<string, unknown>)[key], d]);
    }
    return { depth, missing };
  };
  const depthOfDefinition = (start: Definition): number => {
    const work: Definition[] = [start];
    const started = new Set<Definition>();
    while (work.length > 0) {
      const def = work.at(-1)!;
      if (depthOf.has(def)) {
        work.pop();
        continue;
      }
      const { depth, missing } = walk(def.kind === 'LetDecl' ? def.value : def.body);
      // The checker rejects cycles; should one get here, its back edge counts as depth 0.
      const todo = missing.filter((m) => !depthOf.has(m) && !started.has(m));
      if (todo.length === 0) {
        depthOf.set(def, depth);
        work.pop();
      } else {
        started.add(def);
        for (const m of todo) work.push(m);
      }
    }
    return depthOf.get(start)!;
  };
  const tooDeep = (node: { span: A.Span }, name: string, depth: number, file: string) =>
    diagnostic('BYL4001', file, node.span, `${name} nests ${depth} levels deep, counting the lets and criteria it uses; the limit is ${maxDepth}`, {
      hint: 'shorten the chain of definitions that refer to one another, or raise limits.maxNestingDepth',
    });
  for (const def of [...p.lets, ...p.criteria]) {
    const depth = depthOfDefinition(def);
    if (depth > maxDepth) {
      const id = def.kind === 'LetDecl' ? def.name : def.id;
      return tooDeep(id, id.name, depth, p.declarationFiles?.get(def) ?? p.file);
    }
  }
  for (const rule of p.decide.rules) {
    if (!('body' in rule)) continue;
    for (const m of walk(rule.body).missing) depthOfDefinition(m);
    const depth = walk(rule.body).depth;
    if (depth > maxDepth) return tooDeep(rule, 'this rule', depth, p.file);
  }
  return undefined;
}
