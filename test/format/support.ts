/**
 * Helpers for the formatter tests: the invariants every formatted text must
 * hold, checked for every test case.
 *
 * 1. A second pass changes nothing (idempotence).
 * 2. The output parses, and its AST equals the input's, positions aside
 *    (`span` fields are removed before comparing; comments are compared
 *    apart, below, since formatting may move them).
 * 3. The comments are the same multiset of texts (white space at the ends of
 *    their lines aside: the formatter re-indents them).
 */
import { expect } from 'vitest';
import { format } from '../../packages/prettier-plugin-bylaw/src/index.js';
import { parse, type SourceFile } from '../support/bylaw.js';

export { format };

/** A deep copy of a value without `span` fields (and without the file's comment list). */
export function stripPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripPositions);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (key === 'span' || (key === 'comments' && (value as { kind?: string }).kind === 'SourceFile')) continue;
      out[key] = stripPositions(v);
    }
    return out;
  }
  return value;
}

/** The comment texts of a file, normalised (each line trimmed), sorted. */
export function commentTexts(ast: SourceFile): string[] {
  return ast.comments.map((c) => c.text.split('\n').map((line) => line.trim()).join('\n')).sort();
}

/** Parse a text that must parse: the AST, or a failed expectation listing the errors. */
export function parseOk(text: string, file = '<output>'): SourceFile {
  const { ast, diagnostics } = parse(text, file);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  expect(errors.map((d) => `${d.code} ${d.message}`), `${file} does not parse`).toEqual([]);
  return ast;
}

/** Check the three invariants for `input` formatted as `output`. */
export async function expectInvariants(input: string, output: string, options: Record<string, unknown> = {}): Promise<void> {
  expect(await format(output, options), 'a second pass changes the output').toBe(output);
  const before = parseOk(input, '<input>');
  const after = parseOk(output);
  expect(stripPositions(after), 'the AST changed').toEqual(stripPositions(before));
  expect(commentTexts(after), 'the comments changed').toEqual(commentTexts(before));
}
