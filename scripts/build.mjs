// `npm run build`: compile every package (tsc -b), remove compiled files whose
// source is gone (tsc leaves them, and they would be packed), then bundle
// Chevrotain into @bylaw/dsl (see packages/dsl/src/chevrotain.ts) and make the
// bins executable.
//
//   node scripts/build.mjs
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b'], { cwd: root, stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

// Compiled files of sources that were moved or deleted: tsc -b never removes them.
for (const pkg of readdirSync(join(root, 'packages'))) {
  const dist = join(root, 'packages', pkg, 'dist');
  const src = join(root, 'packages', pkg, 'src');
  if (!existsSync(dist) || !existsSync(src)) continue;
  const prune = (dir) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) {
        prune(full);
        if (readdirSync(full).length === 0) rmSync(full, { recursive: true });
        continue;
      }
      const m = /^(.*)\.(js|d\.ts)(\.map)?$/.exec(name);
      if (!m || (pkg === 'dsl' && dir === dist && name === 'chevrotain.js')) continue;
      const source = join(src, full.slice(dist.length + 1, full.length - name.length), `${m[1]}.ts`);
      if (!existsSync(source)) rmSync(full);
    }
  };
  prune(dist);
}

// Chevrotain's parts that the lexer and parser use, in one ES module, over the one tsc wrote.
const dsl = join(root, 'packages/dsl');
const { build } = await import('esbuild');
const { metafile } = await build({
  metafile: true,
  absWorkingDir: root,
  stdin: {
    contents: "export { createToken, Lexer, EmbeddedActionsParser, EOF, tokenMatcher } from 'chevrotain';",
    resolveDir: dsl,
    sourcefile: 'chevrotain-parts.js',
  },
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'eof',
  banner: { js: '// Chevrotain (Apache-2.0), the parts @bylaw/dsl uses, bundled by scripts/build.mjs.' },
  outfile: join(dsl, 'dist/chevrotain.js'),
  logLevel: 'warning',
});
// tsc's map described the file it wrote, not the bundle.
rmSync(join(dsl, 'dist/chevrotain.js.map'), { force: true });
// The licences of the packages in the bundle travel with it.
writeFileSync(join(dsl, 'dist/THIRD-PARTY-LICENSES.txt'), thirdPartyLicenses(Object.keys(metafile.inputs)));

/** The name, version, licence and licence text of every package that an input of a bundle comes from. */
function thirdPartyLicenses(inputs) {
  const packages = new Map();
  for (const input of inputs) {
    const m = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input.replaceAll('\\', '/'));
    if (m) packages.set(m[2], join(root, m[1]));
  }
  const sections = [...packages].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, dir]) => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = ['LICENSE', 'LICENSE.txt', 'LICENSE.md', 'LICENCE'].map((f) => join(dir, f)).find(existsSync);
    if (!file) throw new Error(`${name} has no licence file to ship with the bundle`);
    return `${name} ${pkg.version} (${pkg.license})\n\n${readFileSync(file, 'utf8').trim()}\n`;
  });
  return `dist/chevrotain.js bundles parts of these packages:\n\n${sections.join('\n' + '-'.repeat(72) + '\n\n')}`;
}

// The bins run through symbolic links and from git in development too (npm sets the mode when it installs).
for (const bin of ['main.js', 'git-diff.js']) chmodSync(join(root, 'packages/cli/dist', bin), 0o755);
