/**
 * Every policy in `policies/`: formatting keeps its AST and its comments, and
 * a second pass changes nothing; and (once enabled) every file is formatted,
 * so that CI keeps them so.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectInvariants, format } from './support.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const policiesDir = join(root, 'policies');

/**
 * Set to true once `policies/` has been formatted (`bylaw fmt policies`, by
 * the files' owner). From then on CI fails when a policy is not formatted.
 */
const POLICIES_ARE_FORMATTED = true;

function policyFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) return policyFiles(full);
      return name.endsWith('.policy') ? [full] : [];
    });
}

const files = policyFiles(policiesDir);

describe('format: policies/', () => {
  it('finds the policies', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(`${relative(root, file)}: same AST and comments, stable`, async () => {
      const input = readFileSync(file, 'utf8');
      await expectInvariants(input, await format(input, { filepath: file }));
    });
  }

  it.skipIf(!POLICIES_ARE_FORMATTED)('every policy is formatted (bylaw fmt --check policies)', async () => {
    const unformatted: string[] = [];
    for (const file of files) {
      const input = readFileSync(file, 'utf8');
      if ((await format(input, { filepath: file })) !== input) unformatted.push(relative(root, file));
    }
    expect(unformatted, 'run: bylaw fmt policies').toEqual([]);
  });
});
