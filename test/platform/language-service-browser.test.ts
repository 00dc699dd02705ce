/**
 * The language service in a browser bundle (what the playground will run from CodeMirror):
 * `@bylaw/language-service` bundled by esbuild with `--platform=browser`, run in a fresh V8
 * context without Node, over files held in memory. Its diagnostics, hover, completion,
 * outline and formatting of a seed policy are those it gives in Node.
 *
 * The packages are bundled as published (their built `dist`), so build first (`npm run build`).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { LanguageService } from '../../packages/language-service/src/index.js';
import { resolveImport } from '../support/bylaw.js';

const root = join(import.meta.dirname, '..', '..');
const built = existsSync(join(root, 'packages/language-service/dist/index.js'));
const folder = 'policies/douyin/belt_provider';
const policy = `${folder}/2023-09-08.policy`;

/** What the test asks the service, the same in both places. */
const script = (LS: typeof LanguageService, resolve: (from: string, spec: string) => string, files: Record<string, string>) => {
  const service = new LS({
    readFile: (p) => files[p],
    resolve,
    checkGroup: () => ({ root: 'policies', files: Object.keys(files) }),
  });
  const path = 'policies/douyin/belt_provider/2023-09-08.policy';
  service.setDocument(path, files[path]!);
  const broken = files[path]!.replace('sum(provider.paid_orders during period)', 'sum(provider.pa');
  const answers = {
    diagnostics: service.diagnostics(path).map((d) => `${d.code} ${d.range.start.line}:${d.range.start.character} ${d.message}`),
    hover: service.hover(path, { line: 61, character: 8 }),
    symbols: service.documentSymbols(path).map((s) => s.name),
    tokens: service.semanticTokens(path).data.length,
    completion: [] as string[],
  };
  service.setDocument(path, broken);
  const lines = broken.slice(0, broken.indexOf('provider.pa') + 11).split('\n');
  answers.completion = service.completion(path, { line: lines.length - 1, character: lines.at(-1)!.length }).map((c) => c.label);
  return answers;
};

describe.skipIf(!built)('the language service bundled for a browser', async () => {
  const result = await build({
    stdin: { contents: "export { LanguageService } from '@bylaw/language-service'; export { resolveImport } from '@bylaw/dsl';", resolveDir: join(root, 'packages/language-server'), sourcefile: 'entry.js', loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'BylawLS',
    write: false,
    logLevel: 'silent',
    metafile: true,
  });
  const code = result.outputFiles[0]!.text;
  const files = Object.fromEntries(
    readdirSync(join(root, folder))
      .filter((f) => f.endsWith('.policy'))
      .map((f) => [`${folder}/${f}`, readFileSync(join(root, folder, f), 'utf8')]),
  );

  it('bundles with no Node module and no shim', () => {
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.filter((i) => /^node:|(^|\/)node_modules\/(@types\/node|buffer|process|path-browserify)\//.test(i))).toEqual([]);
    expect(code).not.toMatch(/(?<![.\w])require\(\s*["'](fs|path|os|crypto|child_process)/);
  });

  it('answers in a context without Node as it answers in Node', () => {
    const context = { TextEncoder, TextDecoder, console, files, script: String(script) };
    runInNewContext(`${code};globalThis.answers = (${script})(BylawLS.LanguageService, BylawLS.resolveImport, files);`, context);
    const inBrowser = (context as unknown as { answers: ReturnType<typeof script> }).answers;
    const inNode = script(LanguageService, resolveImport, files);
    expect(JSON.parse(JSON.stringify(inBrowser))).toEqual(JSON.parse(JSON.stringify(inNode)));
    expect(inNode.diagnostics).toHaveLength(7);
    expect(inNode.completion.sort()).toEqual(['bound_merchants', 'name', 'paid_orders']);
    expect(JSON.stringify(inNode.hover)).toContain('支付订单量');
  });
});
