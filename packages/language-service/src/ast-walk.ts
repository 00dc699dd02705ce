/**
 * Finding AST nodes by position. The walk is generic (every object-valued property
 * of a node is a child), so it follows every node kind without a list of them, and
 * tolerates the holes that error recovery leaves in a partial AST.
 */
import type * as A from '@bylaw/dsl';

/** The nodes whose span holds `offset` (its end included), outermost first. */
export function nodePath(ast: A.SourceFile, offset: number): A.Node[] {
  const path: A.Node[] = [];
  let children: unknown[] = [ast.header, ...ast.imports, ...ast.declarations];
  for (;;) {
    let next: A.Node | undefined;
    for (const c of flatten(children)) {
      const span = (c as { span?: A.Span }).span;
      if (span && span.start <= offset && offset <= span.end && (!next || span.end - span.start < next.span.end - next.span.start)) next = c as A.Node;
    }
    if (!next) return path;
    path.push(next);
    children = childrenOf(next);
  }
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
