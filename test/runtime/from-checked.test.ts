/**
 * PolicyRegistry.fromChecked: a registry from policies checked elsewhere — copied
 * by structured cloning, as postMessage copies them to a worker thread — decides
 * exactly as the registry that checked them, on every policy test case.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicies, PolicyRegistry } from '../support/bylaw.js';
import { readTestFile } from '../../packages/cli/src/policy-tests.js';

describe('PolicyRegistry.fromChecked', () => {
  it('copied checked policies decide as the originals, explanations included', () => {
    const original = loadPolicies(['policies']).registry!;
    const checked = original.checkedPolicies();
    expect(checked.length).toBe(original.ids().reduce((n, id) => n + original.versions(id).length, 0));
    const copy = PolicyRegistry.fromChecked(structuredClone(checked));
    expect(copy.ids()).toEqual(original.ids());
    let cases = 0;
    for (const f of readdirSync('policies', { recursive: true, encoding: 'utf8' }).filter((x) => x.endsWith('.test.yaml'))) {
      const { file } = readTestFile(join('policies', f));
      for (const c of file!.cases) {
        const params = c.params ?? file!.params;
        const options = { asOf: String(c.as_of), explain: true, ...(params ? { params } : {}) };
        expect(JSON.stringify(copy.evaluate(file!.policy, c.subject, options))).toBe(JSON.stringify(original.evaluate(file!.policy, c.subject, options)));
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(150);
  });
});
