/**
 * One way to walk folders (walkFiles of @bylaw/runtime/node) for check, fmt,
 * test and diff: name order, .gitignore honoured (nested, with negations, and
 * from the repository's root down), .prettierignore for fmt as Prettier reads
 * it, dot folders and node_modules skipped, loop-safe, problems reported.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { walkFiles } from '../support/bylaw.js';
import { runBylaw, workspace } from '../support/cli.js';

const policy = (id: string) => `policy demo.${id} "示例"\n  version "1"\n  published 2024-01-01\n  effective 2024-01-01\nsubject m: M\ntype M { a: number }\ndecide {\n  admit when m.a > 1\n}\n`;
const unformatted = (id: string) => policy(id).replace('admit when m.a > 1', 'admit when   m.a > 1');

function tree(): string {
  const dir = workspace({
    '.gitignore': 'generated/\n*.draft.policy\n',
    '.prettierignore': 'policies/b/\n',
    'policies/a.policy': unformatted('a'),
    'policies/b/c.policy': unformatted('c'),
    'policies/generated/x.policy': unformatted('x'),
    'policies/z.draft.policy': unformatted('z'),
    'policies/sub/.gitignore': '*.policy\n!keep.policy\n',
    'policies/sub/drop.policy': unformatted('drop'),
    'policies/sub/keep.policy': unformatted('keep'),
    'policies/node_modules/m.policy': unformatted('m'),
    'policies/.hidden/h.policy': unformatted('h'),
    'policies/a.test.yaml': 'policy: demo.a\ncases:\n  - name: one\n    as_of: 2024-02-01\n    subject: { a: 2 }\n    expect: { outcome: admitted }\n',
    'policies/generated/g.test.yaml': 'policy: demo.x\ncases: []\n',
  });
  mkdirSync(join(dir, '.git'));
  symlinkSync('.', join(dir, 'policies', 'loop'));
  symlinkSync('self', join(dir, 'policies', 'self'));
  symlinkSync('nowhere.policy', join(dir, 'policies', 'dangling.policy'));
  return dir;
}

describe('walkFiles', () => {
  it('name order, ignore files, no dot folders or node_modules, loop-safe, problems said', () => {
    const dir = tree();
    const r = walkFiles([join(dir, 'policies')], { extensions: ['.policy'] });
    expect(r.files.map((f) => f.slice(dir.length + 1))).toEqual(['policies/a.policy', 'policies/b/c.policy', 'policies/sub/keep.policy']);
    expect(r.problems.map((p) => [p.path.slice(dir.length + 1), p.code])).toEqual([
      ['policies/dangling.policy', 'ENOENT'],
      ['policies/self', 'ELOOP'],
    ]);
  });

  it('a file named explicitly is taken, once, wherever it is also found', () => {
    const dir = tree();
    const r = walkFiles([join(dir, 'policies/z.draft.policy'), join(dir, 'policies'), join(dir, 'policies/a.policy')], { extensions: ['.policy'] });
    expect(r.files.map((f) => f.slice(dir.length + 1))).toEqual(['policies/z.draft.policy', 'policies/a.policy', 'policies/b/c.policy', 'policies/sub/keep.policy']);
  });

  it('the rules of the parents up to the repository root apply to a folder given below them', () => {
    const dir = tree();
    const r = walkFiles([join(dir, 'policies/generated')], { extensions: ['.policy'] });
    // The folder itself was named, so it is walked although the root's rules ignore it.
    expect(r.files.map((f) => f.slice(dir.length + 1))).toEqual(['policies/generated/x.policy']);
    // Below a folder that is not ignored, the root's rules apply.
    writeFileSync(join(dir, 'policies/sub/other.draft.policy'), policy('d'));
    writeFileSync(join(dir, 'policies/sub/.gitignore'), '');
    expect(walkFiles([join(dir, 'policies/sub')], { extensions: ['.policy'] }).files.map((f) => f.slice(dir.length + 1))).toEqual(['policies/sub/drop.policy', 'policies/sub/keep.policy']);
  });
});

describe('every command walks the same way', () => {
  it('check, fmt (plus .prettierignore), test', async () => {
    const dir = tree();
    const check = await runBylaw(['check', 'policies', '--format', 'json'], dir);
    expect(JSON.parse(check.out).files).toEqual(['policies/a.policy', 'policies/b/c.policy', 'policies/sub/keep.policy']);
    expect(JSON.parse(check.out).diagnostics.map((d: { file: string; code: string }) => `${d.code} ${d.file}`)).toEqual(['BYL2011 policies/dangling.policy', 'BYL2011 policies/self']);

    const fmt = await runBylaw(['fmt', '--check', 'policies'], dir);
    expect(fmt.code).toBe(1);
    // As Prettier: .prettierignore (policies/b/) is skipped by fmt, not by check.
    expect(fmt.out.split('\n').filter((l) => l.endsWith('.policy'))).toEqual(['policies/a.policy', 'policies/sub/keep.policy']);
    expect(fmt.err).toContain('policies/self: cannot read: ELOOP');

    const test = await runBylaw(['test', 'policies', '--policies', 'policies/a.policy'], dir);
    expect(test.out).toContain('1 test file, 1 cases');
    expect(test.err).toContain('policies/self: cannot read: ELOOP');
  });
});
