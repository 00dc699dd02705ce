/**
 * Formatter fuzzing: every valid generated policy (see support.ts), with
 * comments inserted at random line ends and between lines, formats to text
 * that parses, keeps the AST (minus positions) and every comment, and does
 * not change on a second pass.
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { generatePolicy } from './support.js';
import { count, fuzzTimeout, params, report, runs } from './support.js';
import { expectInvariants, format } from '../format/support.js';

const TARGET = 'formatter × generated policies';

/** Put comments into a policy text: own-line comments between lines, trailing ones at line ends. */
function withComments(text: string, picks: readonly { line: number; own: boolean; words: string }[]): string {
  const lines = text.split('\n');
  // From the last line up, so that earlier indices stay right.
  for (const p of [...picks].sort((a, b) => b.line - a.line)) {
    const i = p.line % lines.length;
    const line = lines[i]!;
    // A trailing comment cannot go after a line that ends inside a string or in a block comment.
    if (p.own) lines.splice(i, 0, `// ${p.words}`);
    else if (!line.includes('//') && !line.includes('/*')) lines[i] = `${line} // ${p.words}`;
  }
  return lines.join('\n');
}

describe('formatter fuzzing', () => {
  it(
    'generated policies with comments: idempotent, AST-preserving, no comment lost',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.gen(),
          fc.array(
            fc.record({
              line: fc.nat(400),
              own: fc.boolean(),
              words: fc.constantFrom('注释', 'why: 以上 includes the number', 'TODO check', '说明 // nested', '*/ not a block'),
            }),
            { maxLength: 4 },
          ),
          async (g, picks) => {
            const policy = generatePolicy(g);
            const input = withComments(policy.text, picks);
            const output = await format(input);
            await expectInvariants(input, output);
            count(TARGET);
          },
        ),
        params(runs(200)),
      );
      report(TARGET);
    },
    fuzzTimeout,
  );
});
