/**
 * The grammar passes Chevrotain's own validations (ambiguities, left recursion, subrule
 * occurrence indices). They are skipped in normal runs to keep start-up short
 * (packages/dsl/src/parser.ts); `BYLAW_PARSER_VALIDATE=1` turns them on, which a
 * grammar with definition errors refuses with an exception when the parser is built.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

it('the parser built with grammar validations on checks every policy (built packages)', () => {
  const r = spawnSync(process.execPath, [join(root, 'packages/cli/dist/main.js'), 'check', 'policies'], {
    cwd: root,
    env: { ...process.env, BYLAW_PARSER_VALIDATE: '1', NO_COLOR: '1' },
    encoding: 'utf8',
  });
  expect(r.stderr).not.toMatch(/Parser Definition Errors/);
  expect(r.status, r.stderr).toBe(0);
});
