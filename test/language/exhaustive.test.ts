/**
 * Every dispatch on AST kinds is exhaustive: adding a kind to the AST makes
 * `tsc` fail at every place that must handle it.
 *
 * The sources of every package are type-checked (in memory, nothing written)
 * with a dummy kind added to one AST union — an expression, a decide rule, a
 * declaration — and the places `tsc` flags are compared with the lists in
 * exhaustive/*.txt: what a contributor adding that kind of node must handle.
 * A place that handles kinds with a silent default does not show up there.
 * (The sources as they are type-check: the test run starts with `tsc -b`.)
 *
 *   UPDATE=1 npx vitest run test/language/exhaustive.test.ts   # rewrite the lists
 *
 * The same check by hand: `node test/language/new-kind.mjs Expression`.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { placesToHandle, type Union } from './new-kind.mjs';

const here = import.meta.dirname;

const unions: Union[] = ['Expression', 'DecisionRule', 'Declaration'];

describe('adding an AST kind makes tsc list every place that must handle it', () => {
  for (const union of unions) {
    it(`a new ${union} kind`, () => {
      const places = placesToHandle(union);
      const file = join(here, 'exhaustive', `${union}.txt`);
      const text = places.join('\n') + '\n';
      if (process.env.UPDATE) writeFileSync(file, text);
      expect(text).toBe(readFileSync(file, 'utf8'));
      // Every package that reads the AST has places of its own.
      if (union === 'Expression') {
        for (const pkg of ['packages/dsl/', 'packages/runtime/', 'packages/diff/', 'packages/prettier-plugin-bylaw/']) {
          expect(places.some((p) => p.startsWith(pkg)), pkg).toBe(true);
        }
      }
    }, 300_000);
  }
});
