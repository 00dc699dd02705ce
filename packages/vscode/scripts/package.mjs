#!/usr/bin/env node
/**
 * Build the VS Code extension and package it as a .vsix (`npm run package:vscode`).
 *
 * Everything the extension runs is bundled with esbuild, so the .vsix holds no
 * node_modules: the client (`dist/extension.cjs`, CommonJS, as VS Code loads
 * extensions), the language server (`dist/server.js`) and the `bylaw` command
 * (`dist/bylaw.js` and its batch worker) as ES modules. The grammar is the language
 * service's; the policy-test schema, when the repository has one, is associated
 * with `*.test.yaml`. The files are staged in `build/` and packed there by
 * `@vscode/vsce`, into `packages/vscode/bylaw-<version>.vsix`.
 *
 * The packages must be built first (`npm run setup`): the bundles start from
 * their compiled JavaScript.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(dirname(fileURLToPath(import.meta.url)));
const root = join(here, '..', '..');
const stage = join(here, 'build');
const require = createRequire(import.meta.url);
const manifest = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
const out = join(here, `${manifest.name}-${manifest.version}.vsix`);
const schema = join(root, 'schemas', 'policy-test.schema.json');

rmSync(stage, { recursive: true, force: true });
mkdirSync(join(stage, 'dist'), { recursive: true });

// Prettier's standalone build, as the language service has it (an absolute path: the plugin that
// imports 'prettier' has it only as a peer).
const prettierStandalone = join(dirname(createRequire(join(root, 'packages', 'language-service', 'package.json')).resolve('prettier/package.json')), 'standalone.mjs');

// ES module bundles of CommonJS packages (vscode-languageserver, yaml) need a require.
const esmBanner = "import { createRequire as __bylawCreateRequire } from 'node:module'; const require = __bylawCreateRequire(import.meta.url);";
const common = { bundle: true, platform: 'node', target: 'node20', legalComments: 'none', logLevel: 'warning', minify: true };

await build({
  ...common,
  entryPoints: [join(here, 'src', 'extension.ts')],
  outfile: join(stage, 'dist', 'extension.cjs'),
  format: 'cjs',
  external: ['vscode'],
});
await build({
  ...common,
  entryPoints: { server: join(root, 'packages', 'language-server', 'dist', 'main.js') },
  outdir: join(stage, 'dist'),
  format: 'esm',
  banner: { js: esmBanner },
  // One Prettier in the server: the standalone build the language service formats with (the plugin
  // imports Prettier's document builders, which the standalone build has too).
  plugins: [{ name: 'prettier-standalone', setup: (b) => b.onResolve({ filter: /^prettier(\/standalone)?$/ }, () => ({ path: prettierStandalone })) }],
});
// The bylaw command as the CLI package ships it (Prettier's Node build: `bylaw fmt` reads .prettierrc);
// its commands load lazily, in chunks of their own.
await build({
  ...common,
  entryPoints: {
    bylaw: join(root, 'packages', 'cli', 'dist', 'main.js'),
    'batch-worker': join(root, 'packages', 'cli', 'dist', 'batch-worker.js'),
  },
  outdir: join(stage, 'dist'),
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  banner: { js: esmBanner },
});
// The bundles are ES modules in .js files.
writeFileSync(join(stage, 'dist', 'package.json'), JSON.stringify({ type: 'module' }) + '\n');
// `bylaw --version` reads the package.json next to its folder: the extension's.

mkdirSync(join(stage, 'syntaxes'));
cpSync(join(root, 'packages', 'language-service', 'syntaxes', 'bylaw.tmLanguage.json'), join(stage, 'syntaxes', 'bylaw.tmLanguage.json'));
cpSync(join(here, 'language-configuration.json'), join(stage, 'language-configuration.json'));
cpSync(join(here, 'README.md'), join(stage, 'README.md'));

const staged = { ...manifest, contributes: { ...manifest.contributes } };
delete staged.devDependencies;
delete staged.scripts;
staged.private = undefined;
if (existsSync(schema)) {
  mkdirSync(join(stage, 'schemas'));
  cpSync(schema, join(stage, 'schemas', 'policy-test.schema.json'));
  // Read by the YAML extension (redhat.vscode-yaml): completion and checking of test files.
  staged.contributes.yamlValidation = [{ fileMatch: ['*.test.yaml', '*.test.yml'], url: './schemas/policy-test.schema.json' }];
}
writeFileSync(join(stage, 'package.json'), JSON.stringify(staged, null, 2) + '\n');
writeFileSync(join(stage, '.vscodeignore'), '');

const vsce = join(dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '--out', out], { cwd: stage, stdio: ['ignore', 'inherit', 'inherit'] });
console.log(`${out}`);
