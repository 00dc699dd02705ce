/**
 * Finding AST nodes by position. The walk is generic (every object-valued property
 * of a node is a child), so it follows every node kind without a list of them, and
 * tolerates the holes that error recovery leaves in a partial AST.
 */
import type * as A from '@bylaw/dsl';

/**
 * The nodes whose span holds `offset` (its end included), outermost first. Every node is
 * visited, not only those inside a containing parent: after a syntax error a parent's span
 * may stop short of a child's (error recovery leaves its end where the error was).
 */
export function nodePath(ast: A.SourceFile, offset: number): A.Node[] {
  let best: A.Node[] = [];
  const visit = (node: A.Node, path: A.Node[]) => {
    const span = node.span;
    const here = span && span.start <= offset && offset <= span.end ? [...path, node] : path;
    if (here.length > best.length || (here.length === best.length && here !== path && narrower(node, best.at(-1)))) best = here;
    for (const c of flatten(childrenOf(node))) visit(c as A.Node, here);
  };
  for (const c of flatten([ast.header, ...ast.imports, ...ast.declarations])) visit(c as A.Node, []);
  return best;
}

function narrower(a: A.Node, b: A.Node | undefined): boolean {
  return !b || a.span.end - a.span.start < b.span.end - b.span.start;
}

/** The object-valued properties of a node (its children and arrays of them). */
export function childrenOf(node: A.Node): unknown[] {
  const out: unknown[] = [];
  for (const key in node) {
    if (key === 'span' || key === 'comments') continue;
    const v = (node as unknown as Record<string, unknown>)[key];
    if (v !== null && typeof v === 'object') out.push(v);
  }
  return out;
}

function* flatten(xs: unknown[]): Generator<object> {
  for (const x of xs) {
    if (x === null || typeof x !== 'object') continue;
    if (Array.isArray(x)) yield* flatten(x);
    else yield x;
  }
}
