/**
 * Golden tests for the formatter.
 *
 * Each folder `<case>/` holds `input.policy` and the expected
 * `output.policy`, and optionally `options.json` (Prettier options such as
 * `printWidth`). Every case also checks the invariants of `support.ts`:
 * idempotence, the same AST, the same comments.
 *
 * Regenerate the expected files with:
 *
 *     UPDATE_GOLDEN=1 npx vitest run test/format
 *
 * and read every changed file before committing it.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectInvariants, format } from './support.js';

const here = fileURLToPath(new URL('./', import.meta.url));
const update = process.env['UPDATE_GOLDEN'] === '1';

const cases = readdirSync(here)
  .filter((name) => statSync(join(here, name)).isDirectory() && existsSync(join(here, name, 'input.policy')))
  .sort();

describe('format: golden cases', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  for (const name of cases) {
    it(name, async () => {
      const dir = join(here, name);
      const input = readFileSync(join(dir, 'input.policy'), 'utf8');
      const optionsFile = join(dir, 'options.json');
      const options = existsSync(optionsFile) ? (JSON.parse(readFileSync(optionsFile, 'utf8')) as Record<string, unknown>) : {};
      const output = await format(input, options);
      const expectedFile = join(dir, 'output.policy');
      if (update) writeFileSync(expectedFile, output);
      expect(output).toBe(readFileSync(expectedFile, 'utf8'));
      await expectInvariants(input, output, options);
    });
  }
});
