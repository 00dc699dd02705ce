/**
 * The platform-free core in a browser bundle: `@bylaw/dsl`, `@bylaw/runtime`
 * and `prettier-plugin-bylaw` (with Prettier's browser build) bundled by esbuild
 * with `--platform=browser` and no shims, then run where there is no Node:
 * a fresh V8 context holding only what a browser page has that the code
 * uses (TextEncoder, TextDecoder). A seed policy is checked, evaluated with
 * its explanation and formatted there, and must give exactly what Node gives.
 *
 * The packages are bundled as published (their `exports`, their built
 * `dist`), so build first (`npm run build`).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { format } from '../../packages/prettier-plugin-bylaw/src/index.js';
import { loadPolicies } from '../support/bylaw.js';

const root = join(import.meta.dirname, '..', '..');
const built = existsSync(join(root, 'packages/runtime/dist/index.js')) && existsSync(join(root, 'packages/prettier-plugin-bylaw/dist/index.js'));
const folder = 'policies/douyin/belt_provider';

const entry = `
import { PolicyRegistry } from '@bylaw/runtime';
import { memoryHost, renderDiagnostic } from '@bylaw/dsl';
import * as prettier from 'prettier';
import plugin from 'prettier-plugin-bylaw';

export function evaluate(files, id, subject, options) {
  const inputs = Object.entries(files).map(([path, text]) => ({ path, text }));
  const { registry, diagnostics } = PolicyRegistry.fromSources(inputs, { host: memoryHost(files) });
  if (!registry) return { errors: diagnostics.map((d) => renderDiagnostic(d, files[d.file] ?? '')) };
  return { decision: registry.evaluate(id, subject, options) };
}

export function diagnose(path, text) {
  return PolicyRegistry.fromSources([{ path, text }]).diagnostics.map((d) => d.code + ' ' + d.message);
}

export function format(text) {
  return prettier.format(text, { parser: 'bylaw', plugins: [plugin] });
}
`;

describe.skipIf(!built)('the core bundled for a browser', async () => {
  const result = await build({
    stdin: { contents: entry, resolveDir: join(root, 'packages/cli'), sourcefile: 'browser-entry.js', loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'Bylaw',
    write: false,
    logLevel: 'silent',
    metafile: true,
  });
  const code = result.outputFiles[0]!.text;
  const api = (() => {
    // A browser's globals that the code may use; no process, require, Buffer, module or global.
    const context = { TextEncoder, TextDecoder, console };
    runInNewContext(`${code};globalThis.Bylaw = Bylaw;`, context);
    return (context as unknown as { Bylaw: { evaluate: Function; diagnose: Function; format: (t: string) => Promise<string> } }).Bylaw;
  })();

  const files = Object.fromEntries(
    readdirSync(join(root, folder))
      .filter((f) => f.endsWith('.policy'))
      .map((f) => [`${folder}/${f}`, readFileSync(join(root, folder, f), 'utf8')]),
  );
  const providers = JSON.parse(readFileSync(join(root, 'examples/douyin-belt-provider.json'), 'utf8')) as { id: string }[];
  const params = JSON.parse(readFileSync(join(root, 'examples/params/douyin-industry-threshold.SAMPLE.json'), 'utf8'));

  it('bundles with no Node module and no shim', () => {
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.filter((i) => /^node:|(^|\/)node_modules\/(@types\/node|buffer|process|path-browserify|crypto-browserify)\//.test(i))).toEqual([]);
    // Chevrotain comes bundled by the build, not from its own (many-module) package.
    expect(inputs.some((i) => i.endsWith('packages/dsl/dist/chevrotain.js'))).toBe(true);
    // No bare require() (lodash's feature test, `freeModule.require("util")`, is guarded and never runs in a browser).
    expect(code).not.toMatch(/(?<![.\w])require\(\s*["']/);
  });

  it('checks and evaluates a seed programme, with its explanation, exactly as Node does', () => {
    const { registry } = loadPolicies([join(root, folder)], { cwd: root });
    expect(registry).toBeDefined();
    for (const subject of providers) {
      for (const asOf of ['2023-09-08', '2024-03-01']) {
        const options = { asOf, params, explain: true };
        const inBrowser = api.evaluate(files, 'douyin.belt_provider', subject, options) as { decision?: unknown; errors?: string[] };
        expect(inBrowser.errors).toBeUndefined();
        // Through JSON: the bundle's objects come from another realm.
        expect(JSON.parse(JSON.stringify(inBrowser.decision))).toEqual(JSON.parse(JSON.stringify(registry!.evaluate('douyin.belt_provider', subject, options))));
      }
    }
  });

  it('reports diagnostics there, an import with no host among them', () => {
    const codes = api.diagnose('a.policy', 'import "./types.policy"\npolicy x "x"\n') as string[];
    expect(codes.some((c) => c.startsWith('BYL2011 cannot read imported file'))).toBe(true);
  });

  it('formats a seed policy as Prettier in Node does', async () => {
    for (const [path, text] of Object.entries(files)) {
      expect(await api.format(text), path).toBe(await format(text));
    }
  });
});
