/**
 * The tutorials run: every file they write and every command they show.
 *
 * docs/tutorial.md and docs/zh/tutorial.md are played step by step in a fresh
 * temporary folder, with the built CLI (`bylaw` is replaced by
 * `node packages/cli/dist/main.js`, NO_COLOR=1, cwd = that folder), which
 * test/support/build.ts rebuilds before the run.
 *
 * How a page marks its steps (details in tutorial-steps.ts):
 *
 *   <!-- file: PATH -->          the next block is written to PATH
 *   <!-- append: PATH -->        … appended to PATH
 *   <!-- edit: PATH [from P] --> the next ```diff block is applied to PATH
 *   <!-- contains: PATH -->      PATH must contain the block's lines, in order
 *   ```sh  $ bylaw ARGS  # exits N   one command; exit code N (default 0)
 *   ```text                       right after it: the expected output
 *
 * Expected output: every non-blank line of the text block must appear as a
 * whole line of the output (stdout, then stderr), in the same order; other
 * lines may come between; a line `…` marks an omission and is not matched.
 *
 * The two pages must have the same steps (same files, commands and outputs):
 * only the prose is translated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { scan } from './markdown.js';
import { applyHunks, firstMissingLine, tutorialSteps, type Step } from './tutorial-steps.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'packages/cli/dist/main.js');

function bylaw(args: readonly string[], cwd: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env['FORCE_COLOR'];
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, output: (r.stdout ?? '') + (r.stderr ?? '') };
}

const pages = {
  en: join(root, 'docs/tutorial.md'),
  zh: join(root, 'docs/zh/tutorial.md'),
};
const steps = Object.fromEntries(Object.entries(pages).map(([lang, path]) => [lang, tutorialSteps(readFileSync(path, 'utf8'))])) as Record<
  keyof typeof pages,
  Step[]
>;

/** A step without its page line, for comparing the two pages. */
const comparable = (s: Step) => {
  const { line: _line, ...rest } = s;
  return rest;
};

describe('tutorial pages', () => {
  it('the CLI is built (npx tsc -b)', () => {
    expect(existsSync(cli), `${cli} is missing: run npx tsc -b`).toBe(true);
  });

  it('docs/tutorial.md has steps of every kind', () => {
    const kinds = new Set(steps.en.map((s) => s.kind));
    for (const k of ['write', 'append', 'edit', 'contains', 'run']) expect([...kinds]).toContain(k);
    // At least one command must fail on purpose (the deliberate mistake).
    expect(steps.en.some((s) => s.kind === 'run' && s.exit !== 0)).toBe(true);
  });

  it('docs/zh/tutorial.md has exactly the same files, commands and outputs', () => {
    expect(steps.zh.map(comparable)).toEqual(steps.en.map(comparable));
  });

  it('docs/zh/tutorial.md has the same sections', () => {
    const levels = (path: string) => scan(readFileSync(path, 'utf8')).headings.map((h) => h.level);
    expect(levels(pages.zh)).toEqual(levels(pages.en));
  });
});

for (const [lang, page] of Object.entries(pages) as [keyof typeof pages, string][]) {
  describe(`${page.slice(root.length + 1)} runs`, () => {
    let dir = '';
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), `bylaw-tutorial-${lang}-`));
    });
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    for (const step of steps[lang]) {
      const title = `line ${step.line}: ${step.kind === 'run' ? step.display : `${step.kind} ${step.path}`}`;
      it(title, () => {
        const at = (p: string) => join(dir, p);
        switch (step.kind) {
          case 'write':
            mkdirSync(dirname(at(step.path)), { recursive: true });
            writeFileSync(at(step.path), step.content);
            break;
          case 'append':
            expect(existsSync(at(step.path)), `${step.path} exists before appending`).toBe(true);
            appendFileSync(at(step.path), step.content);
            break;
          case 'edit': {
            const source = at(step.from ?? step.path);
            expect(existsSync(source), `${step.from ?? step.path} exists before editing`).toBe(true);
            mkdirSync(dirname(at(step.path)), { recursive: true });
            writeFileSync(at(step.path), applyHunks(readFileSync(source, 'utf8'), step.hunks, `${page}:${step.line}`));
            break;
          }
          case 'contains': {
            const text = readFileSync(at(step.path), 'utf8');
            const missing = firstMissingLine(step.lines, text);
            expect(missing, `${step.path} lacks this line (in order):\n${missing}\n\n${step.path}:\n${text}`).toBeUndefined();
            break;
          }
          case 'run': {
            const r = bylaw(step.args, dir);
            expect(r.code, `exit code of ${step.display}\n\noutput:\n${r.output}`).toBe(step.exit);
            if (step.expected) {
              const missing = firstMissingLine(step.expected, r.output);
              expect(missing, `the output lacks this line (in order):\n${missing}\n\noutput:\n${r.output}`).toBeUndefined();
            }
            break;
          }
        }
      });
    }
  });
}
