/**
 * `bylaw diff` with real git: as a diff driver for `*.policy`
 * (`.gitattributes` + `git config diff.bylaw.command …`), with `path@REV`,
 * and with a revision range. Each test builds a throwaway repository.
 *
 * Needs git. Git runs the compiled `packages/cli/dist/main.js`, which
 * test/support/build.ts rebuilds from the sources before the run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const mainJs = join(root, 'packages', 'cli', 'dist', 'main.js');
const wrapper = join(root, 'packages', 'cli', 'dist', 'git-diff.js');

const hasGit = spawnSync('git', ['--version']).status === 0;
if (!hasGit) console.warn('git-driver tests skipped: git is not installed');

const policy = (version: string, effective: string, min: string) => `policy demo.grade "示例分级"
  version "${version}"
  published ${effective}
  effective ${effective}
  source "git driver test"

import "./types.policy"

subject merchant: Merchant

param silver_min_gmv "银牌GMV门槛": number = ${min}

decide {
  tier silver "银牌商家" cites "第三条": merchant.gmv >= silver_min_gmv
  default tier base "普通商家"
}
`;
const types = `type Merchant "商家" {\n  gmv: number "近一年GMV"\n}\n`;

describe.skipIf(!hasGit)('bylaw diff with git', () => {
  let repo: string;
  const env = { ...process.env, HOME: '', GIT_CONFIG_NOSYSTEM: '1', GIT_PAGER: 'cat', PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', NO_COLOR: '1' };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env, encoding: 'utf8' });
  const bylaw = (...args: string[]) => spawnSync('node', [mainJs, ...args], { cwd: repo, env, encoding: 'utf8' });

  beforeAll(() => {
    if (!existsSync(mainJs)) throw new Error(`${mainJs} is missing: build first with npx tsc -b`);
    repo = mkdtempSync(join(tmpdir(), 'bylaw-git-'));
    env.HOME = repo;
    git('init', '-q');
    git('config', 'user.name', 'Bylaw Test');
    git('config', 'user.email', 'bylaw@example.com');
    git('config', 'commit.gpgsign', 'false');
    mkdirSync(join(repo, 'policies', 'demo'), { recursive: true });
    writeFileSync(join(repo, 'policies', 'demo', 'types.policy'), types);
    writeFileSync(join(repo, 'policies', 'demo', '2024-01-01.policy'), policy('2024-01-01', '2024-01-01', '900万'));
    git('add', '.');
    git('commit', '-q', '-m', 'first version');
    // The same file, revised: a raised threshold.
    writeFileSync(join(repo, 'policies', 'demo', '2024-01-01.policy'), policy('2024-01-01', '2024-01-01', '1000万'));
    git('commit', '-q', '-am', 'raise the silver threshold');
  });

  afterAll(() => {
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  it('as a diff driver: git diff shows the change in meaning, with a witness', () => {
    writeFileSync(join(repo, '.gitattributes'), '*.policy diff=bylaw\n');
    git('config', 'diff.bylaw.command', `node ${mainJs} diff --git-driver`);
    const out = git('diff', 'HEAD~1', 'HEAD');
    expect(out).toContain('bylaw diff  demo.grade  version 2024-01-01 (both files)');
    expect(out).toContain('~ param silver_min_gmv  [stricter]');
    expect(out).toContain('number = 900万 (9,000,000)  →  number = 1000万 (10,000,000)');
    expect(out).toContain('old: admitted · tier silver 银牌商家');
    expect(out).toContain('new: admitted · tier base 普通商家');
    // Imports were read next to the file's path in the working tree.
    expect(out).not.toContain('cannot compare');
  });

  it('as a diff driver through the wrapper script, on the working tree', () => {
    git('config', 'diff.bylaw.command', wrapper);
    writeFileSync(join(repo, 'policies', 'demo', '2024-01-01.policy'), policy('2024-01-01', '2024-01-01', '800万'));
    const out = git('diff');
    expect(out).toContain('~ param silver_min_gmv  [looser]');
    git('checkout', '--', '.');
  });

  it('as a diff driver: formatting only is reported as no change in meaning', () => {
    git('config', 'diff.bylaw.command', `node ${mainJs} diff --git-driver`);
    const text = readFileSync(join(repo, 'policies', 'demo', '2024-01-01.policy'), 'utf8');
    writeFileSync(join(repo, 'policies', 'demo', '2024-01-01.policy'), `// reformatted\n${text.replace(/\n\n/g, '\n\n\n')}`);
    const out = git('diff');
    expect(out).toContain('No change in meaning');
    git('checkout', '--', '.');
  });

  it('as a diff driver: a new version file is compared with the previous version of its id', () => {
    git('config', 'diff.bylaw.command', `node ${mainJs} diff --git-driver`);
    writeFileSync(join(repo, 'policies', 'demo', '2024-07-01.policy'), policy('2024-07-01', '2024-07-01', '1200万'));
    git('add', 'policies/demo/2024-07-01.policy');
    const out = git('diff', '--cached');
    expect(out).toContain('policies/demo/2024-01-01.policy (previous version)');
    expect(out).toContain('~ param silver_min_gmv  [stricter]');
    expect(out).toContain('the new version takes over on 2024-07-01');
    git('reset', '-q', 'policies/demo/2024-07-01.policy');
    rmSync(join(repo, 'policies', 'demo', '2024-07-01.policy'));
  });

  it('a syntax error falls back to the line diff and does not stop git', () => {
    git('config', 'diff.bylaw.command', `node ${mainJs} diff --git-driver`);
    writeFileSync(join(repo, 'policies', 'demo', '2024-01-01.policy'), 'policy broken\n  version\n');
    try {
      const r = spawnSync('git', ['diff'], { cwd: repo, env, encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('cannot compare policies/demo/2024-01-01.policy by meaning');
      expect(r.stdout).toContain('+policy broken');
    } finally {
      git('checkout', '--', '.');
    }
  });

  it('path@REV against the working tree, with exit code 1 for a change in meaning', () => {
    const r = bylaw('diff', 'policies/demo/2024-01-01.policy@HEAD~1', 'policies/demo/2024-01-01.policy');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('old  policies/demo/2024-01-01.policy@HEAD~1');
    expect(r.stdout).toContain('[stricter]');
    const same = bylaw('diff', 'policies/demo/2024-01-01.policy@HEAD', 'policies/demo/2024-01-01.policy');
    expect(same.status).toBe(0);
  });

  it('a revision range: every changed policy, as Markdown for a pull request', () => {
    const r = bylaw('diff', 'HEAD~1..HEAD', '--format', 'markdown');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('### `bylaw diff` demo.grade');
    expect(r.stdout).toContain('| ✏️ | param `silver_min_gmv` | `number = 900万 (9,000,000)` | `number = 1000万 (10,000,000)` | stricter | silver → base |');
    const none = bylaw('diff', 'HEAD..HEAD');
    expect(none.status).toBe(0);
    expect(none.stdout).toContain('No .policy file changed');
  });

  it('a library change is shown through the policies that import it', () => {
    writeFileSync(join(repo, 'policies', 'demo', 'types.policy'), types.replace('gmv: number "近一年GMV"', 'gmv: number "近一年GMV"\n  region: string "地区"'));
    git('commit', '-q', '-am', 'a new required field');
    const r = bylaw('diff', 'HEAD~1..HEAD');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('+ field merchant.region  [breaking]');
  });

  it('a revision never reaches git as an option (issue #16, item 16)', () => {
    const target = join(repo, 'written-by-git.txt');
    for (const args of [['HEAD~1..--output=' + target], ['--output=' + target + '..HEAD'], ['policies/demo/2024-01-01.policy@--output=' + target, 'policies/demo/2024-01-01.policy']]) {
      const r = bylaw('diff', ...(args[0]!.startsWith('-') ? ['--', ...args] : args));
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^bylaw diff: "--output=.*" is not a revision \(a revision never starts with '-'\)\n$/);
      expect(existsSync(target)).toBe(false);
    }
    const unknown = bylaw('diff', 'HEAD..no-such-branch');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe('bylaw diff: no commit "no-such-branch" in this repository\n');
  });

  it('as a diff driver: the text diff too, so that a comment or wording edit is never hidden', () => {
    writeFileSync(join(repo, '.gitattributes'), '*.policy diff=bylaw\n');
    git('config', 'diff.bylaw.command', wrapper);
    const file = join(repo, 'policies', 'demo', '2024-01-01.policy');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('decide {', '// 银牌门槛见第三条\ndecide {').replace('"普通商家"', '"普通商户"'));
    try {
      const out = git('diff');
      expect(out).toContain('diff --git a/policies/demo/2024-01-01.policy b/policies/demo/2024-01-01.policy');
      expect(out).toContain('+// 银牌门槛见第三条');
      expect(out).toContain('-  default tier base "普通商家"');
      expect(out).toContain('+  default tier base "普通商户"');
      expect(out).not.toContain('git-blob-');
      expect(out).toContain('No change in meaning');
    } finally {
      git('checkout', '--', '.');
    }
  });

  it('as a diff driver: each revision with its own imports (git diff A B, git log -p)', () => {
    writeFileSync(join(repo, '.gitattributes'), '*.policy diff=bylaw\n');
    git('config', 'diff.bylaw.command', wrapper);
    // One commit adds a field to the imported types and a rule that uses it.
    writeFileSync(join(repo, 'policies', 'demo', 'types.policy'), types.replace('gmv: number "近一年GMV"', 'gmv: number "近一年GMV"\n  rating?: number "评分"'));
    writeFileSync(join(repo, 'policies', 'demo', '2024-01-01.policy'), policy('2024-01-01', '2024-01-01', '1000万').replace('decide {', 'decide {\n  exclude low_rating "低分": merchant.rating < 3'));
    git('commit', '-q', '-am', 'exclusion by rating');
    try {
      for (const out of [git('diff', 'HEAD~1', 'HEAD'), git('log', '-p', '--ext-diff', '-1')]) {
        // The old side is read with the old types: the field is new.
        expect(out).toContain('+ field merchant.rating');
        expect(out).not.toContain('cannot compare');
        expect(out).not.toContain('not found');
      }
    } finally {
      git('reset', '-q', '--hard', 'HEAD~1');
    }
  });
});
