/**
 * The packages as a user gets them: every package packed with pnpm (as it
 * would be published: `workspace:*` replaced by versions), the tarballs
 * installed with npm into empty folders (from the files; their third-party
 * dependencies from the registry), then used there as a user would:
 *
 * - `bylaw` through npm's bin link: check (a broken policy exits 1 with its
 *   diagnostic), eval (one subject, and a batch on worker threads), fmt,
 *   test, diff, completion, and `bylaw-git-diff` as git's diff driver;
 * - `require('@bylaw/runtime')` and `import` both evaluate a policy;
 * - TypeScript types resolve under `node16` and `bundler` resolution, the
 *   platform-free entries without Node's types;
 * - `prettier --plugin prettier-plugin-bylaw --check` with only Prettier and
 *   the plugin installed.
 *
 * Also checked on the tarballs: licence, README, repository, engines, an
 * `exports` map with `types` first, no `workspace:` range, no `source`
 * condition, no source map naming a file that is not shipped, no stale file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const manifestOf = (dir: string) => JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as Record<string, any>;
/** Every package that is published: each folder under packages/ whose manifest is not private. */
const packages = readdirSync(join(root, 'packages')).filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')) && !manifestOf(dir).private);
const version = manifestOf('cli').version as string;
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

const silver = `policy demo.silver "银牌"
  version "1"
  published 2023-09-01
  effective 2023-09-08
subject provider: Provider
type Provider { paid_orders: number "支付订单量" }
decide {
  tier silver "银牌服务商": provider.paid_orders >= 900万
  default tier base "服务商"
}
`;

/** Run a command; its status and output (never throws). */
function run(command: string, args: readonly string[], options: SpawnSyncOptions & { cwd: string }) {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 240_000, ...options, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env } });
  return { status: r.status, out: String(r.stdout ?? ''), err: String(r.stderr ?? ''), error: r.error };
}

/** npm, as the user has it: the one this test runs under (`npm test`), else the one next to node. */
function npm(args: readonly string[], cwd: string) {
  const cli = process.env['npm_execpath'];
  const r = cli && cli.endsWith('.js') ? run(process.execPath, [cli, ...args], { cwd }) : run('npm', args, { cwd });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed:\n${r.out}\n${r.err}`);
  return r;
}

const scratch = mkdtempSync(join(tmpdir(), 'bylaw-install-'));
const packs = join(scratch, 'packs');
const app = join(scratch, 'app');
const formatOnly = join(scratch, 'prettier-only');
const tarballs = new Map<string, string>();
const contents = new Map<string, string[]>();

beforeAll(() => {
  mkdirSync(packs);
  const pnpm = run('npx', ['-y', 'pnpm@10.34.8', '-r', ...packages.flatMap((dir) => ['--filter', manifestOf(dir).name]), 'pack', '--pack-destination', packs], { cwd: root });
  if (pnpm.status !== 0) throw new Error(`pnpm pack failed:\n${pnpm.out}\n${pnpm.err}`);
  for (const dir of packages) {
    const name = manifestOf(dir).name as string;
    const file = join(packs, `${name.replace('@', '').replace('/', '-')}-${version}.tgz`);
    if (!existsSync(file)) throw new Error(`no tarball for ${name}: ${readdirSync(packs).join(', ')}`);
    tarballs.set(dir, file);
    contents.set(dir, execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).trim().split('\n').map((p) => p.replace(/^package\//, '')));
  }
  for (const [dir, deps] of [
    [app, [...tarballs.values()]],
    [formatOnly, [tarballs.get('dsl')!, tarballs.get('prettier-plugin-bylaw')!, 'prettier@3']],
  ] as const) {
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch', private: true }));
    npm(['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...deps], dir);
  }
}, 600_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A file in a tarball. */
function packed(dir: string, path: string): string {
  return execFileSync('tar', ['-xzOf', tarballs.get(dir)!, `package/${path}`], { encoding: 'utf8' });
}

describe('the tarballs', () => {
  it.each(packages)('%s: a publishable manifest', (dir) => {
    const m = JSON.parse(packed(dir, 'package.json'));
    expect(m.version).toBe(version);
    expect(m.license).toBe('Apache-2.0');
    expect(m.repository).toMatchObject({ type: 'git', directory: `packages/${dir}` });
    expect(m.repository.url).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).repository.url);
    expect(m.engines.node).toMatch(/^>=20\.19/);
    expect(JSON.stringify(m)).not.toContain('workspace:');
    for (const [subpath, target] of Object.entries(m.exports as Record<string, unknown>)) {
      if (typeof target === 'string') continue;
      expect(Object.keys(target as object), subpath).toEqual(['types', 'default']);
    }
    for (const dep of Object.keys(m.dependencies ?? {})) if (dep.startsWith('@bylaw/') || dep === 'prettier-plugin-bylaw') expect(m.dependencies[dep]).toBe(version);
    // The folder's name is the package's (without its scope), so that a new package is found here.
    expect(m.name.replace(/^@bylaw\//, '')).toBe(dir);
  });

  it.each(packages)('%s: licence, README, and only files that belong', (dir) => {
    const files = contents.get(dir)!;
    expect(files).toContain('LICENSE');
    expect(packed(dir, 'LICENSE')).toBe(readFileSync(join(root, 'LICENSE'), 'utf8'));
    expect(files).toContain('README.md');
    expect(files.filter((f) => /\.test\.|tsbuildinfo|node_modules/.test(f))).toEqual([]);
    // No stale output: every compiled file has its source (the Chevrotain bundle excepted).
    for (const f of files.filter((f) => f.startsWith('dist/') && f.endsWith('.js') && f !== 'dist/chevrotain.js')) {
      expect(files, `${f} has no source`).toContain(f.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts'));
    }
  });

  it.each(packages)('%s: every source map names files that are shipped', (dir) => {
    const files = new Set(contents.get(dir)!);
    for (const map of [...files].filter((f) => f.endsWith('.map'))) {
      const sources = JSON.parse(packed(dir, map)).sources as string[];
      const base = map.split('/').slice(0, -1);
      for (const s of sources) {
        const parts = [...base];
        for (const p of s.split('/')) p === '..' ? parts.pop() : p !== '.' && parts.push(p);
        expect(files, `${map} → ${s}`).toContain(parts.join('/'));
      }
    }
  });

  it('@bylaw/dsl ships Chevrotain bundled, with its licences', () => {
    const bundle = packed('dsl', 'dist/chevrotain.js');
    expect(bundle).not.toMatch(/from\s*["']chevrotain["']|import\(["']chevrotain/);
    expect(contents.get('dsl')).not.toContain('dist/chevrotain.js.map');
    expect(packed('dsl', 'dist/THIRD-PARTY-LICENSES.txt')).toMatch(/chevrotain 11\.\d+\.\d+ \(Apache-2\.0\)[\s\S]*lodash-es [\d.]+ \(MIT\)/);
    expect(JSON.parse(packed('dsl', 'package.json')).dependencies).not.toHaveProperty('chevrotain');
  });
});

describe('bylaw, installed with npm', () => {
  const bin = (name: string) => join(app, 'node_modules', '.bin', name);
  const bylaw = (...args: string[]) => run(bin('bylaw'), args, { cwd: app });

  beforeAll(() => {
    mkdirSync(join(app, 'policies'));
    writeFileSync(join(app, 'policies', 'silver.policy'), silver);
    writeFileSync(join(app, 'policies', 'silver.test.yaml'), 'policy: demo.silver\ncases:\n  - name: silver at 900万\n    as_of: 2023-10-01\n    subject: { paid_orders: 9000000 }\n    expect: { tier: silver }\n');
    writeFileSync(join(app, 'p.json'), JSON.stringify({ id: 'P1', paid_orders: 9_000_000 }));
    mkdirSync(join(app, 'broken'));
    writeFileSync(join(app, 'broken', 'b.policy'), silver.replace('provider.paid_orders >= 900万', 'provider.paid_ordres >= 900万'));
  });

  it('runs through the bin link npm made, and prints its version', () => {
    const r = bylaw('--version');
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(0);
    expect(r.out.trim()).toBe(version);
  });

  it('check: a broken policy exits 1 with its diagnostic; a good one exits 0', () => {
    const bad = bylaw('check', 'broken');
    expect(bad.status).toBe(1);
    expect(bad.out).toContain('broken/b.policy:8:');
    expect(bad.out).toMatch(/error BYL\d{4}: .*paid_ordres/);
    expect(bad.out).toContain('did you mean paid_orders?');
    expect(bylaw('check').status).toBe(0);
  });

  it('eval: a decision tree, and a batch decided on worker threads', () => {
    const one = bylaw('eval', 'demo.silver', '--data', 'p.json', '--as-of', '2023-10-01');
    expect(one.status, one.err).toBe(0);
    expect(one.out).toContain('ADMITTED · tier silver 银牌服务商');
    writeFileSync(join(app, 'many.ndjson'), Array.from({ length: 2000 }, (_, i) => JSON.stringify({ id: `m${i}`, paid_orders: i * 9000 })).join('\n') + '\n');
    const batch = run(bin('bylaw'), ['eval', 'demo.silver', '--data', 'many.ndjson', '--as-of', '2023-10-01', '--jobs', '2'], { cwd: app, env: { BYLAW_BATCH_MAIN_DECIDES: '0' } });
    expect(batch.status, batch.err).toBe(0);
    const records = batch.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(records).toHaveLength(2000);
    expect(records.filter((r) => r.tier === 'silver')).toHaveLength(1000);
  });

  it('fmt --check, fmt, test, versions', () => {
    expect(bylaw('fmt', '--check').status).toBe(1);
    expect(bylaw('fmt').status).toBe(0);
    expect(bylaw('fmt', '--check').status).toBe(0);
    const t = bylaw('test');
    expect(t.status, t.out).toBe(0);
    expect(t.out).toContain('1 passed, 0 failed');
    expect(bylaw('versions').out).toContain('2023-09-08 → (open)');
  });

  it('diff: the change in meaning, with a witness', () => {
    writeFileSync(join(app, 'raised.policy'), silver.replace('900万', '1000万'));
    const r = bylaw('diff', 'policies/silver.policy', 'raised.policy');
    expect(r.status, r.err).toBe(1);
    expect(r.out).toContain('[stricter]');
  });

  it('help, completion, and demo (which needs the repository) in one line', () => {
    expect(bylaw('help', 'eval').out).toContain('Usage: bylaw eval');
    expect(bylaw('completion', 'bash').out).toContain('complete -o default -F _bylaw bylaw');
    const demo = bylaw('demo');
    expect(demo.status).toBe(2);
    expect(demo.err.trim().split('\n')).toHaveLength(1);
  });

  it.skipIf(spawnSync('git', ['--version']).status !== 0)('bylaw-git-diff works as git diff driver', () => {
    const repo = join(app, 'repo');
    mkdirSync(join(repo, 'policies'), { recursive: true });
    const env = { HOME: repo, GIT_CONFIG_NOSYSTEM: '1', GIT_PAGER: 'cat' };
    const git = (...args: string[]) => {
      const r = run('git', args, { cwd: repo, env });
      if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.err}`);
      return r.out;
    };
    git('init', '-q');
    git('config', 'user.email', 'test@example.com');
    git('config', 'user.name', 'test');
    writeFileSync(join(repo, '.gitattributes'), '*.policy diff=bylaw\n');
    writeFileSync(join(repo, 'policies', 'silver.policy'), silver);
    git('add', '.');
    git('commit', '-qm', 'first');
    git('config', 'diff.bylaw.command', bin('bylaw-git-diff'));
    writeFileSync(join(repo, 'policies', 'silver.policy'), silver.replace('900万', '1000万'));
    const out = git('diff');
    expect(out).toContain('[stricter]');
    expect(out).not.toContain('cannot compare');
  });

  it('require() and import both evaluate a policy', () => {
    const use = (kind: 'require' | 'import') => `${
      kind === 'require'
        ? "const { PolicyRegistry } = require('@bylaw/runtime');\nconst { loadPolicies } = require('@bylaw/runtime/node');"
        : "import { PolicyRegistry } from '@bylaw/runtime';\nimport { loadPolicies } from '@bylaw/runtime/node';"
    }
const text = ${JSON.stringify(silver)};
const { registry } = PolicyRegistry.fromSources([{ path: 'silver.policy', text }]);
const fromFiles = loadPolicies(['policies']).registry;
for (const r of [registry, fromFiles]) console.log(r.evaluate('demo.silver', { paid_orders: 9000000 }, { asOf: '2023-10-01' }).tier.id);
`;
    writeFileSync(join(app, 'use.cjs'), use('require'));
    writeFileSync(join(app, 'use.mjs'), use('import'));
    for (const file of ['use.cjs', 'use.mjs']) {
      const r = run(process.execPath, [file], { cwd: app });
      expect(r.err, file).toBe('');
      expect(r.out, file).toBe('silver\nsilver\n');
    }
  });

  it('TypeScript resolves the types under node16 and bundler resolution', () => {
    const core = `import { PolicyRegistry, type Decision } from '@bylaw/runtime';
import { check, memoryHost, type Diagnostic } from '@bylaw/dsl';
import { diffPolicies, type PolicyDiff } from '@bylaw/diff';
import { parseDate } from '@bylaw/runtime/calendar';
const r = PolicyRegistry.fromSources([{ path: 'a.policy', text: '' }]);
const d: Decision | undefined = r.registry?.evaluate('x', {}, { asOf: '2024-01-01' });
const ds: readonly Diagnostic[] = check([], { host: memoryHost({}) }).diagnostics;
const diff: ((...a: Parameters<typeof diffPolicies>) => PolicyDiff) = diffPolicies;
const day: number | undefined = parseDate('2024-01-01');
// @ts-expect-error: the outcome is a string union, not a number
const wrong: number = d!.outcome;
export { d, ds, diff, day, wrong };
`;
    const node = `import { loadPolicies, type NodeLoadOptions } from '@bylaw/runtime/node';
import { main } from '@bylaw/cli';
// Prettier's own declarations need Node's types (or the DOM's).
import plugin from 'prettier-plugin-bylaw';
const options: NodeLoadOptions = { cwd: '.' };
const { registry } = loadPolicies(['policies'], options);
export { registry, main, plugin };
`;
    const configs = {
      node16: { module: 'node16', moduleResolution: 'node16' },
      bundler: { module: 'esnext', moduleResolution: 'bundler' },
    };
    for (const [name, resolution] of Object.entries(configs)) {
      const dir = join(app, `ts-${name}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
      writeFileSync(join(dir, 'core.ts'), core);
      writeFileSync(join(dir, 'node.ts'), node);
      const base = { ...resolution, target: 'es2022', strict: true, noEmit: true, skipLibCheck: false };
      // The platform-free entries compile without Node's types; the Node entries (and Prettier's plugin) with them.
      writeFileSync(join(dir, 'tsconfig.core.json'), JSON.stringify({ compilerOptions: { ...base, types: [], lib: ['es2022'] }, files: ['core.ts'] }));
      // (Prettier's and Node's own declarations are large: not checked again here, only resolved.)
      writeFileSync(join(dir, 'tsconfig.node.json'), JSON.stringify({ compilerOptions: { ...base, skipLibCheck: true, types: ['node'], typeRoots: [join(root, 'node_modules', '@types')] }, files: ['node.ts'] }));
      for (const config of ['tsconfig.core.json', 'tsconfig.node.json']) {
        const r = run(process.execPath, [tsc, '-p', config], { cwd: dir });
        expect(r.out + r.err, `${name} ${config}`).toBe('');
        expect(r.status).toBe(0);
      }
    }
  }, 240_000);
});

describe('prettier-plugin-bylaw, installed with Prettier alone', () => {
  it('prettier --plugin prettier-plugin-bylaw --check and --write', () => {
    // Only Prettier, the plugin and what it needs (@bylaw/dsl): not the runtime, not the CLI.
    for (const absent of ['runtime', 'cli', 'diff']) expect(existsSync(join(formatOnly, 'node_modules', '@bylaw', absent)), absent).toBe(false);
    const prettier = join(formatOnly, 'node_modules', '.bin', 'prettier');
    writeFileSync(join(formatOnly, 'a.policy'), 'type T { a: number   b?: string }\ncriterion c: a and   b\n');
    const check = (file: string) => run(prettier, ['--plugin', 'prettier-plugin-bylaw', '--check', file], { cwd: formatOnly });
    expect(check('a.policy').status).toBe(1);
    const write = run(prettier, ['--plugin', 'prettier-plugin-bylaw', '--write', 'a.policy'], { cwd: formatOnly });
    expect(write.status, write.err).toBe(0);
    expect(readFileSync(join(formatOnly, 'a.policy'), 'utf8')).toBe('type T {\n  a: number\n  b?: string\n}\n\ncriterion c: a and b\n');
    expect(check('a.policy').status).toBe(0);
  });
});
