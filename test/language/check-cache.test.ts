/**
 * `check` with a `CheckCache` (what the language server does after each edit) gives the
 * diagnostics of a check without one, parses only what changed, and `resolveBrokenFiles`
 * adds resolutions without adding diagnostics.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, CheckCache, type SourceHost, type SourceInput } from '../support/bylaw.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function policyFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir)).sort()) {
    const rel = posix.join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) out.push(...policyFiles(rel));
    else if (name.endsWith('.policy')) out.push(rel);
  }
  return out;
}

/** Reads from the repository, with some files replaced by edited texts. */
function hostWith(edits: Map<string, string>): SourceHost {
  return {
    readFile: (p) => edits.get(p) ?? (statSync(join(root, p), { throwIfNoEntry: false })?.isFile() ? readFileSync(join(root, p), 'utf8') : undefined),
    resolve: (from, spec) => posix.normalize(posix.join(posix.dirname(from), spec)),
  };
}

const seeds = policyFiles('policies');
const inputsWith = (edits: Map<string, string>): SourceInput[] => seeds.map((path) => ({ path, text: edits.get(path) ?? readFileSync(join(root, path), 'utf8') }));
const summary = (r: ReturnType<typeof check>) => r.diagnostics.map((d) => `${d.file}:${d.span.start}-${d.span.end} ${d.code} ${d.message} ${d.hint ?? ''}`);

describe('check with a cache', () => {
  it('gives the diagnostics of a fresh check after each edit, and reuses the parses of unchanged files', () => {
    const cache = new CheckCache();
    const edits = new Map<string, string>();
    const first = check(inputsWith(edits), { host: hostWith(edits), cache });
    expect(summary(first)).toEqual(summary(check(inputsWith(edits), { host: hostWith(edits) })));
    const types = 'policies/douyin/belt_provider/types.policy';
    const policy = 'policies/kuaishou/quality_factory/2023-07-17.policy';
    const original = readFileSync(join(root, policy), 'utf8');
    const steps = [
      [policy, original.replace('any(r in factory.inspection_reports', 'any(r in factory.inspection_report')], // an unknown field
      [policy, original.replace('criterion core_standards', 'criterion core_standard')], // names now unknown
      [policy, original], // back to the original
      [types, readFileSync(join(root, types), 'utf8').replace('paid_orders', 'paid_order')], // a library: its importers change
      [types, readFileSync(join(root, types), 'utf8') + '\nlet oops = '], // a syntax error in a library
    ] as const;
    for (const [path, text] of steps) {
      edits.set(path, text);
      const before = check(inputsWith(edits), { host: hostWith(edits), cache });
      const fresh = check(inputsWith(edits), { host: hostWith(edits) });
      expect(summary(before)).toEqual(summary(fresh));
      expect(before.policies.map((p) => p.file)).toEqual(fresh.policies.map((p) => p.file));
      // Unchanged files keep their AST objects: they were not parsed again.
      const untouched = 'policies/1688/yanxuan/admission.2023-08-04.policy';
      expect(before.files.get(untouched)!.ast).toBe(first.files.get(untouched)!.ast);
    }
  });

  it('resolves names in a file with syntax errors only when asked, and reports the same diagnostics either way', () => {
    const path = 'policies/douyin/belt_provider/2023-09-08.policy';
    const text = readFileSync(join(root, path), 'utf8').replace('decide {', 'decide {\n  tier oops "x":');
    const host = hostWith(new Map());
    const plain = check([{ path, text }], { host });
    const resolved = check([{ path, text }], { host, resolveBrokenFiles: true });
    expect(plain.diagnostics.some((d) => d.code === 'BYL1004')).toBe(true);
    expect(summary(resolved)).toEqual(summary(plain));
    expect(plain.resolutions.has(path)).toBe(false);
    const names = resolved.resolutions.get(path)!.names;
    expect([...names.values()].some((r) => r.kind === 'let' && r.decl.name.name === 'paid_orders_total')).toBe(true);
  });
});
