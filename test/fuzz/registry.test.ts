/**
 * Registry safety: loading a policy folder with duplicate versions,
 * overlapping periods, unreadable files, non-regular files, symlink loops,
 * invalid UTF-8 or reference cycles gives clear errors and never a registry
 * that answers from a partial load. A randomised test builds folders from a
 * pool of good and bad files and checks that a registry exists exactly when
 * no file is bad.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadPolicies, PolicyRegistry, type LoadResult } from '../support/bylaw.js';
import { count, params, report, scaledRuns, fuzzTimeout } from './support.js';

const base = mkdtempSync(join(tmpdir(), 'bylaw-registry-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
function folder(files: Record<string, string | Buffer | { link: string } | { fifo: true } | { dir: true }>): string {
  const dir = join(base, `case${n++}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    if (typeof content === 'string' || Buffer.isBuffer(content)) writeFileSync(path, content);
    else if ('link' in content) symlinkSync(content.link, path);
    else if ('fifo' in content) execFileSync('mkfifo', [path]);
    else mkdirSync(path, { recursive: true });
  }
  return dir;
}

function policy(id: string, opts: { version?: string; effective?: string; until?: string; satisfies?: string; subject?: string } = {}): string {
  return `policy ${id} "测试"
  version "${opts.version ?? '1'}"
  published ${opts.effective ?? '2020-01-01'}
  effective ${opts.effective ?? '2020-01-01'}${opts.until ? ` until ${opts.until}` : ''}

type M { ok?: bool  other?: M }
subject m: M
decide {
  admit when m.ok${opts.satisfies ? ` and m.other satisfies ${opts.satisfies}` : ''}
}
`;
}

function load(dir: string): LoadResult {
  return loadPolicies([dir], { cwd: dir });
}

function errorCodes(r: LoadResult): string[] {
  return r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
}

/** No registry, and an error with this code whose message says what is wrong. */
function expectRefused(r: LoadResult, code: string, message: RegExp): void {
  expect(r.registry, 'a load with errors gives no registry').toBeUndefined();
  const d = r.diagnostics.find((x) => x.code === code);
  expect(d, `${code} among ${JSON.stringify(r.diagnostics.map((x) => `${x.code} ${x.message}`))}`).toBeDefined();
  expect(d!.message).toMatch(message);
  expect(d!.severity).toBe('error');
  for (const x of r.diagnostics) expect(x.span.start <= x.span.end && x.span.start >= 0).toBe(true);
}

describe('loading a folder: clear errors, never a partial registry', () => {
  it('a good folder loads and answers', () => {
    const r = load(folder({ 'a/v1.policy': policy('t.a', { version: '1', effective: '2020-01-01' }), 'a/v2.policy': policy('t.a', { version: '2', effective: '2021-01-01' }) }));
    expect(errorCodes(r)).toEqual([]);
    expect(r.registry!.inForce('t.a', '2020-12-31')!.version).toBe('1');
    expect(r.registry!.inForce('t.a', '2021-01-01')!.version).toBe('2');
  });

  it('duplicate versions: BYL3017, no registry', () => {
    const r = load(folder({ 'x.policy': policy('t.a', { version: '1', effective: '2020-01-01' }), 'y.policy': policy('t.a', { version: '1', effective: '2021-01-01' }) }));
    expectRefused(r, 'BYL3017', /version "1" is defined twice/);
  });

  it('overlapping periods: BYL3014, no registry', () => {
    const r = load(folder({ 'x.policy': policy('t.a', { version: '1', effective: '2020-01-01', until: '2021-06-01' }), 'y.policy': policy('t.a', { version: '2', effective: '2021-01-01' }) }));
    expectRefused(r, 'BYL3014', /both in force/);
    const same = load(folder({ 'x.policy': policy('t.a', { version: '1' }), 'y.policy': policy('t.a', { version: '2' }) }));
    expectRefused(same, 'BYL3014', /both in force/);
  });

  it('one broken file among good ones: no registry (a partial load would answer wrongly)', () => {
    const r = load(folder({ 'good.policy': policy('t.good'), 'bad.policy': policy('t.bad').replace('admit when', 'admit whenn') }));
    expect(r.registry).toBeUndefined();
    expect(errorCodes(r)).toContain('BYL1004');
    const mem = PolicyRegistry.fromSources([
      { path: 'good.policy', text: policy('t.good') },
      { path: 'bad.policy', text: policy('t.bad', { satisfies: 't.missing' }) },
    ]);
    expect(mem.registry).toBeUndefined();
    expect(mem.diagnostics.map((d) => d.code)).toContain('BYL3012');
  });

  it('a dangling symbolic link: BYL2011 "cannot read", no registry', () => {
    const r = load(folder({ 'good.policy': policy('t.good'), 'gone.policy': { link: 'nowhere.policy' } }));
    expectRefused(r, 'BYL2011', /cannot read .*gone\.policy: ENOENT/);
  });

  it('a symbolic link loop between files: BYL2011 with a hint, no registry', () => {
    const r = load(folder({ 'good.policy': policy('t.good'), 'a.policy': { link: 'b.policy' }, 'b.policy': { link: 'a.policy' } }));
    expectRefused(r, 'BYL2011', /ELOOP/);
    expect(r.diagnostics.find((d) => d.code === 'BYL2011')!.hint).toMatch(/points back/);
  });

  it('a folder link back to its parent (a directory loop) terminates and loads each file once', () => {
    const dir = folder({ 'sub/p.policy': policy('t.p'), 'sub/loop': { link: '..' }, 'self': { link: '.' } });
    const r = load(dir);
    expect(errorCodes(r)).toEqual([]);
    expect(r.registry!.versions('t.p').length).toBe(1);
  });

  it('the same file through a second name is loaded once (no false duplicate version)', () => {
    const r = load(folder({ 'p.policy': policy('t.p'), 'alias.policy': { link: 'p.policy' } }));
    expect(errorCodes(r)).toEqual([]);
    expect(r.registry!.versions('t.p').length).toBe(1);
  });

  it('a named pipe (FIFO) called *.policy: a clear error, not a hang', () => {
    const dir = folder({ 'good.policy': policy('t.good'), 'pipe.policy': { fifo: true } });
    const t0 = performance.now();
    const r = load(dir);
    expect(performance.now() - t0).toBeLessThan(5000);
    expectRefused(r, 'BYL2011', /pipe\.policy: not a regular file/);
  }, 20_000);

  it('an import that is a FIFO, a folder or missing: BYL2011, no registry', () => {
    const importing = (spec: string) => policy('t.imp').replace('type M', `import "${spec}"\ntype M`);
    for (const [files, spec] of [
      [{ 'lib.policy': { fifo: true } }, './lib.policy'],
      [{ 'libdir.policy': { dir: true } }, './libdir.policy'],
      [{}, './missing.policy'],
    ] as const) {
      const r = load(folder({ 'p.policy': importing(spec), ...files }));
      expectRefused(r, 'BYL2011', /cannot (read|import)/);
    }
  }, 20_000);

  it('unreadable file (permission denied): BYL2011, no registry', () => {
    if (process.getuid?.() === 0) return; // root reads every file; nothing to test
    const dir = folder({ 'good.policy': policy('t.good'), 'secret.policy': policy('t.secret') });
    execFileSync('chmod', ['000', join(dir, 'secret.policy')]);
    expectRefused(load(dir), 'BYL2011', /EACCES/);
  });

  it('invalid UTF-8: BYL1009 at the first bad byte, no registry', () => {
    const text = Buffer.concat([Buffer.from(policy('t.bad').replace('测试', '')), Buffer.from([0xff, 0xfe, 0xc0, 0x80])]);
    const r = load(folder({ 'good.policy': policy('t.good'), 'bad.policy': text }));
    expectRefused(r, 'BYL1009', /not valid UTF-8/);
    expect(r.sources.get('bad.policy')).toContain('\ufffd');
  });

  it('a path that does not exist: BYL2011, no registry', () => {
    const r = loadPolicies([join(base, 'does-not-exist')]);
    expectRefused(r, 'BYL2011', /ENOENT/);
  });
});

describe('references between policies', () => {
  it('a cycle of satisfies (and a policy referring to itself) is refused at load: BYL3013', () => {
    const cycle = load(folder({ 'a.policy': policy('t.a', { satisfies: 't.b' }), 'b.policy': policy('t.b', { satisfies: 't.c' }), 'c.policy': policy('t.c', { satisfies: 't.a' }) }));
    expectRefused(cycle, 'BYL3013', /cycle: t\.\w → t\.\w → t\.\w → t\.\w/);
    const self = load(folder({ 'a.policy': policy('t.a', { satisfies: 't.a' }) }));
    expectRefused(self, 'BYL3013', /cycle/);
  });

  it('a chain of references deeper than maxReferenceDepth terminates with a data error that names the limit', () => {
    const files: Record<string, string> = {};
    const depth = 24;
    for (let i = 0; i < depth; i++) files[`p${i}.policy`] = policy(`t.p${i}`, i + 1 < depth ? { satisfies: `t.p${i + 1}` } : {});
    const dir = folder(files);
    let subject: Record<string, unknown> = { ok: true };
    for (let i = 0; i < depth; i++) subject = { ok: true, other: subject };
    const r = loadPolicies([dir], { cwd: dir, runtimeLimits: { maxReferenceDepth: 8 } });
    expect(errorCodes(r)).toEqual([]);
    const d = r.registry!.evaluate('t.p0', subject, { asOf: '2023-01-01' });
    expect(d.outcome).toBe('undetermined');
    expect(d.dataErrors.map((e) => e.message).join('\n')).toMatch(/more than 8 deep \(limits\.maxReferenceDepth\)/);
    // Within the limit the chain is followed to its end.
    const ok = loadPolicies([dir], { cwd: dir, runtimeLimits: { maxReferenceDepth: 30 } });
    expect(ok.registry!.evaluate('t.p0', subject, { asOf: '2023-01-01' }).outcome).toBe('admitted');
  });
});

describe('random folders of good and bad files', () => {
  type Kind = 'good' | 'syntax' | 'dupVersion' | 'overlap' | 'dangling' | 'loop' | 'badUtf8' | 'cycle' | 'fifo';
  const badKinds: Kind[] = ['syntax', 'dupVersion', 'overlap', 'dangling', 'loop', 'badUtf8', 'cycle', 'fifo'];
  it('a registry exists exactly when no file is bad, and then answers every good policy', () => {
    const target = 'registry: random folders';
    fc.assert(
      fc.property(fc.array(fc.constantFrom<Kind>('good', 'good', 'good', ...badKinds), { minLength: 1, maxLength: 8 }), (kinds) => {
        count(target);
        const files: Parameters<typeof folder>[0] = {};
        kinds.forEach((k, i) => {
          const id = `t.f${i}`;
          switch (k) {
            case 'good':
              files[`f${i}.policy`] = policy(id);
              break;
            case 'syntax':
              files[`f${i}.policy`] = policy(id).replace('decide {', 'decide {{');
              break;
            case 'dupVersion':
              files[`f${i}a.policy`] = policy(id, { effective: '2020-01-01', until: '2021-01-01' });
              files[`f${i}b.policy`] = policy(id, { effective: '2021-01-01' });
              break;
            case 'overlap':
              files[`f${i}a.policy`] = policy(id, { version: '1', effective: '2020-01-01', until: '2022-01-01' });
              files[`f${i}b.policy`] = policy(id, { version: '2', effective: '2021-01-01' });
              break;
            case 'dangling':
              files[`f${i}.policy`] = { link: `nothing${i}.policy` };
              break;
            case 'loop':
              files[`f${i}.policy`] = { link: `f${i}.policy` };
              break;
            case 'badUtf8':
              files[`f${i}.policy`] = Buffer.concat([Buffer.from(policy(id)), Buffer.from([0xc3, 0x28])]);
              break;
            case 'cycle':
              files[`f${i}a.policy`] = policy(`${id}a`, { satisfies: `${id}b` });
              files[`f${i}b.policy`] = policy(`${id}b`, { satisfies: `${id}a` });
              break;
            case 'fifo':
              files[`f${i}.policy`] = { fifo: true };
              break;
          }
        });
        const dir = folder(files);
        const r = load(dir);
        rmSync(dir, { recursive: true, force: true }); // long runs make a million of these
        const bad = kinds.some((k) => k !== 'good');
        expect(r.registry === undefined, `kinds ${kinds.join(',')}: ${r.diagnostics.map((d) => d.code).join(',')}`).toBe(bad);
        if (bad) expect(errorCodes(r).length).toBeGreaterThan(0);
        else {
          kinds.forEach((_, i) => {
            const d = r.registry!.evaluate(`t.f${i}`, { ok: true }, { asOf: '2023-01-01' });
            expect(d.outcome).toBe('admitted');
          });
        }
      }),
      params(scaledRuns(60, 0.005)),
    );
    report(target);
  }, fuzzTimeout);
});
