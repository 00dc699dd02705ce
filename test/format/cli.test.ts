/**
 * `bylaw fmt`: formats in place, checks, reports files that do not parse and
 * leaves them untouched.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBylaw, workspace } from '../support/cli.js';

const messy = 'type T { a: number   b?: string }\ncriterion c: a and   b\n';
const tidy = 'type T {\n  a: number\n  b?: string\n}\n\ncriterion c: a and b\n';
const broken = 'let a = 1 +\n';

function run(args: string[], cwd: string) {
  return runBylaw(['fmt', ...args], cwd);
}

describe('bylaw fmt', () => {
  it('formats the files under ./policies in place', async () => {
    const dir = workspace({ 'policies/a.policy': messy, 'policies/sub/b.policy': tidy, 'policies/notes.txt': messy });
    const r = await run([], dir);
    expect(r.code).toBe(0);
    expect(r.out).toBe('formatted policies/a.policy\n1 file formatted, 1 unchanged');
    expect(readFileSync(join(dir, 'policies/a.policy'), 'utf8')).toBe(tidy);
    expect(readFileSync(join(dir, 'policies/notes.txt'), 'utf8')).toBe(messy);
  });

  it('--check lists the unformatted files, changes nothing, and exits 1', async () => {
    const dir = workspace({ 'p/a.policy': messy, 'p/b.policy': tidy });
    const r = await run(['--check', 'p'], dir);
    expect(r.code).toBe(1);
    expect(r.out).toBe('p/a.policy\n1 file not formatted (run bylaw fmt)');
    expect(readFileSync(join(dir, 'p/a.policy'), 'utf8')).toBe(messy);
    expect((await run(['--check', 'p/b.policy'], dir)).code).toBe(0);
  });

  it('reports a file that does not parse with its diagnostics and leaves it untouched', async () => {
    const dir = workspace({ 'p/bad.policy': broken, 'p/good.policy': messy });
    const r = await run(['p'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain('p/bad.policy:2:1: error BYL1004');
    expect(r.err).toContain('  1 | let a = 1 +');
    expect(r.out).toContain('1 file formatted, 0 unchanged, 1 file not parsed, left as they are');
    expect(readFileSync(join(dir, 'p/bad.policy'), 'utf8')).toBe(broken);
    expect(readFileSync(join(dir, 'p/good.policy'), 'utf8')).toBe(tidy);
  });

  it('refuses a file that is not valid UTF-8 (BYL1009) and leaves its bytes as they were', async () => {
    // "旗舰店" with its last byte cut (GBK or a torn copy): decoded leniently it would become U+FFFD,
    // and formatting would write a file that checks, with a different string.
    const bytes = Buffer.concat([Buffer.from('let name   =  "旗舰'), Buffer.from([0xe5, 0xba]), Buffer.from('"\n')]);
    const dir = workspace({ 'p/a.policy': messy });
    writeFileSync(join(dir, 'p/torn.policy'), bytes);
    for (const args of [['p'], ['--check', 'p']]) {
      const r = await run(args, dir);
      expect(r.code).toBe(1);
      expect(r.err).toContain('p/torn.policy:1:18: error BYL1009: the file is not valid UTF-8');
      expect(r.out).toContain('1 file not parsed, left as they are');
      expect(readFileSync(join(dir, 'p/torn.policy')).equals(bytes)).toBe(true);
    }
  });

  it('follows a .prettierrc next to the files', async () => {
    const long = 'criterion silver "产业带银牌服务商" cites "银牌标准": paid_orders >= 900万 and active_merchants >= 1000\n';
    const dir = workspace({ 'p/a.policy': long, '.prettierrc': '{ "printWidth": 120 }\n' });
    expect((await run(['--check', 'p'], dir)).code).toBe(0);
  });

  it('is a command of bylaw, with usage errors', async () => {
    const dir = workspace({ 'p/a.policy': tidy });
    expect((await run(['p'], dir)).code).toBe(0);
    expect((await run(['--help'], dir)).out).toContain('Usage: bylaw fmt [options] [paths...]');
    const missing = await run(['nope'], dir);
    expect(missing.code).toBe(2);
    expect(missing.err).toBe('bylaw fmt: no such file or folder: nope');
    expect((await run([], dir)).code).toBe(2);
    expect((await run(['--bogus'], dir)).code).toBe(2);
  });
});
